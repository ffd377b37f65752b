package io.datamesh.sdk.record;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;

import io.datamesh.bitemporal.Operation;
import io.datamesh.schemas.envelope.Sha256;
import io.datamesh.schemas.envelope.SourceKind;
import io.datamesh.serde.AvroCanonical;
import io.datamesh.serde.MeshAvroSerde;
import io.datamesh.serde.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The platform's product format: a product record is its generated envelope class {@code W}
 * (e.g. {@code OrderLineRecord}) around the payload {@code P} (e.g. {@code OrderLine}), written in
 * Confluent's wire format through the registry. Works for any envelope class generated from
 * {@code schemas/}: the fields are found by name.
 */
public final class AvroProductFormat<W extends SpecificRecordBase, P extends SpecificRecordBase> implements ProductFormat<P> {

    private final Class<W> envelope;
    private final Class<P> payload;
    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final Schema schema;
    private final int key;
    private final int validFrom;
    private final int recordedAt;
    private final int operation;
    private final int source;
    private final int contentHash;
    private final int payloadField;

    private AvroProductFormat(Class<W> envelope, Class<P> payload, SchemaRegistryClient registry, boolean autoRegister) {
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
        this.schema = newEnvelope().getSchema();
        this.key = position("key");
        this.validFrom = position("validFrom");
        this.recordedAt = position("recordedAt");
        this.operation = position("operation");
        this.source = position("source");
        this.contentHash = position("contentHash");
        this.payloadField = position("payload");
    }

    /**
     * A format whose producers expect the schema to be registered already (production: the runtime
     * registers product schemas at deploy).
     */
    public static <W extends SpecificRecordBase, P extends SpecificRecordBase> AvroProductFormat<W, P> of(
            Class<W> envelope, Class<P> payload, SchemaRegistryClient registry) {
        return new AvroProductFormat<>(envelope, payload, registry, false);
    }

    /** The same, registering schemas on first use (dev and tests). */
    public static <W extends SpecificRecordBase, P extends SpecificRecordBase> AvroProductFormat<W, P> autoRegistering(
            Class<W> envelope, Class<P> payload, SchemaRegistryClient registry) {
        return new AvroProductFormat<>(envelope, payload, registry, true);
    }

    /** The value schema of the product topic (the envelope with this payload). */
    public Schema schema() {
        return schema;
    }

    @Override
    public Serde<ProductRecord<P>> serde(String topic) {
        MeshAvroSerde<W> avro = new MeshAvroSerde<W>(registry, autoRegister).withClassLoader(envelope.getClassLoader());
        return Serdes.serdeFrom(
                (t, r) -> r == null ? null : avro.serializer().serialize(t, toEnvelope(r)),
                (t, bytes) -> bytes == null ? null : fromEnvelope(avro.deserializer().deserialize(t, bytes)));
    }

    @Override
    public byte[] canonicalBytes(P payload) {
        return AvroCanonical.bytes(payload);
    }

    @Override
    public Serde<P> payloadSerde(String topic) {
        MeshAvroSerde<P> avro = new MeshAvroSerde<P>(registry, true).withClassLoader(payload.getClassLoader());
        return Serdes.serdeFrom(avro.serializer(), avro.deserializer());
    }

    W toEnvelope(ProductRecord<P> r) {
        W w = newEnvelope();
        w.put(key, r.key());
        w.put(validFrom, r.validFrom());
        w.put(recordedAt, r.recordedAt());
        w.put(operation, io.datamesh.schemas.envelope.Operation.valueOf(r.operation().name()));
        SourcePosition p = r.source();
        w.put(source, io.datamesh.schemas.envelope.SourcePosition.newBuilder()
                .setKind(SourceKind.valueOf(p.kind().name())).setSource(p.source()).setSegment(p.segment())
                .setOffset(p.offset()).setRow(p.row()).setId(p.id()).build());
        w.put(contentHash, new Sha256(r.contentHash()));
        w.put(payloadField, r.payload());
        return w;
    }

    @SuppressWarnings("unchecked")
    ProductRecord<P> fromEnvelope(W w) {
        io.datamesh.schemas.envelope.SourcePosition p = (io.datamesh.schemas.envelope.SourcePosition) w.get(source);
        SourcePosition position = new SourcePosition(SourcePosition.Kind.valueOf(p.getKind().name()), p.getSource(), p.getSegment(),
                p.getOffset(), p.getRow(), p.getId());
        Object hash = w.get(contentHash);
        byte[] bytes = hash instanceof Sha256 s ? s.bytes() : ((ByteBuffer) hash).array();
        return new ProductRecord<>((String) w.get(key), (Instant) w.get(validFrom), (Instant) w.get(recordedAt),
                Operation.valueOf(w.get(operation).toString()), position, bytes, (P) w.get(payloadField));
    }

    private W newEnvelope() {
        try {
            return envelope.getDeclaredConstructor().newInstance();
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException | NoSuchMethodException e) {
            throw new IllegalArgumentException(envelope.getName() + " is not a generated Avro record class", e);
        }
    }

    private int position(String field) {
        Schema.Field f = schema.getField(field);
        if (f == null) {
            throw new IllegalArgumentException(envelope.getName() + " is not a product envelope: it has no field '" + field
                    + "' (see schemas/README section on the envelope)");
        }
        return f.pos();
    }
}
