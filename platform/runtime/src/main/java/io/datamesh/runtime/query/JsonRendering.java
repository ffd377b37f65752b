package io.datamesh.runtime.query;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.Instants;
import io.datamesh.sources.SourcePosition;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders answers as plain JSON values: an Avro record as an object by its schema's field names
 * (unions as their branch's value, not Avro's {@code {"type": value}} wrapping), decimals as
 * strings (no float rounding), timestamps and dates as ISO-8601, content hashes in hex, other bytes as
 * base64, and a product version with DESIGN's envelope fields around its payload.
 */
public final class JsonRendering {

    private JsonRendering() {
    }

    /** A version of a product record: envelope fields and the payload. */
    public static Map<String, Object> version(Version<? extends ProductRecord<?>> version) {
        ProductRecord<?> r = version.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", version.entity());
        out.put("validFrom", Instants.format(version.validFrom()));
        out.put("recordedAt", Instants.format(version.recordedAt()));
        out.put("operation", version.operation().name());
        if (r != null) {
            out.put("source", source(r.source()));
            out.put("contentHash", HexFormat.of().formatHex(r.contentHash()));
            out.put("payload", value(r.payload()));
        } else {
            out.put("payload", null);
        }
        return out;
    }

    /** A source position as an object of its non-empty fields. */
    public static Map<String, Object> source(SourcePosition s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", s.kind().name());
        out.put("source", s.source());
        if (s.segment() != null && !s.segment().isEmpty()) {
            out.put("segment", s.segment());
        }
        out.put("offset", s.offset());
        out.put("row", s.row());
        if (s.id() != null && !s.id().isEmpty()) {
            out.put("id", s.id());
        }
        return out;
    }

    /** Any payload value as JSON-ready data (maps, lists, strings, numbers, booleans, null). */
    public static Object value(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof String) {
            return v;
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : d;
        }
        if (v instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? f.toString() : f;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof java.time.Instant instant) {
            return Instants.format(instant); // as its toString, without DateTimeFormatter
        }
        if (v instanceof CharSequence || v instanceof Enum<?> || v instanceof TemporalAccessor || v instanceof java.util.UUID) {
            return v.toString();
        }
        if (v instanceof IndexedRecord record) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Schema.Field f : record.getSchema().getFields()) {
                out.put(f.name(), value(record.get(f.pos())));
            }
            return out;
        }
        if (v instanceof GenericFixed fixed) {
            // A content hash in hex, as the envelope's contentHash is printed everywhere; other fixed bytes in base64.
            return fixed.getSchema().getName().equals("Sha256") ? HexFormat.of().formatHex(fixed.bytes())
                    : Base64.getEncoder().encodeToString(fixed.bytes());
        }
        if (v instanceof GenericContainer container) { // enum symbols
            return container.toString();
        }
        if (v instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return out;
        }
        if (v instanceof Iterable<?> items) {
            List<Object> out = new ArrayList<>();
            items.forEach(x -> out.add(value(x)));
            return out;
        }
        if (v instanceof Number n) {
            return n;
        }
        return v.toString();
    }
}
