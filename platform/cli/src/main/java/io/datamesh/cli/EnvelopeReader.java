package io.datamesh.cli;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.datamesh.bitemporal.BitemporalKey;
import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.TieBreak;
import io.datamesh.serde.FieldLocator;
import io.datamesh.serde.MeshAvroDeserializer;
import io.datamesh.serde.SchemaRegistryClient;
import io.datamesh.serde.WireFormat;
import io.datamesh.sources.SourcePosition;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads any product record of the platform's envelope (Confluent's wire format, the writer's schema
 * from the registry) without the domain's classes, and checks its content hash the way the platform
 * does: SHA-256 over the payload's bytes exactly as they were written, found in the record, not
 * encoded again. This is what lets {@code mesh audit} check a domain it does not have the jar of.
 */
final class EnvelopeReader {

    private static final byte[] EMPTY_HASH = sha256OfNothing();

    private final SchemaRegistryClient registry;
    private final MeshAvroDeserializer<GenericRecord> generic;
    private final Map<Integer, FieldLocator> payloads = new ConcurrentHashMap<>();

    EnvelopeReader(SchemaRegistryClient registry) {
        this.registry = registry;
        this.generic = new MeshAvroDeserializer<>(registry, false);
    }

    /** What the audit needs of one product record. */
    record Envelope(String key, long validFrom, long recordedAt, Operation operation, SourcePosition source, byte[] contentHash,
                    boolean hashMatches) {

        /** The version's key in a view's store: the identity the view and the product are compared by. */
        String storeKey() {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    BitemporalKey.encode(key, validFrom, recordedAt, TieBreak.of(operation, source)).get());
        }

        String describe() {
            return key + " (validFrom " + Instant.ofEpochMilli(validFrom) + ", recordedAt " + Instant.ofEpochMilli(recordedAt) + ", "
                    + operation.name().toLowerCase(java.util.Locale.ROOT) + ", source " + source + ")";
        }
    }

    /**
     * The record in {@code bytes}, read from {@code topic}.
     *
     * @throws RuntimeException with the reason when the bytes are not a product record
     */
    Envelope read(String topic, byte[] bytes) {
        GenericRecord r = generic.deserialize(topic, bytes);
        GenericRecord s = (GenericRecord) r.get("source");
        SourcePosition source = new SourcePosition(SourcePosition.Kind.valueOf(s.get("kind").toString()), s.get("source").toString(),
                text(s.get("segment")), ((Number) s.get("offset")).longValue(), ((Number) s.get("row")).intValue(), text(s.get("id")));
        Operation operation = Operation.valueOf(r.get("operation").toString());
        byte[] hash = ((GenericFixed) r.get("contentHash")).bytes();
        FieldLocator payload = payloads.computeIfAbsent(WireFormat.schemaId(topic, bytes), id -> FieldLocator.of(registry.byId(id), "payload"));
        ByteBuffer written = payload.locate(bytes, WireFormat.HEADER);
        return new Envelope(r.get("key").toString(), millis(r.get("validFrom")), millis(r.get("recordedAt")),
                operation, source, hash, ContentHash.matches(written, hash));
    }

    /** The content hash of a delete, whose payload is nothing: what a view's delete, stored without its record, carries. */
    static byte[] deleteHash() {
        return EMPTY_HASH.clone();
    }

    /** A time field: epoch milliseconds, or an Instant where the reader applies the logical type. */
    private static long millis(Object o) {
        return o instanceof Instant t ? t.toEpochMilli() : ((Number) o).longValue();
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static byte[] sha256OfNothing() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(new byte[0]);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
