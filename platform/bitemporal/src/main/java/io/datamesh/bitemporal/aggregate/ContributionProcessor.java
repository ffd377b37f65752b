package io.datamesh.bitemporal.aggregate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import io.datamesh.bitemporal.Version;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage one, partitioned by entity: keeps each entity's current contribution and, when a newer
 * version changes it, emits the old contribution leaving its bucket and the new one entering.
 * Versions older than the current one (by validFrom, then recordedAt) and exact replays emit nothing.
 */
final class ContributionProcessor<V, C, A> implements Processor<String, Version<V>, String, Delta<C>> {

    private final AggregateDefinition<V, C, A> definition;
    private ProcessorContext<String, Delta<C>> context;
    private KeyValueStore<String, byte[]> contributions;

    ContributionProcessor(AggregateDefinition<V, C, A> definition) {
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<String, Delta<C>> context) {
        this.context = context;
        this.contributions = context.getStateStore(definition.contributionsStore());
    }

    @Override
    public void process(Record<String, Version<V>> record) {
        Version<V> v = record.value();
        Current<C> current = Current.decode(contributions.get(v.entity()), definition);
        if (current != null && compare(v, current) < 0) {
            return; // an older state of the entity: it is in the product and views, but the entity counts with its newest
        }
        C contribution = v.operation().hasValue() ? definition.contribution().apply(v.value()) : null;
        Current<C> next;
        if (contribution == null) {
            next = new Current<>(v.validFrom(), v.recordedAt(), null, null, null);
        } else {
            Instant bucketTime = definition.bucketTime().apply(v);
            String group = definition.group().apply(v.value());
            next = new Current<>(v.validFrom(), v.recordedAt(),
                    new BucketKey(group, definition.bucket().label(bucketTime)).entity(),
                    definition.bucket().start(bucketTime), contribution);
        }
        if (current != null && current.sameContribution(next, definition)) {
            contributions.put(v.entity(), next.encode(definition));
            return; // a replay, or a change that leaves its bucket and contribution as they were
        }
        if (current != null && current.contribution() != null) {
            forward(record, new Delta<>(current.bucketEntity(), current.bucketStart(), v.recordedAt(), -1, current.contribution()));
        }
        if (next.contribution() != null) {
            forward(record, new Delta<>(next.bucketEntity(), next.bucketStart(), v.recordedAt(), +1, next.contribution()));
        }
        contributions.put(v.entity(), next.encode(definition));
    }

    private void forward(Record<String, Version<V>> cause, Delta<C> delta) {
        context.forward(cause.withKey(delta.bucketEntity()).withValue(delta));
    }

    private static int compare(Version<?> v, Current<?> c) {
        int byValid = v.validFrom().compareTo(c.validFrom());
        return byValid != 0 ? byValid : v.recordedAt().compareTo(c.recordedAt());
    }

    /** An entity's current state as far as the aggregate is concerned. */
    record Current<C>(Instant validFrom, Instant recordedAt, String bucketEntity, Instant bucketStart, C contribution) {

        boolean sameContribution(Current<C> other, AggregateDefinition<?, C, ?> def) {
            if (contribution == null || other.contribution == null) {
                return contribution == null && other.contribution == null;
            }
            return bucketEntity.equals(other.bucketEntity) && Arrays.equals(bytes(contribution, def), bytes(other.contribution, def));
        }

        byte[] encode(AggregateDefinition<?, C, ?> def) {
            if (contribution == null) {
                return ByteBuffer.allocate(17).putLong(validFrom.toEpochMilli()).putLong(recordedAt.toEpochMilli()).put((byte) 0).array();
            }
            byte[] entity = bucketEntity.getBytes(StandardCharsets.UTF_8);
            byte[] c = bytes(contribution, def);
            return ByteBuffer.allocate(17 + 4 + entity.length + 8 + c.length)
                    .putLong(validFrom.toEpochMilli()).putLong(recordedAt.toEpochMilli()).put((byte) 1)
                    .putInt(entity.length).put(entity).putLong(bucketStart.toEpochMilli()).put(c).array();
        }

        static <C> Current<C> decode(byte[] bytes, AggregateDefinition<?, C, ?> def) {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            Instant valid = Instant.ofEpochMilli(buf.getLong());
            Instant recorded = Instant.ofEpochMilli(buf.getLong());
            if (buf.get() == 0) {
                return new Current<>(valid, recorded, null, null, null);
            }
            byte[] entity = new byte[buf.getInt()];
            buf.get(entity);
            Instant start = Instant.ofEpochMilli(buf.getLong());
            C c = def.aggregation().contributionSerde().deserializer()
                    .deserialize(def.contributionsStore(), Arrays.copyOfRange(bytes, buf.position(), bytes.length));
            return new Current<>(valid, recorded, new String(entity, StandardCharsets.UTF_8), start, c);
        }

        private static <C> byte[] bytes(C c, AggregateDefinition<?, C, ?> def) {
            return def.aggregation().contributionSerde().serializer().serialize(def.contributionsStore(), c);
        }
    }
}
