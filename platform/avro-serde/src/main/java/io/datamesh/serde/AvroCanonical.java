package io.datamesh.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The canonical encoding of a payload, defined once: the Avro binary encoding of the payload
 * record under its own (writer) schema. Avro binary is deterministic for a given schema and value,
 * so the same payload always gives the same bytes; the content hash is SHA-256 of them. In a product
 * record these bytes are the payload's value inside the envelope (after the union's branch index), so
 * a consumer verifies by hashing them as they are there ({@link FieldLocator}); decoding and encoding
 * again gives the same bytes only with the writer's schema, not with a newer or older reader schema.
 */
public final class AvroCanonical {

    private static final SpecificData MODEL = AvroModels.specific(AvroCanonical.class.getClassLoader());
    /** Writers by schema instance: payload classes of every domain in this JVM, a handful. */
    private static final Map<Schema, SpecificDatumWriter<IndexedRecord>> WRITERS = new ConcurrentHashMap<>();

    private AvroCanonical() {
    }

    public static byte[] bytes(IndexedRecord payload) {
        Schema schema = payload.getSchema();
        SpecificDatumWriter<IndexedRecord> writer = WRITERS.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, MODEL));
        try {
            return Encoding.encode(out -> writer.write(payload, out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getFullName(), e);
        }
    }

    public static byte[] sha256(IndexedRecord payload) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
