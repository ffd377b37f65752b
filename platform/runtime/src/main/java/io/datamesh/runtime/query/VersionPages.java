package io.datamesh.runtime.query;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.bitemporal.BitemporalKey;
import io.datamesh.bitemporal.Operation;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition of a view's store, every version as it is stored, in store order, a page at a time:
 * what {@code mesh audit} holds against the product topic. Each item carries the version's store
 * key ({@code id}, base64url), its coordinates, and the product record's bytes as the view keeps
 * them (base64; none for a delete, which the store keeps as its operation alone), so that the
 * auditor recomputes the content hash over the payload it is served rather than trusting a hash
 * the view would report.
 */
final class VersionPages {

    private VersionPages() {
    }

    /** Up to {@code limit} versions after the store key {@code after} (from the first when null). */
    static List<Map<String, Object>> read(ReadOnlyKeyValueStore<Bytes, byte[]> store, Bytes after, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        // range(after, null) starts at after itself, which the previous page already holds.
        try (KeyValueIterator<Bytes, byte[]> it = after == null ? store.all() : store.range(after, null)) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (after != null && kv.key.equals(after)) {
                    continue;
                }
                out.add(item(kv.key, kv.value));
            }
        }
        return out;
    }

    private static Map<String, Object> item(Bytes key, byte[] value) {
        BitemporalKey k = BitemporalKey.decode(key);
        Operation operation = Operation.ofCode(value[0]);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", encode(key));
        m.put("key", k.entity());
        m.put("validFrom", java.time.Instant.ofEpochMilli(k.validFrom()).toString());
        m.put("recordedAt", java.time.Instant.ofEpochMilli(k.recordedAt()).toString());
        m.put("operation", operation.name());
        m.put("record", value.length > 1 ? Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(value, 1, value.length)) : null);
        return m;
    }

    static String encode(Bytes key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.get());
    }

    /** The store key of a page token; a 400 naming the parameter when it is not one. */
    static Bytes decode(String token) {
        try {
            byte[] key = Base64.getUrlDecoder().decode(token);
            BitemporalKey.decode(Bytes.wrap(key)); // checks it is a version's store key
            return Bytes.wrap(key);
        } catch (RuntimeException e) {
            throw QueryException.badParameter("after", "'after' must be the 'next' token of a previous page, unchanged", null);
        }
    }
}
