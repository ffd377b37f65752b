package io.datamesh.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.util.Map;
import java.util.Optional;
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
    private static final Map<Schema, Encoding.Writer.Of<IndexedRecord>> WRITERS = new ConcurrentHashMap<>();

    private AvroCanonical() {
    }

    public static byte[] bytes(IndexedRecord payload) {
        Schema schema = payload.getSchema();
        Encoding.Writer.Of<IndexedRecord> writer = WRITERS.computeIfAbsent(schema, AvroCanonical::writer);
        try {
            return Encoding.encode(out -> writer.write(payload, out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getFullName(), e);
        }
    }

    /** The same bytes by Avro's datum writer, the obvious path: what {@link #bytes} must always agree with. */
    static byte[] bytesByDatumWriter(IndexedRecord payload) {
        SpecificDatumWriter<IndexedRecord> writer = new SpecificDatumWriter<>(payload.getSchema(), MODEL);
        try {
            return Encoding.encode(out -> writer.write(payload, out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + payload.getSchema().getFullName(), e);
        }
    }

    /** A writer compiled for the schema where it covers it ({@link CompiledRecordWriter}), else Avro's datum writer. */
    private static Encoding.Writer.Of<IndexedRecord> writer(Schema schema) {
        Optional<CompiledRecordWriter> compiled = CompiledRecordWriter.of(schema, MODEL);
        if (compiled.isPresent()) {
            return compiled.get()::write;
        }
        SpecificDatumWriter<IndexedRecord> datum = new SpecificDatumWriter<>(schema, MODEL);
        return (payload, out) -> datum.write(payload, out);
    }

    public static byte[] sha256(IndexedRecord payload) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
