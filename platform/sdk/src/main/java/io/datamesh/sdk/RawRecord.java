package io.datamesh.sdk;

import java.time.Instant;

import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.Headers;

/**
 * A private record with what the platform knows of it.
 *
 * @param key the raw record's key, or null
 * @param value the deserialized raw record
 * @param recordedAt when the source recorded it (commit time, publish time, receive time)
 * @param source where in the source it came from
 * @param headers the raw record's headers (read-only by convention)
 */
public record RawRecord<R>(String key, R value, Instant recordedAt, SourcePosition source, Headers headers) {
}
