package io.datamesh.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.datamesh.sdk.record.ContentHash;

/**
 * Stage product ⇄ view: the view holds exactly the product's versions. Per partition of the product
 * topic (a view's store has the same partitions), the count and an order-independent sum of the
 * content hashes on both sides, then version by version, matched by the version's store key (entity,
 * validFrom, recordedAt and its place among equal times): versions the view lacks, versions the
 * product lacks, and versions whose hash differs. Every record the view serves has its content hash
 * recomputed over its payload ({@link EnvelopeReader}); a delete, which a view stores without its
 * record, carries the hash of nothing.
 *
 * <p>Corrections of one entity at one (validFrom, recordedAt) share one place in a view, where the
 * last written holds ({@code TieBreak}): the product side counts the last of them too.
 *
 * <p>The sum is the content hashes added as 256-bit numbers, modulo 2<sup>256</sup>: it does not
 * depend on the order read, and unlike a XOR two copies of one version do not cancel out.
 */
final class ViewComparison {

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);

    /** A version the view serves: its store key, entity, and content hash (recomputed: whether it matches). */
    record Served(int partition, String id, String key, String operation, byte[] contentHash, boolean hashMatches, String describe) {
    }

    private ViewComparison() {
    }

    /**
     * Adds the stage's table and mismatches to {@code report}.
     *
     * @param product the product's versions read, by partition
     * @param later store keys of product records written after the audited offsets, while the view was read
     * @param rejected product records a reader of the product dead-lettered: partition@offset → who and why
     * @param processed per partition, the domain's committed offset on the product topic: a version at or
     *                  after it that the view lacks is not processed yet, not missing
     */
    static void compare(AuditReport report, String productTopic, String view, int partitions, List<RawAccounting.Published> product,
                        Set<String> later, List<Served> served, Map<String, String> rejected, Map<Integer, Long> processed) {
        String stage = "product⇄view:" + view;
        Map<Integer, Map<String, RawAccounting.Published>> productBy = new TreeMap<>();
        Map<Integer, Map<String, Served>> viewBy = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            productBy.put(p, new HashMap<>());
            viewBy.put(p, new HashMap<>());
        }
        product.forEach(v -> productBy.get(v.partition()).put(v.envelope().storeKey(), v)); // in read order: the last written holds
        served.forEach(s -> viewBy.get(s.partition()).put(s.id(), s));
        List<List<String>> rows = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            Map<String, RawAccounting.Published> inProduct = productBy.get(p);
            Map<String, Served> inView = viewBy.get(p);
            long done = processed.getOrDefault(p, 0L);
            long pending = 0;
            for (var it = inProduct.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().offset() >= done && !inView.containsKey(e.getKey())) {
                    pending++;
                    it.remove(); // the next audit compares it
                }
            }
            BigInteger productSum = BigInteger.ZERO;
            BigInteger viewSum = BigInteger.ZERO;
            for (RawAccounting.Published v : inProduct.values()) {
                productSum = productSum.add(new BigInteger(1, v.envelope().contentHash()));
            }
            long viewCount = 0;
            for (Served s : inView.values()) {
                if (later.contains(s.id()) && !inProduct.containsKey(s.id())) {
                    continue; // published after the audited offsets: the next audit compares it
                }
                viewCount++;
                viewSum = viewSum.add(new BigInteger(1, s.contentHash()));
                if (!s.hashMatches()) {
                    report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.HASH, s.key(),
                            "the view serves " + s.describe() + " with contentHash " + ContentHash.hex(s.contentHash())
                                    + ", which is not the SHA-256 of the payload it serves"));
                }
                RawAccounting.Published v = inProduct.get(s.id());
                if (v == null) {
                    report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.NOT_IN_PRODUCT, s.key(),
                            "the view serves " + s.describe() + " in partition " + p + ", which " + productTopic + " does not hold"));
                } else if (!Arrays.equals(v.envelope().contentHash(), s.contentHash())) {
                    report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.DIFFERS, s.key(),
                            "the view serves " + s.describe() + " with contentHash " + ContentHash.hex(s.contentHash()) + ", the product's record at "
                                    + productTopic + "-" + p + "@" + v.offset() + " has " + ContentHash.hex(v.envelope().contentHash())));
                }
            }
            for (Map.Entry<String, RawAccounting.Published> e : inProduct.entrySet()) {
                if (!inView.containsKey(e.getKey())) {
                    RawAccounting.Published v = e.getValue();
                    String letter = rejected.get(v.partition() + "@" + v.offset());
                    report.mismatches.add(new AuditReport.Mismatch(productTopic, stage, AuditReport.MISSING_IN_VIEW, v.envelope().key(),
                            productTopic + "-" + v.partition() + "@" + v.offset() + " " + v.envelope().describe() + " is not in view " + view
                                    + (letter == null ? "" : "; " + RawAccounting.firstLine(letter))));
                }
            }
            boolean agree = inProduct.size() == viewCount && productSum.equals(viewSum);
            rows.add(List.of(String.valueOf(p), String.valueOf(inProduct.size()), sum(productSum), String.valueOf(viewCount), sum(viewSum),
                    agree ? "yes" : "NO", String.valueOf(pending)));
            report.pending += pending;
        }
        report.tables.add(new AuditReport.Table(productTopic, stage, List.of("partition", "product versions", "product hash sum",
                "view versions", "view hash sum", "agree", "not processed yet"), rows));
    }

    /** The sum's first 16 hex digits: enough to see two sums differ. */
    private static String sum(BigInteger s) {
        String hex = s.mod(MOD).toString(16);
        hex = "0".repeat(64 - hex.length()) + hex;
        return hex.substring(0, 16);
    }
}
