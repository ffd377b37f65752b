package io.datamesh.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.record.ContentHash;

/**
 * Stage source ⇄ product for a CDC product: every row now in the source table, run through the
 * domain's own mapping as a snapshot read of that row, against the latest version of its key in the
 * product (the last one the product holds: a key's records are in one partition, in source order).
 * A row whose key the product lacks, or holds as deleted, is {@code missing row}; a key the product
 * holds live but no row maps to is {@code gone without delete}; a row whose payload hashes to
 * another content hash than the latest version is {@code source differs}. A row the mapping
 * refuses is listed with the reason (its change is a dead letter too).
 */
final class SourceComparison {

    /** What the mapping made of one row: the product key and the content hash, or why it could not. */
    record Row(String rowKey, String key, Operation operation, byte[] contentHash, String refused) {
    }

    private SourceComparison() {
    }

    static void compare(AuditReport report, String productTopic, String table, List<Row> rows, List<RawAccounting.Published> product) {
        String stage = "source⇄product:" + table;
        Map<String, RawAccounting.Published> latest = new HashMap<>();
        for (RawAccounting.Published p : product) {
            latest.merge(p.envelope().key(), p, (a, b) -> later(a, b) ? a : b);
        }
        Map<String, Row> mapped = new TreeMap<>();
        long refused = 0;
        for (Row r : rows) {
            if (r.refused() != null) {
                refused++;
                report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.DEAD_LETTER, r.rowKey(),
                        "the domain's mapping refuses the row " + r.rowKey() + " of " + table + ": " + RawAccounting.firstLine(r.refused())));
            } else if (r.key() != null) {
                mapped.put(r.key(), r);
            }
        }
        long missing = 0;
        long differs = 0;
        for (Row r : mapped.values()) {
            RawAccounting.Published l = latest.get(r.key());
            if (l == null || l.envelope().operation() == Operation.DELETE) {
                missing++;
                report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.MISSING_ROW, r.key(),
                        "the row " + r.rowKey() + " of " + table + " is in the source, but " + productTopic
                                + (l == null ? " has no version of it" : " holds it as deleted (" + where(productTopic, l) + ")")));
            } else if (!Arrays.equals(l.envelope().contentHash(), r.contentHash())) {
                differs++;
                report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.SOURCE_DIFFERS, r.key(),
                        "the row " + r.rowKey() + " of " + table + " maps to contentHash " + ContentHash.hex(r.contentHash()) + ", the latest version ("
                                + where(productTopic, l) + ", recordedAt " + Instant.ofEpochMilli(l.envelope().recordedAt()) + ") has "
                                + ContentHash.hex(l.envelope().contentHash())));
            }
        }
        long gone = 0;
        long live = 0;
        for (RawAccounting.Published l : new TreeMap<>(latest).values()) {
            if (l.envelope().operation() == Operation.DELETE) {
                continue;
            }
            live++;
            if (!mapped.containsKey(l.envelope().key())) {
                gone++;
                report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.GONE, l.envelope().key(),
                        "no row of " + table + " maps to it, and " + productTopic + " has no delete of it (latest " + where(productTopic, l) + ")"));
            }
        }
        List<List<String>> out = new ArrayList<>();
        boolean agree = missing + differs + gone + refused == 0;
        out.add(List.of(table, String.valueOf(rows.size()), String.valueOf(live), String.valueOf(missing), String.valueOf(gone),
                String.valueOf(differs), String.valueOf(refused), agree ? "yes" : "NO"));
        report.tables.add(new AuditReport.Table(productTopic, stage, List.of("table", "rows", "live keys in product", "missing rows",
                "gone without delete", "differ", "refused", "agree"), out));
    }

    /** Whether {@code a} was written after {@code b}: the later recordedAt, else the later offset. */
    private static boolean later(RawAccounting.Published a, RawAccounting.Published b) {
        if (a.envelope().recordedAt() != b.envelope().recordedAt()) {
            return a.envelope().recordedAt() > b.envelope().recordedAt();
        }
        return a.partition() == b.partition() ? a.offset() > b.offset() : a.envelope().validFrom() > b.envelope().validFrom();
    }

    private static String where(String topic, RawAccounting.Published p) {
        return topic + "-" + p.partition() + "@" + p.offset();
    }

}
