package io.datamesh.sdk.record;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datamesh.sources.SourcePosition;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;

/**
 * Writes a product record's envelope straight from the {@link ProductRecord}, field by field in
 * the envelope schema's order, with the payload's canonical bytes (already encoded for the content
 * hash) copied in as they are: Avro's binary encoding of a record is the concatenation of its
 * fields, and a union value is its branch index followed by the branch's encoding. The bytes are
 * the same as those of the generic writer (a test pins that), without building the generated
 * envelope object and without encoding the payload a second time.
 *
 * <p>Made for the envelope DESIGN defines; {@link #of} answers empty for a schema of another shape,
 * and the caller keeps the generic writer.
 */
final class EnvelopeEncoder<P> {

    private interface FieldWriter<P> {
        void write(ProductRecord<P> r, byte[] payload, Encoder out) throws IOException;
    }

    private final FieldWriter<P>[] fields;

    private final Schema payloadSchema;

    private EnvelopeEncoder(FieldWriter<P>[] fields, Schema payloadSchema) {
        this.fields = fields;
        this.payloadSchema = payloadSchema;
    }

    /** An encoder for {@code envelope}, or empty when the schema is not the envelope this class knows. */
    static <P> Optional<EnvelopeEncoder<P>> of(Schema envelope) {
        List<FieldWriter<P>> writers = new ArrayList<>();
        for (Schema.Field f : envelope.getFields()) {
            Schema s = f.schema();
            FieldWriter<P> w = switch (f.name()) {
                case "key" -> s.getType() == Schema.Type.STRING ? (r, payload, out) -> out.writeString(r.key()) : null;
                case "validFrom" -> time(s, ProductRecord::validFrom);
                case "recordedAt" -> time(s, ProductRecord::recordedAt);
                case "operation" -> operation(s);
                case "source" -> source(s);
                case "contentHash" -> s.getType() == Schema.Type.FIXED && s.getFixedSize() == 32
                        ? (r, payload, out) -> out.writeFixed(r.contentHash()) : null;
                case "payload" -> payload(s);
                default -> null;
            };
            if (w == null) {
                return Optional.empty();
            }
            writers.add(w);
        }
        Schema.Field payloadField = envelope.getField("payload");
        Schema payload = payloadField == null ? null : payloadField.schema().getTypes().stream()
                .filter(t -> t.getType() == Schema.Type.RECORD).findFirst().orElseThrow();
        return Optional.of(new EnvelopeEncoder<>(array(writers), payload));
    }

    /** The payload's schema in the envelope: the canonical bytes copied in must be an encoding under this schema. */
    Schema payloadSchema() {
        return payloadSchema;
    }

    /**
     * Writes the envelope of {@code r}.
     *
     * @param payload the canonical bytes of {@code r}'s payload under {@link #payloadSchema()}; null for a delete
     */
    void write(ProductRecord<P> r, byte[] payload, Encoder out) throws IOException {
        for (FieldWriter<P> f : fields) {
            f.write(r, payload, out);
        }
    }

    private static <P> FieldWriter<P> time(Schema s, java.util.function.Function<ProductRecord<P>, Instant> field) {
        LogicalType t = s.getLogicalType();
        if (s.getType() != Schema.Type.LONG || t == null) {
            return null;
        }
        if (t.getName().equals(LogicalTypes.timestampMillis().getName())) {
            return (r, payload, out) -> out.writeLong(field.apply(r).toEpochMilli());
        }
        if (t.getName().equals(LogicalTypes.timestampMicros().getName())) {
            return (r, payload, out) -> {
                Instant i = field.apply(r);
                out.writeLong(Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000));
            };
        }
        return null;
    }

    private static <P> FieldWriter<P> operation(Schema s) {
        Map<io.datamesh.bitemporal.Operation, Integer> index = symbols(s, io.datamesh.bitemporal.Operation.class);
        return index == null ? null : (r, payload, out) -> out.writeEnum(index.get(r.operation()));
    }

    private static <P> FieldWriter<P> source(Schema s) {
        if (s.getType() != Schema.Type.RECORD) {
            return null;
        }
        List<FieldWriter<P>> writers = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
            Schema t = f.schema();
            FieldWriter<P> w = switch (f.name()) {
                case "kind" -> {
                    Map<SourcePosition.Kind, Integer> index = symbols(t, SourcePosition.Kind.class);
                    yield index == null ? null : (r, payload, out) -> out.writeEnum(index.get(r.source().kind()));
                }
                case "source" -> t.getType() == Schema.Type.STRING ? (r, payload, out) -> out.writeString(r.source().source()) : null;
                case "segment" -> t.getType() == Schema.Type.STRING ? (r, payload, out) -> out.writeString(r.source().segment()) : null;
                case "offset" -> t.getType() == Schema.Type.LONG ? (r, payload, out) -> out.writeLong(r.source().offset()) : null;
                case "row" -> t.getType() == Schema.Type.INT ? (r, payload, out) -> out.writeInt(r.source().row()) : null;
                case "id" -> nullable(t, Schema.Type.STRING, (r, payload, out) -> out.writeString(r.source().id()), r -> r.source().id() == null);
                default -> null;
            };
            if (w == null) {
                return null;
            }
            writers.add(w);
        }
        FieldWriter<P>[] fields = array(writers);
        return (r, payload, out) -> {
            for (FieldWriter<P> w : fields) {
                w.write(r, payload, out);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <P> FieldWriter<P>[] array(List<FieldWriter<P>> writers) {
        return writers.toArray(FieldWriter[]::new);
    }

    private static <P> FieldWriter<P> payload(Schema s) {
        if (s.getType() != Schema.Type.UNION || s.getTypes().size() != 2) {
            return null;
        }
        int nullIndex = s.getIndexNamed(Schema.Type.NULL.getName()) == null ? -1 : s.getIndexNamed(Schema.Type.NULL.getName());
        if (nullIndex < 0 || s.getTypes().get(1 - nullIndex).getType() != Schema.Type.RECORD) {
            return null;
        }
        int recordIndex = 1 - nullIndex;
        return (r, payload, out) -> {
            if (payload == null) {
                out.writeIndex(nullIndex);
            } else {
                out.writeIndex(recordIndex);
                out.writeFixed(payload);
            }
        };
    }

    private static <P> FieldWriter<P> nullable(Schema s, Schema.Type type, FieldWriter<P> value, java.util.function.Predicate<ProductRecord<P>> isNull) {
        if (s.getType() != Schema.Type.UNION || s.getTypes().size() != 2) {
            return null;
        }
        Integer nullIndex = s.getIndexNamed(Schema.Type.NULL.getName());
        Integer valueIndex = s.getIndexNamed(type.getName());
        if (nullIndex == null || valueIndex == null) {
            return null;
        }
        return (r, payload, out) -> {
            if (isNull.test(r)) {
                out.writeIndex(nullIndex);
            } else {
                out.writeIndex(valueIndex);
                value.write(r, payload, out);
            }
        };
    }

    /** The Avro symbol index of each constant of {@code type}, or null unless the schema is an enum with all of them. */
    private static <E extends Enum<E>> Map<E, Integer> symbols(Schema s, Class<E> type) {
        if (s.getType() != Schema.Type.ENUM) {
            return null;
        }
        Map<E, Integer> index = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            if (!s.hasEnumSymbol(e.name())) {
                return null;
            }
            index.put(e, s.getEnumOrdinal(e.name()));
        }
        return index;
    }
}
