package io.datamesh.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.datamesh.sdk.record.ContentHash;

/**
 * Stage raw ⇄ product: accounts for every raw record of a product's raw topic, per partition, in
 * offset order, the way the ingest decides its fate:
 * <ul>
 *   <li><b>tombstone</b>: no value (Debezium's tombstone after a delete), skipped by the ingest;</li>
 *   <li><b>dead letter</b>: a letter in the domain's DLQ names its raw partition and offset (with the reason);</li>
 *   <li><b>published</b>: the first raw record of a source position that product records carry;</li>
 *   <li><b>replay</b>: a later raw record of a position already published or dead-lettered (a
 *       source's redelivery, an operator's replay of a letter), which the replay guard drops;</li>
 *   <li><b>missing</b>: none of these: a raw record the product lacks.</li>
 * </ul>
 * So {@code raw = published + dead letters + replays + tombstones + missing}, and the audit agrees
 * when nothing is missing. A dead letter whose position was published later (replayed after a fix)
 * is closed; one that was not is open, and listed with its reason. Product records whose position no
 * raw record has are listed too ({@code not from raw}), as are two records of the same version
 * ({@code duplicate}) and records whose content hash is not the hash of their payload.
 *
 * <p>Raw records the domain has not processed yet ({@link Raw#pending()}: at or after its committed
 * offset, which exactly-once commits together with the records it published) are counted as pending,
 * not accounted for; so are records written while the audit read. Their positions only excuse the
 * product records they made in the meantime.
 * A raw topic whose log starts after offset 0 has lost its oldest records to retention: product
 * records older than it are counted, not listed.
 *
 * <p>Known limit: a mapping that publishes nothing for a record (a filter) makes it look missing;
 * no platform domain filters today.
 */
final class RawAccounting {

    static final String STAGE = "raw⇄product";

    /**
     * A raw record: its coordinates, key, source position (encoded), whether it has a value, whether it
     * is audited, and whether it is not audited because the domain has not processed it yet.
     */
    record Raw(int partition, long offset, String key, String position, boolean tombstone, boolean audited, boolean pending) {
    }

    /** A product record that was read. */
    record Published(int partition, long offset, EnvelopeReader.Envelope envelope) {
    }

    /** A dead letter of the raw topic: where it came from and why. */
    record Letter(long dlqOffset, int partition, long offset, String reason) {
    }

    private RawAccounting() {
    }

    /**
     * Adds the stage's table and mismatches to {@code report}.
     *
     * @param raw the raw records, in offset order per partition
     * @param rawLogStart the first offset each raw partition still holds
     * @param unreadable product records that are not product records (partition@offset → reason)
     */
    static void account(AuditReport report, String product, String rawTopic, List<Raw> raw, Map<Integer, Long> rawLogStart,
                        List<Published> published, Map<String, String> unreadable, List<Letter> letters) {
        Map<String, List<Published>> byPosition = new HashMap<>();
        Map<String, Published> byVersion = new HashMap<>();
        for (Published p : published) {
            byPosition.computeIfAbsent(positionOf(p), k -> new ArrayList<>()).add(p);
            // A version is its store key and its source: corrections of one time share a store key (the latest holds), and are not copies.
            Published first = byVersion.putIfAbsent(p.envelope().storeKey() + "|" + positionOf(p), p);
            if (first != null) {
                report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.DUPLICATE, p.envelope().key(),
                        "the version " + p.envelope().describe() + " is at " + where(product, first) + " and again at " + where(product, p)));
            }
            if (!p.envelope().hashMatches()) {
                report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.HASH, p.envelope().key(),
                        where(product, p) + ": contentHash " + ContentHash.hex(p.envelope().contentHash()) + " is not the SHA-256 of its payload"));
            }
        }
        unreadable.forEach((at, why) -> report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.UNREADABLE, "?",
                product + "-" + at + " is not a product record: " + why)));
        Map<String, Letter> letterAt = new HashMap<>();
        letters.forEach(l -> letterAt.put(l.partition() + "@" + l.offset(), l));

        // raw, published, product records, dead letters, open, replays, tombstones, missing, pending
        Map<Integer, long[]> counts = new TreeMap<>();
        Set<String> claimed = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Set<String> inFlight = new HashSet<>();
        Map<String, Raw> openLetters = new HashMap<>();
        for (Raw r : raw) {
            if (!r.audited()) {
                inFlight.add(r.position());
                if (r.pending()) {
                    c(counts, r.partition())[8]++;
                    report.pending++;
                }
                continue;
            }
            long[] c = c(counts, r.partition());
            c[0]++;
            Letter letter = letterAt.get(r.partition() + "@" + r.offset());
            List<Published> of = byPosition.get(r.position());
            if (r.tombstone()) {
                c[6]++;
            } else if (letter != null) {
                c[3]++;
                if (!claimed.contains(r.position())) {
                    openLetters.put(r.position(), r);
                }
            } else if (of != null && claimed.add(r.position())) {
                c[1]++;
                c[2] += of.size();
                openLetters.remove(r.position());
            } else if (seen.contains(r.position())) {
                c[5]++;
            } else {
                c[7]++;
                report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.MISSING, r.key(),
                        rawTopic + "-" + r.partition() + "@" + r.offset() + " (source " + r.position() + ") is not in the product, not in the DLQ"
                                + " and not a replay of a position published before"));
            }
            seen.add(r.position());
        }
        for (Raw r : openLetters.values()) {
            c(counts, r.partition())[4]++;
            Letter l = letterAt.get(r.partition() + "@" + r.offset());
            report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.DEAD_LETTER, r.key(),
                    rawTopic + "-" + r.partition() + "@" + r.offset() + " is dead letter " + l.dlqOffset() + ": " + firstLine(l.reason())));
        }
        boolean retention = rawLogStart.values().stream().anyMatch(o -> o > 0);
        long beforeRetention = 0;
        for (Map.Entry<String, List<Published>> e : byPosition.entrySet()) {
            if (claimed.contains(e.getKey()) || inFlight.contains(e.getKey())) {
                continue;
            }
            if (retention) {
                beforeRetention += e.getValue().size();
                continue;
            }
            for (Published p : e.getValue()) {
                report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.NOT_FROM_RAW, p.envelope().key(),
                        where(product, p) + " has source " + e.getKey() + ", which no record of " + rawTopic + " has"));
            }
        }
        if (beforeRetention > 0) {
            report.notes.add(product + ": " + beforeRetention + " product records come from raw records older than " + rawTopic
                    + " keeps (its log starts at " + rawLogStart + "): not accounted for");
        }
        List<List<String>> rows = new ArrayList<>();
        long[] total = new long[9];
        for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
            rows.add(row(String.valueOf(e.getKey()), e.getValue()));
            for (int i = 0; i < total.length; i++) {
                total[i] += e.getValue()[i];
            }
        }
        rows.add(row("all", total));
        report.tables.add(new AuditReport.Table(product, STAGE + " (" + rawTopic + ")", List.of("partition", "raw", "published",
                "product records", "dead letters", "open", "replays", "tombstones", "missing", "accounted", "not processed yet"), rows));
    }

    private static long[] c(Map<Integer, long[]> counts, int partition) {
        return counts.computeIfAbsent(partition, k -> new long[9]);
    }

    private static List<String> row(String partition, long[] c) {
        boolean accounted = c[0] == c[1] + c[3] + c[5] + c[6] && c[7] == 0;
        return List.of(partition, String.valueOf(c[0]), String.valueOf(c[1]), String.valueOf(c[2]), String.valueOf(c[3]), String.valueOf(c[4]),
                String.valueOf(c[5]), String.valueOf(c[6]), String.valueOf(c[7]), accounted ? "yes" : "NO", String.valueOf(c[8]));
    }

    static String positionOf(Published p) {
        return io.datamesh.sources.SourceHeaders.encode(p.envelope().source());
    }

    private static String where(String product, Published p) {
        return product + "-" + p.partition() + "@" + p.offset();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no reason)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }
}
