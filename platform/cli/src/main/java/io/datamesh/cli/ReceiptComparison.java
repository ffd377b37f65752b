package io.datamesh.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;

/**
 * Stage source ⇄ product for a product fed by the bus bridge or the clickstream collector: the ids
 * they told their senders were stored (their {@link Receipt}s) against the distinct source ids in
 * the product. A source writes a receipt after Kafka stored the raw record and before it acknowledges
 * to the bus or answers "accepted", so each receipt's id must be:
 * <ul>
 *   <li><b>in the product</b> (some product record carries that source id), or</li>
 *   <li><b>dead-lettered</b> by the domain (its raw record has a letter: the raw⇄product stage lists it), or</li>
 *   <li><b>not processed yet</b>: its raw record is at or after what the domain has committed;</li>
 * </ul>
 * else it is {@code lost after receipt}: the sender was told "stored" and the product does not
 * have it. A receipt that names a raw record of another id is a {@code bad receipt}. A receipt whose
 * raw record is older than the raw topic keeps, and whose id the product lacks, is counted, not
 * listed (the raw topic no longer says what became of it).
 *
 * <p>The other way round, product source ids of the bus or the clickstream without a receipt are
 * counted, not a mismatch: Kafka stored them, the source died before its receipt (the sender delivers
 * again and the replay guard drops the copy), or something other than the source wrote the raw record.
 */
final class ReceiptComparison {

    static final String STAGE = "source⇄product:receipts";

    private ReceiptComparison() {
    }

    /**
     * @param receipts the receipts that name {@code rawTopic}, in the order of the receipts topic
     * @param raw the raw records the audit read, as {@link RawAccounting} accounted them
     * @param rawLogStart the first offset each raw partition still holds
     * @param rawRead the offset up to which the audit read each raw partition
     * @param letters the domain's dead letters of {@code rawTopic}
     */
    static void compare(AuditReport report, String product, String rawTopic, List<Receipt> receipts, List<RawAccounting.Raw> raw,
                        Map<Integer, Long> rawLogStart, Map<Integer, Long> rawRead, List<RawAccounting.Published> published,
                        List<RawAccounting.Letter> letters) {
        Map<String, RawAccounting.Raw> rawAt = new HashMap<>();
        raw.forEach(r -> rawAt.put(r.partition() + "@" + r.offset(), r));
        Set<String> inProduct = new HashSet<>();
        published.forEach(p -> inProduct.add(RawAccounting.positionOf(p)));
        Set<String> lettered = new HashSet<>();
        for (RawAccounting.Letter l : letters) {
            RawAccounting.Raw r = rawAt.get(l.partition() + "@" + l.offset());
            if (r != null) {
                lettered.add(r.position());
            }
        }
        Map<String, List<Receipt>> byId = new LinkedHashMap<>();
        receipts.forEach(r -> byId.computeIfAbsent(SourceHeaders.encode(r.source()), k -> new ArrayList<>()).add(r));

        // per source (exchange or collector): receipts (ids), in product, dead-lettered, not processed yet, before retention, lost, bad
        Map<String, long[]> counts = new TreeMap<>();
        for (Map.Entry<String, List<Receipt>> e : byId.entrySet()) {
            String id = e.getKey();
            SourcePosition source = e.getValue().get(0).source();
            long[] c = counts.computeIfAbsent(source.kind() + " " + source.source(), k -> new long[7]);
            c[0]++;
            boolean pending = false;
            boolean expired = true;
            for (Receipt receipt : e.getValue()) {
                long start = rawLogStart.getOrDefault(receipt.partition(), 0L);
                long read = rawRead.getOrDefault(receipt.partition(), 0L);
                RawAccounting.Raw named = rawAt.get(receipt.partition() + "@" + receipt.offset());
                expired &= receipt.offset() < start;
                if (named == null) {
                    pending |= receipt.offset() >= read;
                    if (receipt.offset() >= start && receipt.offset() < read) {
                        c[6]++;
                        report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.BAD_RECEIPT, source.id(), "the receipt of "
                                + describe(source) + " names " + rawTopic + "-" + receipt.partition() + "@" + receipt.offset() + ", which has no record"));
                    }
                } else if (!named.position().equals(id)) {
                    c[6]++;
                    report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.BAD_RECEIPT, source.id(), "the receipt of "
                            + describe(source) + " names " + rawTopic + "-" + receipt.partition() + "@" + receipt.offset() + ", the record of "
                            + named.position()));
                } else if (!named.audited()) {
                    pending = true;
                }
            }
            if (inProduct.contains(id)) {
                c[1]++;
            } else if (lettered.contains(id)) {
                c[2]++;
            } else if (pending) {
                c[3]++;
                report.pending++;
            } else if (expired) {
                c[4]++;
            } else {
                c[5]++;
                Receipt last = e.getValue().get(e.getValue().size() - 1);
                report.mismatches.add(new AuditReport.Mismatch(product, STAGE, AuditReport.LOST_AFTER_RECEIPT, source.id(),
                        describe(source) + " was acknowledged as stored at " + last.storedAt() + " (" + rawTopic + "-" + last.partition() + "@"
                                + last.offset() + "), but " + product + " has no record of it and the DLQ no letter"));
            }
        }
        long withoutReceipt = inProduct.stream().filter(id -> !byId.containsKey(id))
                .map(SourceHeaders::decode).filter(p -> p.kind() == SourcePosition.Kind.BUS || p.kind() == SourcePosition.Kind.CLICK).count();
        List<List<String>> rows = new ArrayList<>();
        counts.forEach((source, c) -> rows.add(List.of(source, String.valueOf(c[0]), String.valueOf(c[1]), String.valueOf(c[2]),
                String.valueOf(c[3]), String.valueOf(c[4]), String.valueOf(c[5]), String.valueOf(c[6]), c[5] + c[6] == 0 ? "yes" : "NO")));
        report.tables.add(new AuditReport.Table(product, STAGE + " (" + rawTopic + ")", List.of("source", "acknowledged ids", "in product",
                "dead-lettered", "not processed yet", "before retention", "lost", "bad receipts", "agree"), rows));
        if (withoutReceipt > 0) {
            report.notes.add(product + ": " + withoutReceipt + " source ids of the bus or the clickstream have no receipt: stored in "
                    + rawTopic + " but not (yet) acknowledged to their sender, who delivers them again (the replay guard drops the copy),"
                    + " or written to the raw topic by something other than the bridge or the collector");
        }
    }

    private static String describe(SourcePosition source) {
        return (source.kind() == SourcePosition.Kind.BUS ? "message " : "click ") + source.id() + " of " + source.source();
    }
}
