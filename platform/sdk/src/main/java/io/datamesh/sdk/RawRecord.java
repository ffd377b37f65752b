package io.datamesh.sdk;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.Headers;

/**
 * A private record with what the platform knows of it: its key, its deserialized value, when the
 * source recorded it, where in the source it came from, and its headers (read-only by convention).
 *
 * <p>Immutable, with the accessors, equality and text of a record of those five components. The
 * ingest hands a mapping the key as the raw record's bytes and reads them as UTF-8 text (as Kafka's
 * {@code StringDeserializer} does) only when the mapping asks for {@link #key()}: most mappings key
 * their products by columns of the value and never look at it.
 */
public final class RawRecord<R> {

    private final R value;
    private final Instant recordedAt;
    private final SourcePosition source;
    private final Headers headers;
    /** The key's bytes, when the record was made with them (else null). */
    private final byte[] keyBytes;
    /** The key as text: given, or read from {@link #keyBytes} on first use (the same text whichever thread reads it). */
    private String key;

    /**
     * @param key the raw record's key, or null
     * @param value the deserialized raw record
     * @param recordedAt when the source recorded it (commit time, publish time, receive time)
     * @param source where in the source it came from
     * @param headers the raw record's headers (read-only by convention)
     */
    public RawRecord(String key, R value, Instant recordedAt, SourcePosition source, Headers headers) {
        this(key, null, value, recordedAt, source, headers);
    }

    private RawRecord(String key, byte[] keyBytes, R value, Instant recordedAt, SourcePosition source, Headers headers) {
        this.key = key;
        this.keyBytes = keyBytes;
        this.value = value;
        this.recordedAt = recordedAt;
        this.source = source;
        this.headers = headers;
    }

    /**
     * A raw record whose key is still the bytes of the raw topic's record (null for none): {@link #key()}
     * reads them as UTF-8 the first time it is called. The caller must not change the bytes after.
     */
    public static <R> RawRecord<R> withKeyBytes(byte[] key, R value, Instant recordedAt, SourcePosition source, Headers headers) {
        return new RawRecord<>(null, key, value, recordedAt, source, headers);
    }

    /** The raw record's key as text (its bytes read as UTF-8), or null. */
    public String key() {
        String k = key;
        if (k == null && keyBytes != null) {
            k = new String(keyBytes, StandardCharsets.UTF_8);
            key = k;
        }
        return k;
    }

    /** The deserialized raw record. */
    public R value() {
        return value;
    }

    /** When the source recorded it (commit time, publish time, receive time). */
    public Instant recordedAt() {
        return recordedAt;
    }

    /** Where in the source it came from. */
    public SourcePosition source() {
        return source;
    }

    /** The raw record's headers (read-only by convention). */
    public Headers headers() {
        return headers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord<?> r && Objects.equals(key(), r.key()) && Objects.equals(value, r.value)
                && Objects.equals(recordedAt, r.recordedAt) && Objects.equals(source, r.source) && Objects.equals(headers, r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key(), value, recordedAt, source, headers);
    }

    @Override
    public String toString() {
        return "RawRecord[key=" + key() + ", value=" + value + ", recordedAt=" + recordedAt + ", source=" + source + ", headers=" + headers + "]";
    }
}
