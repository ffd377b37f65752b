package io.datamesh.sdk.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datamesh.sdk.Mapping;
import io.datamesh.sdk.RawRecord;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A domain's mapping run on one raw record outside Kafka Streams, with the ingest's own steps: the
 * raw serde reads the value, the mapping emits through the same checks, and each output gets its
 * content hash as the ingest computes it. What {@code mesh audit} uses to hold a source row against
 * the product; it publishes nothing and remembers nothing.
 */
public final class MapOnce {

    private MapOnce() {
    }

    /**
     * The product records the mapping makes of the raw record; a record it cannot read or map throws,
     * with the reason the ingest would give it.
     */
    public static <R, P> List<ProductRecord<P>> apply(Mapping<R, P> mapping, Deserializer<R> rawDeserializer, ProductFormat<P> format,
                                                      String rawTopic, String key, byte[] value, Headers headers, Instant recordedAt,
                                                      SourcePosition position) {
        R read = rawDeserializer.deserialize(rawTopic, headers, value);
        CheckedEmitter<P> emitter = new CheckedEmitter<>("mapping");
        try {
            mapping.map(new RawRecord<>(key, read, recordedAt, position, headers), emitter);
        } catch (Exception e) {
            throw new IllegalArgumentException("mapping failed: " + e.getMessage(), e);
        }
        List<ProductRecord<P>> out = new ArrayList<>();
        for (CheckedEmitter.Emitted<P> e : emitter.emitted()) {
            out.add(new ProductRecord<>(e.key(), e.validFrom(), recordedAt, e.operation(), position, ContentHash.of(format, e.payload()),
                    e.payload()));
        }
        return out;
    }
}
