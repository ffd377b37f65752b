package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Property test: random histories (out-of-order valid times, corrections, deletes, exact replays)
 * written to a RocksDB view; every as-of and history answer is compared with a brute-force model
 * of DESIGN's definition. The seed is printed with any mismatch; set -Doracle.seed to replay it.
 */
class AsOfOracleTest {

    private static final int HISTORIES = 10_000;
    private static final int QUERIES_PER_HISTORY = 12;

    @Test
    void everyAnswerMatchesTheBruteForceModel() throws Exception {
        long seed = Long.getLong("oracle.seed", 20_180_708L);
        Random random = new Random(seed);
        List<String> mismatches = new ArrayList<>();
        long queries = 0;
        try (StoreFixture fixture = StoreFixture.rocksDb()) {
            BitemporalStore<String> view = fixture.strings();
            Map<String, List<Version<String>>> model = new HashMap<>();
            for (int h = 0; h < HISTORIES; h++) {
                String entity = "e" + h;
                List<Version<String>> history = randomHistory(entity, random);
                for (Version<String> v : history) {
                    view.put(v);
                    model.computeIfAbsent(entity, e -> new ArrayList<>()).removeIf(old -> old.key().equals(v.key()));
                    model.get(entity).add(v);
                }
            }
            for (int h = 0; h < HISTORIES && mismatches.size() < 10; h++) {
                String entity = "e" + h;
                List<Version<String>> versions = model.get(entity);
                for (int q = 0; q < QUERIES_PER_HISTORY; q++) {
                    Instant validAt = Instant.ofEpochMilli(random.nextInt(120) - 10);
                    Instant knownAt = Instant.ofEpochMilli(random.nextInt(140) - 10);
                    Optional<Version<String>> expected = reference(versions, validAt, knownAt);
                    Optional<Version<String>> actual = view.asOfVersion(entity, validAt, knownAt);
                    queries++;
                    if (!expected.equals(actual)) {
                        mismatches.add("asOf(" + entity + ", " + validAt.toEpochMilli() + ", " + knownAt.toEpochMilli()
                                + ") expected " + expected + " but was " + actual);
                    }
                }
                List<Version<String>> byValid = new ArrayList<>(versions);
                byValid.sort(Comparator.comparing((Version<String> v) -> v.validFrom()).thenComparing(Version::recordedAt));
                if (!byValid.equals(view.history(entity, HistoryOrder.VALID))) {
                    mismatches.add("history(" + entity + ", VALID) differs");
                }
                List<Version<String>> byRecorded = new ArrayList<>(versions);
                byRecorded.sort(Comparator.comparing((Version<String> v) -> v.recordedAt()).thenComparing(Version::validFrom));
                if (!byRecorded.equals(view.history(entity, HistoryOrder.RECORDED))) {
                    mismatches.add("history(" + entity + ", RECORDED) differs");
                }
            }
        }
        assertThat(mismatches).as("seed %d, %d as-of queries over %d histories", seed, queries, HISTORIES).isEmpty();
        assertThat(queries).isEqualTo((long) HISTORIES * QUERIES_PER_HISTORY);
    }

    /** DESIGN's definition, literally: filter by knownAt, take the max (validFrom, recordedAt) with validFrom <= validAt. */
    private static Optional<Version<String>> reference(List<Version<String>> versions, Instant validAt, Instant knownAt) {
        return versions.stream()
                .filter(v -> !v.recordedAt().isAfter(knownAt))
                .filter(v -> !v.validFrom().isAfter(validAt))
                .max(Comparator.comparing((Version<String> v) -> v.validFrom()).thenComparing(Version::recordedAt));
    }

    private static List<Version<String>> randomHistory(String entity, Random random) {
        List<Version<String>> history = new ArrayList<>();
        int n = 1 + random.nextInt(12);
        long recorded = random.nextInt(20);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            if (kind == 0 && !history.isEmpty()) {
                history.add(history.get(random.nextInt(history.size()))); // exact replay
                continue;
            }
            recorded += random.nextInt(10); // non-decreasing per source; equal times happen
            long valid = switch (kind) {
                case 1, 2 -> recorded - random.nextInt(60); // correction of the past
                case 3 -> recorded + random.nextInt(20); // known before it takes effect
                default -> recorded - random.nextInt(3);
            };
            Instant validFrom = Instant.ofEpochMilli(valid);
            Instant recordedAt = Instant.ofEpochMilli(recorded);
            if (kind == 4) {
                history.add(Version.delete(entity, validFrom, recordedAt));
            } else {
                Operation op = kind <= 2 ? Operation.CORRECTION : Operation.UPSERT;
                history.add(new Version<>(entity, validFrom, recordedAt, op, entity + "@" + valid + "/" + recorded + "#" + i));
            }
        }
        return history;
    }
}
