package io.datamesh.sdk.ingest;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.datamesh.bitemporal.BitemporalKey;
import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.Derivation;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.record.TieBreak;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each group's history of the source product in a bitemporal store and runs the team's
 * derivation on every new record; its outputs are stamped with the input's recordedAt and source
 * position, hashed, and written as the product topic's bytes.
 *
 * <p><b>As known then.</b> A derivation for an input recorded at r sees the group's history as it was
 * known at r: the versions recorded by r, in valid-time order, the input included; never a version
 * recorded later, which the output (recorded at r) could not have known. When an input arrives after
 * inputs of its group recorded at or after its own recordedAt (another partition, a replay, a
 * correction), their histories as known then have changed: each of them is derived again, in
 * recorded order, and what it now yields is published where it differs (below). So every output
 * recorded at t is what the derivation makes of what was recorded by t, whatever the arrival order —
 * final once every source has delivered what it recorded by t. An output that a derivation made
 * before and no longer makes at all stays in the product (a derivation whose output coordinates
 * depend on the input alone, not on the rest of the history, never has one).
 *
 * <p><b>Every input counts once.</b> A version is identified in its group's history by its times,
 * its source position and its entity ({@link TieBreak}): two clicks of one session recorded in the
 * same millisecond are two versions, and a replay of one (the same source position) derives
 * nothing; a correction takes the place of an earlier correction of the same coordinates. A version enters the history only when its derivations succeeded: one that threw (or whose
 * output could not be written) is a dead letter and is not remembered, so the same record arriving
 * again (after the fix) is derived.
 *
 * <p><b>One record per coordinate.</b> Outputs can fall on one coordinate (key, validFrom,
 * recordedAt): two clicks of a session in the same millisecond, or an input derived again. The first
 * is published as the derivation emitted it; a later different one is published as a
 * {@link Operation#CORRECTION} of it (the same one again is not published), so the product holds one
 * fact per coordinate unless a correction says otherwise. The store {@code outputs} remembers the
 * hash published at each coordinate.
 */
public final class DeriveProcessor<P, Q> implements Processor<String, Version<ProductRecord<P>>, String, byte[]> {

    private final String historyStore;
    private final String outputsStore;
    private final Serde<ProductRecord<P>> sourceSerde;
    private final ProductFormat<Q> format;
    private final Derivation<P, Q> derivation;
    private final String productTopic;
    private final String sourceTopic;
    private final int maxRecordBytes;
    private ProcessorContext<String, byte[]> context;
    private BitemporalStore<ProductRecord<P>> history;
    private KeyValueStore<Bytes, byte[]> outputs;
    private ProductWriter<Q> writer;
    private ProductMetrics metrics;

    /**
     * @param sourceTopic the source product's topic: its registered subject is what the history store writes under
     * @param maxRecordBytes the largest output record; a larger one rejects its input to the DLQ
     */
    public DeriveProcessor(String historyStore, String outputsStore, Serde<ProductRecord<P>> sourceSerde, String sourceTopic,
                           ProductFormat<Q> format, Derivation<P, Q> derivation, String productTopic, int maxRecordBytes) {
        this.historyStore = Objects.requireNonNull(historyStore);
        this.outputsStore = Objects.requireNonNull(outputsStore);
        this.sourceSerde = Objects.requireNonNull(sourceSerde);
        this.sourceTopic = Objects.requireNonNull(sourceTopic);
        this.format = Objects.requireNonNull(format);
        this.derivation = Objects.requireNonNull(derivation);
        this.productTopic = Objects.requireNonNull(productTopic);
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(historyStore);
        this.history = new BitemporalStore<>(store, sourceSerde, sourceTopic);
        this.outputs = context.getStateStore(outputsStore);
        this.writer = new ProductWriter<>(format, productTopic, maxRecordBytes);
        this.metrics = ProductMetrics.from(context.appConfigs());
    }

    @Override
    public void process(Record<String, Version<ProductRecord<P>>> record) {
        Version<ProductRecord<P>> v = record.value();
        if (!v.operation().hasValue()) {
            return; // a delete of the source entity: nothing to derive from
        }
        String group = record.key();
        byte[] identity = TieBreak.of(v.operation(), v.value().source(), v.entity());
        Version<ProductRecord<P>> grouped = new Version<>(group, v.validFrom(), v.recordedAt(), v.operation(), v.value());
        Optional<Version<ProductRecord<P>>> stored = history.at(group, v.validFrom(), v.recordedAt(), identity);
        if (stored.isPresent() && Arrays.equals(stored.get().value().contentHash(), v.value().contentHash())) {
            return; // a replay: this version of this entity is in the group's history already
        }
        history.put(grouped, identity); // new, or a correction in the place of an earlier one at the same coordinates
        List<ProductRecord<P>> all = history.history(group, HistoryOrder.VALID).stream()
                .filter(h -> h.operation().hasValue()).map(Version::value).toList();
        // The input first, then every other input recorded at or after it, in recorded order: their histories now hold it.
        List<ProductRecord<P>> inputs = new ArrayList<>();
        inputs.add(v.value());
        all.stream().filter(r -> !r.recordedAt().isBefore(v.recordedAt()) && r != v.value() && !sameVersion(r, v.value()))
                .sorted(java.util.Comparator.comparing(ProductRecord<P>::recordedAt)).forEach(inputs::add);
        List<Output> out = new ArrayList<>();
        Map<Bytes, byte[]> batch = new HashMap<>();
        try {
            for (ProductRecord<P> input : inputs) {
                List<ProductRecord<P>> known = all.stream().filter(r -> !r.recordedAt().isAfter(input.recordedAt())).toList();
                out.addAll(derive(input, known, batch));
            }
        } catch (PoisonRecordException e) {
            // Not derived: the record may come again. A correction's place goes back to what it held.
            if (stored.isPresent()) {
                history.put(stored.get(), identity);
            } else {
                history.remove(group, v.validFrom(), v.recordedAt(), identity);
            }
            throw e;
        }
        for (Output o : out) {
            outputs.put(o.coordinate(), o.hash());
            context.forward(new Record<>(o.key(), o.bytes(), o.recordedAt().toEpochMilli()));
            metrics.published(productTopic, o.recordedAt());
        }
    }

    private static boolean sameVersion(ProductRecord<?> a, ProductRecord<?> b) {
        return a.key().equals(b.key()) && a.validFrom().equals(b.validFrom()) && a.recordedAt().equals(b.recordedAt())
                && a.source().equals(b.source());
    }

    /** One output to publish: its coordinate, the hash to remember there, and its bytes. */
    private record Output(String key, Instant recordedAt, Bytes coordinate, byte[] hash, byte[] bytes) {
    }

    /**
     * What the derivation makes of {@code input} with {@code past} (as known at its recordedAt), less what is
     * published already; {@code batch} holds the hashes this record's derivations gave so far, by coordinate.
     */
    private List<Output> derive(ProductRecord<P> input, List<ProductRecord<P>> past, Map<Bytes, byte[]> batch) {
        CheckedEmitter<Q> emitter = new CheckedEmitter<>("derivation");
        try {
            derivation.derive(input, past, emitter);
        } catch (Exception e) {
            throw Faults.teamCodeFailed(ReasonClass.DERIVATION_FAILED, "derivation", e);
        }
        List<Output> out = new ArrayList<>();
        for (CheckedEmitter.Emitted<Q> e : emitter.emitted()) {
            byte[] hash = ContentHash.of(format, e.payload());
            Bytes coordinate = new BitemporalKey(e.key(), e.validFrom().toEpochMilli(), input.recordedAt().toEpochMilli()).encode();
            byte[] published = batch.containsKey(coordinate) ? batch.get(coordinate) : outputs.get(coordinate);
            batch.put(coordinate, hash);
            if (published != null && MessageDigest.isEqual(published, hash)) {
                continue; // the same fact at the same coordinate: published already
            }
            Operation op = published == null ? e.operation() : Operation.CORRECTION;
            ProductRecord<Q> r = new ProductRecord<>(e.key(), e.validFrom(), input.recordedAt(),
                    op == Operation.CORRECTION && e.payload() == null ? Operation.DELETE : op, input.source(), hash, e.payload());
            out.add(new Output(e.key(), input.recordedAt(), coordinate, hash, writer.write(r)));
        }
        return out;
    }
}
