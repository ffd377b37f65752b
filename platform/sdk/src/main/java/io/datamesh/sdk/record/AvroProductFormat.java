package io.datamesh.sdk.record;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.datamesh.bitemporal.Operation;
import io.datamesh.schemas.envelope.Sha256;
import io.datamesh.schemas.envelope.SourceKind;
import io.datamesh.serde.AvroCanonical;
import io.datamesh.serde.FieldLocator;
import io.datamesh.serde.MeshAvroSerde;
import io.datamesh.serde.MeshAvroSerializer;
import io.datamesh.serde.SchemaRegistryClient;
import io.datamesh.serde.WireFormat;
import io.datamesh.sources.SourcePosition;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The platform's product format: a product record is its generated envelope class {@code W}
 * (e.g. {@code OrderLineRecord}) around the payload {@code P} (e.g. {@code OrderLine}), written in
 * Confluent's wire format through the registry. Works for any envelope class a domain's build
 * generates around its payload (mesh-domain-parent): the fields are found by name.
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
    /** Writes the envelope from the record directly; empty for an envelope of another shape (then the generic writer). */
    private final Optional<EnvelopeEncoder<P>> encoder;
    /** Where the payload lies in an envelope, by the envelope's writer schema id. */
    private final Map<Integer, FieldLocator> payloadLocators = new ConcurrentHashMap<>();
    /** Where a view's fields lie in an envelope, by writer schema id; empty for an envelope of another shape. */
    private final Map<Integer, Optional<HeadLayout>> headLayouts = new ConcurrentHashMap<>();
    private volatile KnownLayout lastLayout;
    /** A payload schema instance found equal to the envelope's payload branch. */
    private volatile Schema verifiedPayloadSchema;
    /**
     * The last payload this thread encoded for its content hash, with its bytes: the sink writes the
     * same bytes into the envelope right after, on the same stream thread, so they are encoded once.
     */
    private final ThreadLocal<Encoded> lastEncoded = ThreadLocal.withInitial(Encoded::new);

    /** A thread's last payload encoded and its bytes: set for every record, so kept in place rather than allocated. */
    private static final class Encoded {
        private Object payload;
        private byte[] bytes;
    }

    /**
     * The records this thread read lately, with their bytes: a view writes what it read into its
     * store, and writing the same record back in the same topic's format gives the same bytes.
     * Kafka Streams reads one record ahead per input partition, so a few are remembered.
     */
    private final ThreadLocal<ReadRecords> lastDecoded = ThreadLocal.withInitial(ReadRecords::new);

    /** A small ring of (record, topic, bytes), looked up by identity. */
    private static final class ReadRecords {
        private static final int SLOTS = 16;
        /** Bigger records are not remembered: at most {@code SLOTS} × this many bytes per thread. */
        private static final int MAX_BYTES = 64 * 1024;
        private final Object[] records = new Object[SLOTS];
        private final String[] topics = new String[SLOTS];
        private final byte[][] bytes = new byte[SLOTS][];
        private int next;

        void remember(Object record, String topic, byte[] value) {
            if (value.length > MAX_BYTES) {
                return;
            }
            records[next] = record;
            topics[next] = topic;
            bytes[next] = value;
            next = (next + 1) % SLOTS;
        }

        byte[] bytesOf(Object record, String topic) {
            for (int i = 0; i < SLOTS; i++) {
                if (records[i] == record && topic.equals(topics[i])) {
                    return bytes[i];
                }
            }
            return null;
        }
    }

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
        this.encoder = EnvelopeEncoder.of(schema);
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

    /** The generated class of the envelope, e.g. {@code OrderLineRecord}. */
    public Class<W> envelopeClass() {
        return envelope;
    }

    /** The generated class of the payload, e.g. {@code OrderLine}. */
    public Class<P> payloadClass() {
        return payload;
    }

    @Override
    public Serde<ProductRecord<P>> serde(String topic) {
        MeshAvroSerde<W> avro = new MeshAvroSerde<W>(registry, autoRegister).withClassLoader(envelope.getClassLoader());
        return Serdes.serdeFrom(
                (t, r) -> r == null ? null : serialize(avro.serializer(), t, r),
                (t, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    ProductRecord<P> r = fromEnvelope(avro.deserializer().deserialize(t, bytes));
                    lastDecoded.get().remember(r, t, bytes);
                    return r;
                });
    }

    private byte[] serialize(MeshAvroSerializer<W> avro, String topic, ProductRecord<P> r) {
        byte[] read = lastDecoded.get().bytesOf(r, topic);
        if (read != null) {
            return read;
        }
        if (encoder.isEmpty() || (r.payload() != null && !copyable(r.payload()))) {
            return avro.serialize(topic, toEnvelope(r));
        }
        byte[] payloadBytes = r.payload() == null ? null : encoded(r.payload());
        return avro.serialize(topic, schema, out -> encoder.get().write(r, payloadBytes, out));
    }

    /** Whether the payload's canonical bytes are an encoding under the envelope's payload schema. */
    private boolean copyable(P payload) {
        Schema s = payload.getSchema();
        if (s == verifiedPayloadSchema) {
            return true;
        }
        if (!s.equals(encoder.get().payloadSchema())) {
            return false;
        }
        verifiedPayloadSchema = s;
        return true;
    }

    private byte[] encoded(P payload) {
        Encoded last = lastEncoded.get();
        return last.payload == payload ? last.bytes : AvroCanonical.bytes(payload);
    }

    @Override
    public byte[] canonicalBytes(P payload) {
        byte[] bytes = AvroCanonical.bytes(payload);
        Encoded last = lastEncoded.get();
        last.payload = payload;
        last.bytes = bytes;
        return bytes;
    }

    /**
     * The payload's bytes inside the envelope: the writer encoded them under its payload schema, which
     * is what the content hash was computed over at ingestion, whatever schema this reader has.
     */
    @Override
    public ByteBuffer canonicalBytesAsWritten(String topic, byte[] bytes, ProductRecord<P> record) {
        FieldLocator locator = payloadLocators.computeIfAbsent(WireFormat.schemaId(topic, bytes),
                id -> FieldLocator.of(registry.byId(id), "payload"));
        ByteBuffer payload = locator.locate(bytes, WireFormat.HEADER);
        return payload == null ? ByteBuffer.allocate(0) : payload;
    }

    /** The head read where it is in the envelope; the payload is only hashed. */
    @Override
    public ProductHead head(String topic, byte[] bytes) {
        HeadLayout layout = headLayout(WireFormat.schemaId(topic, bytes));
        if (layout == null) {
            return ProductFormat.super.head(topic, bytes);
        }
        int[] at = new int[2 * HeadLayout.FIELDS.length];
        layout.fields().locate(bytes, WireFormat.HEADER, at);
        String key = FieldLocator.readString(bytes, at[0]);
        long index = FieldLocator.readLong(bytes, at[6]);
        if (index < 0 || index >= layout.operations().length) {
            throw new IllegalArgumentException("record of " + topic + " has operation index " + index + ", not one of "
                    + Arrays.toString(layout.operations()));
        }
        Operation operation = layout.operations()[(int) index];
        if (operation == null) {
            throw new IllegalArgumentException("record of " + topic + " has operation index " + index + ", a symbol this platform does not know");
        }
        boolean hasPayload = at[10] >= 0;
        if (operation.hasValue() != hasPayload) {
            throw new IllegalArgumentException(operation + " record of " + key + (hasPayload ? " must not carry a payload" : " needs a payload"));
        }
        return new ProductHead(key, FieldLocator.readLong(bytes, at[2]), FieldLocator.readLong(bytes, at[4]), operation,
                layout.source(topic, bytes, at[12]),
                // A delete hashes the empty byte string: an empty range.
                ContentHash.matches(bytes, hasPayload ? at[10] : 0, hasPayload ? at[11] : 0, bytes, at[8]));
    }

    /** The layout for envelopes written with schema {@code id}; null when it is not known here (the full read says why). */
    private HeadLayout headLayout(int id) {
        KnownLayout last = lastLayout;
        if (last != null && last.id() == id) {
            return last.layout();
        }
        Optional<HeadLayout> known = headLayouts.get(id);
        if (known == null) {
            Schema writer;
            try {
                writer = registry.byId(id);
            } catch (RuntimeException e) {
                return null;
            }
            known = HeadLayout.of(writer);
            headLayouts.put(id, known);
        }
        lastLayout = new KnownLayout(id, known.orElse(null));
        return known.orElse(null);
    }

    /** The layout of the last schema id asked for: a topic's records are mostly of one writer schema. */
    private record KnownLayout(int id, HeadLayout layout) {
    }

    /** Where key, times, operation, hash, payload and source position are in an envelope of the usual types. */
    private record HeadLayout(FieldLocator fields, Operation[] operations, FieldLocator sourceFields, SourcePosition.Kind[] kinds) {
        static final String[] FIELDS = {"key", "validFrom", "recordedAt", "operation", "contentHash", "payload", "source"};
        static final String[] SOURCE_FIELDS = {"kind", "source", "segment", "offset", "row", "id"};

        static Optional<HeadLayout> of(Schema writer) {
            if (writer.getType() != Schema.Type.RECORD || Arrays.stream(FIELDS).anyMatch(f -> writer.getField(f) == null)) {
                return Optional.empty();
            }
            FieldLocator f = FieldLocator.of(writer, FIELDS);
            boolean usual = f.schema(0).getType() == Schema.Type.STRING && f.schema(1).getType() == Schema.Type.LONG
                    && f.schema(2).getType() == Schema.Type.LONG && f.schema(3).getType() == Schema.Type.ENUM
                    && f.schema(4).getType() == Schema.Type.FIXED && f.schema(4).getFixedSize() == 32
                    && f.schema(6).getType() == Schema.Type.RECORD;
            if (!usual) {
                return Optional.empty();
            }
            Schema source = f.schema(6);
            if (Arrays.stream(SOURCE_FIELDS).anyMatch(x -> source.getField(x) == null)) {
                return Optional.empty();
            }
            FieldLocator s = FieldLocator.of(source, SOURCE_FIELDS);
            Schema id = s.schema(5);
            boolean usualSource = s.schema(0).getType() == Schema.Type.ENUM && s.schema(1).getType() == Schema.Type.STRING
                    && s.schema(2).getType() == Schema.Type.STRING && s.schema(3).getType() == Schema.Type.LONG
                    && s.schema(4).getType() == Schema.Type.INT && id.getType() == Schema.Type.UNION
                    && id.getTypes().stream().allMatch(t -> t.getType() == Schema.Type.NULL || t.getType() == Schema.Type.STRING);
            if (!usualSource) {
                return Optional.empty();
            }
            List<String> kindSymbols = s.schema(0).getEnumSymbols();
            SourcePosition.Kind[] kinds = new SourcePosition.Kind[kindSymbols.size()];
            for (int i = 0; i < kinds.length; i++) {
                String symbol = kindSymbols.get(i);
                kinds[i] = Arrays.stream(SourcePosition.Kind.values()).filter(k -> k.name().equals(symbol)).findFirst().orElse(null);
            }
            List<String> symbols = f.schema(3).getEnumSymbols();
            Operation[] operations = new Operation[symbols.size()];
            for (int i = 0; i < operations.length; i++) {
                String symbol = symbols.get(i);
                // A symbol this platform does not know (from a newer envelope) fails the records that carry it, not the others.
                operations[i] = Arrays.stream(Operation.values()).filter(o -> o.name().equals(symbol)).findFirst().orElse(null);
            }
            return Optional.of(new HeadLayout(f, operations, s, kinds));
        }

        /** The source position of the record whose source field starts at {@code at} in {@code bytes}. */
        SourcePosition source(String topic, byte[] bytes, int at) {
            int[] spans = new int[2 * SOURCE_FIELDS.length];
            sourceFields.locate(bytes, at, spans);
            long index = FieldLocator.readLong(bytes, spans[0]);
            SourcePosition.Kind kind = index >= 0 && index < kinds.length ? kinds[(int) index] : null;
            if (kind == null) {
                throw new IllegalArgumentException("record of " + topic + " has source kind index " + index + ", a kind this platform does not know");
            }
            long row = FieldLocator.readLong(bytes, spans[8]);
            return new SourcePosition(kind, FieldLocator.readString(bytes, spans[2]), FieldLocator.readString(bytes, spans[4]),
                    FieldLocator.readLong(bytes, spans[6]), (int) row, spans[10] < 0 ? null : FieldLocator.readString(bytes, spans[10]));
        }
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
                    + "' (the envelope <Payload>Record that a domain's build generates around each payload in src/main/avro has it)");
        }
        return f.pos();
    }
}
