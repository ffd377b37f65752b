package io.datamesh.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding of one record schema, compiled once into a writer per field: the same
 * bytes as {@link SpecificDatumWriter} (a differential test pins that), without looking the schema,
 * its type and the value's union branch up again for every field of every record.
 *
 * <p>Covers records of primitives, strings, bytes, fixed, enums, nested records and two-branch
 * unions with null, each with the logical types of the model (converted as the datum writer does:
 * a field of a generated record by its own conversion, anything else by the value's class).
 * {@link #of} answers empty for any other schema (arrays, maps, wider unions, stringable classes),
 * and the caller keeps {@link SpecificDatumWriter}, the obvious path.
 */
final class CompiledRecordWriter {

    /** Writes one value of a schema. */
    @FunctionalInterface
    private interface ValueWriter {
        void write(Object value, Encoder out) throws IOException;
    }

    /** Writes one field of a record. */
    @FunctionalInterface
    private interface FieldWriter {
        void write(IndexedRecord record, Encoder out) throws IOException;
    }

    private final Schema schema;
    private final FieldWriter[] fields;

    private CompiledRecordWriter(Schema schema, FieldWriter[] fields) {
        this.schema = schema;
        this.fields = fields;
    }

    /** A writer of {@code schema} (a record) under {@code model}'s conversions, or empty when the schema is not covered. */
    static Optional<CompiledRecordWriter> of(Schema schema, SpecificData model) {
        if (schema.getType() != Schema.Type.RECORD) {
            return Optional.empty();
        }
        FieldWriter[] fields = fields(schema, model);
        return fields == null ? Optional.empty() : Optional.of(new CompiledRecordWriter(schema, fields));
    }

    /** The record schema this writer writes. */
    Schema schema() {
        return schema;
    }

    void write(IndexedRecord record, Encoder out) throws IOException {
        for (FieldWriter f : fields) {
            f.write(record, out);
        }
    }

    private static FieldWriter[] fields(Schema record, SpecificData model) {
        List<FieldWriter> writers = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            FieldWriter w = field(f, model);
            if (w == null) {
                return null;
            }
            writers.add(w);
        }
        return writers.toArray(FieldWriter[]::new);
    }

    private static FieldWriter field(Schema.Field f, SpecificData model) {
        Schema s = f.schema();
        int pos = f.pos();
        String name = f.name();
        LogicalType logical = s.getLogicalType();
        ValueWriter raw = withoutConversion(s, model);
        if (raw == null) {
            return null;
        }
        if (logical == null) {
            return (record, out) -> raw.write(required(record.get(pos), s, name), out);
        }
        ValueWriter byClass = byClass(s, logical, raw, model);
        return (record, out) -> {
            Object value = record.get(pos);
            if (record instanceof SpecificRecordBase specific) {
                // As SpecificDatumWriter.writeField: the generated record's own conversion of the field, if any.
                @SuppressWarnings("unchecked")
                Conversion<Object> conversion = (Conversion<Object>) specific.getConversion(pos);
                if (conversion != null && value != null) {
                    value = Conversions.convertToRawType(value, s, logical, conversion);
                }
                raw.write(required(value, s, name), out);
            } else {
                byClass.write(required(value, s, name), out);
            }
        };
    }

    /** A value of {@code s}, converted first by the conversion the model has for its class (GenericDatumWriter.write). */
    private static ValueWriter value(Schema s, SpecificData model) {
        ValueWriter raw = withoutConversion(s, model);
        LogicalType logical = s.getLogicalType();
        return raw == null || logical == null ? raw : byClass(s, logical, raw, model);
    }

    private static ValueWriter byClass(Schema s, LogicalType logical, ValueWriter raw, SpecificData model) {
        return (value, out) -> {
            @SuppressWarnings("unchecked")
            Conversion<Object> conversion = value == null ? null : (Conversion<Object>) model.getConversionByClass(value.getClass(), logical);
            raw.write(conversion == null ? value : Conversions.convertToRawType(value, s, logical, conversion), out);
        };
    }

    /** A value already in its Avro (raw) form, as GenericDatumWriter.writeWithoutConversion writes it. */
    private static ValueWriter withoutConversion(Schema s, SpecificData model) {
        if (s.getObjectProp(SpecificData.CLASS_PROP) != null || s.getObjectProp(SpecificData.KEY_CLASS_PROP) != null) {
            return null; // stringable classes: the datum writer's business
        }
        return switch (s.getType()) {
            case NULL -> (v, out) -> out.writeNull();
            case BOOLEAN -> (v, out) -> out.writeBoolean((Boolean) v);
            case INT -> (v, out) -> out.writeInt(((Number) v).intValue());
            case LONG -> (v, out) -> out.writeLong(((Number) v).longValue());
            case FLOAT -> (v, out) -> out.writeFloat(((Number) v).floatValue());
            case DOUBLE -> (v, out) -> out.writeDouble(((Number) v).doubleValue());
            case STRING -> (v, out) -> {
                if (v instanceof Utf8 utf8) {
                    out.writeString(utf8);
                } else {
                    out.writeString(((CharSequence) v).toString());
                }
            };
            case BYTES -> (v, out) -> out.writeBytes((ByteBuffer) v);
            case FIXED -> {
                int size = s.getFixedSize();
                yield (v, out) -> out.writeFixed(((GenericFixed) v).bytes(), 0, size);
            }
            case ENUM -> (v, out) -> out.writeEnum(v instanceof Enum<?> e ? e.ordinal() : s.getEnumOrdinal(((GenericEnumSymbol<?>) v).toString()));
            case RECORD -> {
                FieldWriter[] nested = fields(s, model);
                yield nested == null ? null : (v, out) -> {
                    IndexedRecord r = (IndexedRecord) v;
                    for (FieldWriter f : nested) {
                        f.write(r, out);
                    }
                };
            }
            case UNION -> nullable(s, model);
            default -> null;
        };
    }

    /** {@code [null, X]} or {@code [X, null]}: the branch is whether the value is null. */
    private static ValueWriter nullable(Schema union, SpecificData model) {
        List<Schema> types = union.getTypes();
        if (types.size() != 2) {
            return null;
        }
        Integer nullIndex = union.getIndexNamed(Schema.Type.NULL.getName());
        if (nullIndex == null) {
            return null;
        }
        int valueIndex = 1 - nullIndex;
        Schema valueSchema = types.get(valueIndex);
        ValueWriter value = value(valueSchema, model);
        if (value == null) {
            return null;
        }
        int n = nullIndex;
        return (v, out) -> {
            if (v == null) {
                out.writeIndex(n);
                out.writeNull();
            } else {
                out.writeIndex(valueIndex);
                value.write(v, out);
            }
        };
    }

    private static Object required(Object value, Schema s, String field) {
        if (value == null && s.getType() != Schema.Type.NULL && s.getType() != Schema.Type.UNION) {
            throw new NullPointerException("null value for (non-nullable) " + s.getType().getName() + " in field " + field);
        }
        return value;
    }
}
