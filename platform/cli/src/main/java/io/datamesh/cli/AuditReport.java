package io.datamesh.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What {@code mesh audit} found: per product and stage a table of counts and hash sums, the offsets
 * it audited up to, and every mismatch by key. Printed as tables or as JSON; {@link #exitCode()}
 * says whether everything agrees.
 */
final class AuditReport {

    /** Everything agrees. */
    static final int AGREES = 0;
    /** A record lost, duplicated, changed, or served differently from its product. */
    static final int MISMATCH = 1;
    /** Nothing lost or changed, but dead letters are waiting for a fix and a replay. */
    static final int OPEN_DEAD_LETTERS = 3;

    /** Mismatch kinds. */
    static final String MISSING = "missing";
    static final String DEAD_LETTER = "dead letter";
    static final String NOT_FROM_RAW = "not from raw";
    static final String DUPLICATE = "duplicate";
    static final String HASH = "hash mismatch";
    static final String UNREADABLE = "unreadable";
    static final String MISSING_IN_VIEW = "missing in view";
    static final String NOT_IN_PRODUCT = "not in product";
    static final String DIFFERS = "differs";
    static final String MISSING_ROW = "missing row";
    static final String GONE = "gone without delete";
    static final String SOURCE_DIFFERS = "source differs";
    static final String LOST_AFTER_RECEIPT = "lost after receipt";
    static final String BAD_RECEIPT = "bad receipt";

    /**
     * One finding.
     *
     * @param stage {@code raw⇄product} or {@code product⇄view:<view>}
     * @param kind one of the kinds above
     * @param key the entity key, or the raw record's key
     * @param detail where it is (topic, partition, offset) and why
     */
    record Mismatch(String product, String stage, String kind, String key, String detail) {
    }

    /** One stage's table of one product. */
    record Table(String product, String stage, List<String> header, List<List<String>> rows) {
    }

    final String domain;
    final List<Table> tables = new ArrayList<>();
    final List<Mismatch> mismatches = new ArrayList<>();
    /** Topic → partition → the offset audited up to (exclusive): the committed end when the audit read it. */
    final Map<String, Map<Integer, Long>> auditedTo = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    /** Records the domain has not processed yet (raw records, product versions for views): not audited, not a mismatch. */
    long pending;
    /** Topic → partition → the offset after the last record the audit read there: what the domain is to have processed. */
    final Map<String, Map<Integer, Long>> read = new LinkedHashMap<>();
    /** Topic → partition → the domain's committed offset: what it has processed. */
    final Map<String, Map<Integer, Long>> processed = new LinkedHashMap<>();

    /** Whether the domain had processed everything in {@code goal} (an earlier audit's {@link #read}) when this audit read. */
    boolean processedAll(Map<String, Map<Integer, Long>> goal) {
        return goal.entrySet().stream().allMatch(t -> t.getValue().entrySet().stream()
                .allMatch(p -> processed.getOrDefault(t.getKey(), Map.of()).getOrDefault(p.getKey(), 0L) >= p.getValue()));
    }

    AuditReport(String domain) {
        this.domain = domain;
    }

    int exitCode() {
        if (mismatches.stream().anyMatch(m -> !m.kind().equals(DEAD_LETTER))) {
            return MISMATCH;
        }
        return mismatches.isEmpty() ? AGREES : OPEN_DEAD_LETTERS;
    }

    long count(String kind) {
        return mismatches.stream().filter(m -> m.kind().equals(kind)).count();
    }

    void print(PrintWriter out, int limit) {
        auditedTo.forEach((topic, ends) -> out.println("audited " + topic + " up to offset " + ends.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).reduce((a, b) -> a + " " + b).orElse("(no partitions)")));
        for (Table t : tables) {
            out.println();
            out.println(t.product() + "  " + t.stage());
            TextTable.print(out, t.header(), t.rows());
        }
        notes.forEach(n -> out.println("note: " + n));
        if (pending > 0) {
            out.println("note: " + pending + " records were not processed by the domain yet (at or after its committed offsets):"
                    + " not audited; the next audit includes them");
        }
        out.println();
        if (mismatches.isEmpty()) {
            out.println("everything agrees");
            return;
        }
        out.println(mismatches.size() + " mismatch" + (mismatches.size() == 1 ? "" : "es") + (mismatches.size() > limit ? " (the first " + limit + ")" : "") + ":");
        TextTable.print(out, List.of("kind", "product", "stage", "key", "detail"), mismatches.stream().limit(limit)
                .map(m -> List.of(m.kind(), m.product(), m.stage(), m.key(), m.detail())).toList());
        out.println(exitCode() == OPEN_DEAD_LETTERS ? "only dead letters are open: fix what their reasons say, then mesh dlq replay " + domain
                : "the product does not agree with its stages: see mesh audit --help and the README's \"Check it yourself\"");
    }

    String json(int limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", domain);
        m.put("agrees", mismatches.isEmpty());
        m.put("exitCode", exitCode());
        m.put("auditedTo", auditedTo);
        List<Map<String, Object>> stages = new ArrayList<>();
        for (Table t : tables) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("product", t.product());
            s.put("stage", t.stage());
            List<Map<String, String>> rows = new ArrayList<>();
            for (List<String> row : t.rows()) {
                Map<String, String> r = new LinkedHashMap<>();
                for (int i = 0; i < t.header().size(); i++) {
                    r.put(t.header().get(i), row.get(i));
                }
                rows.add(r);
            }
            s.put("rows", rows);
            stages.add(s);
        }
        m.put("stages", stages);
        m.put("notes", notes);
        m.put("notProcessedYet", pending);
        m.put("mismatchCount", mismatches.size());
        m.put("mismatches", mismatches.stream().limit(limit).toList());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the audit as JSON", e);
        }
    }
}
