package io.datamesh.bitemporal;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * Serde of a whole {@link Version} for topics between processors: 4-byte length of the
 * {@link BitemporalKey}, the key, then the stored-value layout (operation byte and record bytes).
 */
public final class VersionSerde<V> implements Serde<Version<V>> {

    private final VersionCodec<V> codec;

    /**
     * @param serde serde of the record inside the version
     * @param topic topic name handed to that serde
     */
    public VersionSerde(Serde<V> serde, String topic) {
        this.codec = new VersionCodec<>(serde, topic);
    }

    @Override
    public Serializer<Version<V>> serializer() {
        return (topic, version) -> {
            if (version == null) {
                return null;
            }
            byte[] key = version.key().encode().get();
            byte[] value = codec.encodeValue(version);
            return ByteBuffer.allocate(4 + key.length + value.length).putInt(key.length).put(key).put(value).array();
        };
    }

    @Override
    public Deserializer<Version<V>> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            int keyLength = buf.getInt();
            if (keyLength < 0 || keyLength > bytes.length - 5) {
                throw new IllegalArgumentException("not a serialized version: key length " + keyLength + " of " + bytes.length + " bytes");
            }
            byte[] key = Arrays.copyOfRange(bytes, 4, 4 + keyLength);
            return codec.decode(Bytes.wrap(key), Arrays.copyOfRange(bytes, 4 + keyLength, bytes.length));
        };
    }
}
