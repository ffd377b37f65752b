package io.datamesh.bitemporal;

import java.time.Instant;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;

/**
 * Stored value of a version: one operation byte, then the record's bytes from the view's serde
 * (nothing for a delete). The key carries the rest, see {@link BitemporalKey}.
 */
final class VersionCodec<V> {

    private final Serde<V> serde;
    private final String topic;

    /**
     * @param serde the record serde
     * @param topic passed to the serde; registry-aware serdes name their subject after it
     */
    VersionCodec(Serde<V> serde, String topic) {
        this.serde = serde;
        this.topic = topic;
    }

    byte[] encodeValue(Version<V> version) {
        if (!version.operation().hasValue()) {
            return new byte[] {version.operation().code()};
        }
        return encodeValue(version.operation(), serde.serializer().serialize(topic, version.value()));
    }

    /** The stored value of a version whose record is already serialized ({@code null} for a delete). */
    static byte[] encodeValue(Operation operation, byte[] serialized) {
        if (!operation.hasValue()) {
            return new byte[] {operation.code()};
        }
        byte[] out = new byte[serialized.length + 1];
        out[0] = operation.code();
        System.arraycopy(serialized, 0, out, 1, serialized.length);
        return out;
    }

    Version<V> decode(Bytes key, byte[] value) {
        BitemporalKey k = BitemporalKey.decode(key);
        if (value == null || value.length == 0) {
            throw new IllegalStateException("empty stored value for " + k);
        }
        Operation op = Operation.ofCode(value[0]);
        V record = op.hasValue() ? serde.deserializer().deserialize(topic, Arrays.copyOfRange(value, 1, value.length)) : null;
        return new Version<>(k.entity(), Instant.ofEpochMilli(k.validFrom()), Instant.ofEpochMilli(k.recordedAt()), op, record);
    }

    static Operation operationOf(byte[] value) {
        return Operation.ofCode(value[0]);
    }
}
