package io.datamesh.bitemporal.aggregate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One contribution entering (+1) or leaving (-1) a bucket, at the recordedAt of the change that
 * caused it. Travels from the contributions stage to the buckets stage over a repartition topic
 * keyed by the bucket's entity string.
 */
record Delta<C>(String bucketEntity, Instant bucketStart, Instant recordedAt, int sign, C contribution) {

    Delta {
        Objects.requireNonNull(bucketEntity);
        Objects.requireNonNull(bucketStart);
        Objects.requireNonNull(recordedAt);
        Objects.requireNonNull(contribution);
        if (sign != 1 && sign != -1) {
            throw new IllegalArgumentException("sign must be +1 or -1, was " + sign);
        }
    }

    /** Layout: sign byte, bucketStart, recordedAt, entity length + UTF-8, contribution bytes. */
    static final class DeltaSerde<C> implements Serde<Delta<C>> {
        private final Serde<C> contributionSerde;

        DeltaSerde(Serde<C> contributionSerde) {
            this.contributionSerde = contributionSerde;
        }

        @Override
        public Serializer<Delta<C>> serializer() {
            return (topic, d) -> {
                if (d == null) {
                    return null;
                }
                byte[] entity = d.bucketEntity().getBytes(StandardCharsets.UTF_8);
                byte[] c = contributionSerde.serializer().serialize(topic, d.contribution());
                return ByteBuffer.allocate(1 + 8 + 8 + 4 + entity.length + c.length)
                        .put((byte) d.sign()).putLong(d.bucketStart().toEpochMilli()).putLong(d.recordedAt().toEpochMilli())
                        .putInt(entity.length).put(entity).put(c).array();
            };
        }

        @Override
        public Deserializer<Delta<C>> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                int sign = buf.get();
                Instant start = Instant.ofEpochMilli(buf.getLong());
                Instant recorded = Instant.ofEpochMilli(buf.getLong());
                byte[] entity = new byte[buf.getInt()];
                buf.get(entity);
                C c = contributionSerde.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, buf.position(), bytes.length));
                return new Delta<>(new String(entity, StandardCharsets.UTF_8), start, recorded, sign, c);
            };
        }
    }
}
