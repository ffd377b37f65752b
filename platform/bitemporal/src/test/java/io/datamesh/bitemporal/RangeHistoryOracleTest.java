package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Property test of ranges and histories: random entities (non-ASCII, with NUL inside, prefixes of
 * each other) get random versions at times up to the limits of a store key (Long.MIN_VALUE to
 * Long.MAX_VALUE ms), deletes, equal times and rewrites of the same coordinates, written in random
 * order to a RocksDB view. {@code rangeAsOf} in one call and paged (through {@code nextEntity} and
 * through an exclusive start, as the query API pages), {@code nextEntity}, {@code history} in both
 * orders, {@code asOfVersion} and {@code recordedAfter}, also at times beyond what a store key holds,
 * are compared with a brute-force model of DESIGN's definitions. The seed is printed; set
 * -Doracle.seed to replay it.
 */
class RangeHistoryOracleTest {

    private static final int ROUNDS = 25;
    private static final int QUERIES_PER_ROUND = 300;

    /** The order of entities in a store: unsigned bytes of their UTF-8. */
    private static final Comparator<String> KEY_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private static final List<String> NAMED = List.of("", "a", "a\0", "a\0b", "a\0\0", "a\1", "ab", "abc", "b",
            "caf", "cafe", "café", "cafés", "u", "ü", "üb", "日", "日本", "日本語", "\uFF21", "😀", "😀x", "\u007F", "\u0080", "z", "\0");

    private static final long[] LIMITS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};

    @Test
    void rangesPagesAndHistoriesMatchTheBruteForceModel() throws Exception {
        long seed = Long.getLong("oracle.seed", System.nanoTime());
        System.out.println("RangeHistoryOracleTest seed=" + seed);
        Random random = new Random(seed);
        List<String> mismatches = new ArrayList<>();
        long queries = 0;
        for (int round = 0; round < ROUNDS && mismatches.size() < 10; round++) {
            try (StoreFixture fixture = StoreFixture.rocksDb()) {
                BitemporalStore<String> view = fixture.strings();
                Model model = new Model();
                writeRandomHistories(view, model, random);
                for (int q = 0; q < QUERIES_PER_ROUND && mismatches.size() < 10; q++) {
                    queries++;
                    String query = query(view, model, random);
                    if (query != null) {
                        mismatches.add("round " + round + ": " + query);
                    }
                }
                for (String entity : model.entities()) {
                    compare(mismatches, "history(" + show(entity) + ", VALID)", model.history(entity, HistoryOrder.VALID),
                            () -> view.history(entity, HistoryOrder.VALID));
                    compare(mismatches, "history(" + show(entity) + ", RECORDED)", model.history(entity, HistoryOrder.RECORDED),
                            () -> view.history(entity, HistoryOrder.RECORDED));
                }
            }
        }
        assertThat(mismatches).as("oracle.seed=%d, %d queries in %d rounds", seed, queries, ROUNDS).isEmpty();
    }

    private static void writeRandomHistories(BitemporalStore<String> view, Model model, Random random) {
        List<String> entities = new ArrayList<>();
        for (String e : NAMED) {
            if (random.nextInt(3) > 0) {
                entities.add(e);
            }
        }
        for (int i = random.nextInt(6); i > 0; i--) {
            entities.add(randomEntity(random));
        }
        int writes = random.nextInt(120);
        for (int w = 0; w < writes && !entities.isEmpty(); w++) {
            String entity = entities.get(random.nextInt(entities.size()));
            List<Version<String>> existing = model.versions(entity);
            long valid;
            long recorded;
            if (!existing.isEmpty() && random.nextInt(8) == 0) { // the same coordinates again: the later write wins
                Version<String> old = existing.get(random.nextInt(existing.size()));
                valid = old.validFrom().toEpochMilli();
                recorded = old.recordedAt().toEpochMilli();
            } else {
                valid = randomMillis(random);
                recorded = randomMillis(random);
            }
            Instant validFrom = Instant.ofEpochMilli(valid);
            Instant recordedAt = Instant.ofEpochMilli(recorded);
            Version<String> v = switch (random.nextInt(5)) {
                case 0 -> Version.delete(entity, validFrom, recordedAt);
                case 1 -> new Version<>(entity, validFrom, recordedAt, Operation.CORRECTION, "c" + w);
                default -> Version.upsert(entity, validFrom, recordedAt, "u" + w);
            };
            view.put(v);
            model.put(v);
        }
    }

    /** One random query compared with the model; a description of the difference, or null. */
    private static String query(BitemporalView<String> view, Model model, Random random) {
        List<String> mismatches = new ArrayList<>();
        Instant validAt = randomInstant(random);
        Instant knownAt = randomInstant(random);
        switch (random.nextInt(5)) {
            case 0 -> {
                String from = random.nextInt(6) == 0 ? null : pick(model, random);
                String to = random.nextInt(3) == 0 ? null : pick(model, random);
                int limit = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
                compare(mismatches, "rangeAsOf(" + show(from) + ", " + show(to) + ", " + validAt + ", " + knownAt + ", " + limit + ")",
                        model.rangeAsOf(from, to, validAt, knownAt, limit), () -> view.rangeAsOf(from, to, validAt, knownAt, limit));
            }
            case 1 -> {
                String from = random.nextInt(6) == 0 ? null : pick(model, random);
                String to = random.nextInt(3) == 0 ? null : pick(model, random);
                int limit = 1 + random.nextInt(4);
                boolean exclusive = random.nextBoolean();
                compare(mismatches, "pages of " + limit + (exclusive ? " from after the last key" : " from nextEntity") + " over ["
                        + show(from) + ", " + show(to) + ") at " + validAt + " known " + knownAt,
                        model.rangeAsOf(from, to, validAt, knownAt, Integer.MAX_VALUE),
                        () -> paged(view, from, to, validAt, knownAt, limit, exclusive));
            }
            case 2 -> {
                String entity = pick(model, random);
                compare(mismatches, "nextEntity(" + show(entity) + ")", model.nextEntity(entity), () -> view.nextEntity(entity));
            }
            case 3 -> {
                String entity = pick(model, random);
                compare(mismatches, "asOfVersion(" + show(entity) + ", " + validAt + ", " + knownAt + ")",
                        model.asOf(entity, validAt, knownAt), () -> view.asOfVersion(entity, validAt, knownAt));
            }
            default -> {
                String entity = pick(model, random);
                List<Version<String>> versions = model.versions(entity);
                Instant validFrom = versions.isEmpty() || random.nextInt(4) == 0 ? randomInstant(random)
                        : versions.get(random.nextInt(versions.size())).validFrom();
                compare(mismatches, "recordedAfter(" + show(entity) + ", " + validFrom + ", " + knownAt + ")",
                        model.recordedAfter(entity, validFrom, knownAt), () -> view.recordedAfter(entity, validFrom, knownAt));
            }
        }
        return mismatches.isEmpty() ? null : mismatches.get(0);
    }

    /** Every page of a range, concatenated: each next page starts at the entity after the last one of the page before. */
    private static List<Version<String>> paged(BitemporalView<String> view, String from, String to, Instant validAt, Instant knownAt,
                                               int limit, boolean exclusive) {
        List<Version<String>> all = new ArrayList<>();
        String start = from;
        for (int pages = 0; pages < 1000; pages++) {
            List<Version<String>> page = view.rangeAsOf(start, to, validAt, knownAt, limit);
            all.addAll(page);
            if (page.size() < limit) {
                return all;
            }
            String last = page.get(page.size() - 1).entity();
            if (exclusive) {
                start = last + "\0"; // the smallest entity after 'last', as the query API's page token starts
            } else {
                Optional<String> next = view.nextEntity(last);
                if (next.isEmpty()) {
                    return all;
                }
                start = next.get();
            }
        }
        throw new AssertionError("more than 1000 pages");
    }

    private static <T> void compare(List<String> mismatches, String what, T expected, Supplier<T> actual) {
        try {
            T got = actual.get();
            if (!expected.equals(got)) {
                mismatches.add(what + " expected " + expected + " but was " + got);
            }
        } catch (RuntimeException e) {
            mismatches.add(what + " expected " + expected + " but threw " + e);
        }
    }

    // ---------------------------------------------------------------- random input

    private static long randomMillis(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> LIMITS[random.nextInt(LIMITS.length)];
            case 1 -> 1_530_000_000_000L + random.nextInt(5); // July 2018
            default -> random.nextInt(7) - 3; // around 0: many equal times
        };
    }

    /** A point in time: any the store holds, a fraction of a millisecond off, or beyond what a store key holds. */
    private static Instant randomInstant(Random random) {
        Instant t = Instant.ofEpochMilli(randomMillis(random));
        return switch (random.nextInt(10)) {
            case 0 -> t.plusNanos(1 + random.nextInt(999_999));
            case 1 -> t.minusNanos(1 + random.nextInt(999_999));
            case 2 -> t.plusMillis(1);
            case 3 -> t.minusMillis(1);
            case 4 -> random.nextBoolean() ? Instant.MIN : Instant.MAX;
            case 5 -> Instant.parse(random.nextBoolean() ? "+300000000-01-01T00:00:00Z" : "-300000000-01-01T00:00:00Z");
            default -> t;
        };
    }

    private static String randomEntity(Random random) {
        String[] parts = {"a", "b", "\0", "é", "日", "😀", "\uFFFF", "z"};
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            s.append(parts[random.nextInt(parts.length)]);
        }
        return s.toString();
    }

    /** An entity of the view, or a string that is none (a bound between, before or after them). */
    private static String pick(Model model, Random random) {
        List<String> entities = model.entities();
        if (!entities.isEmpty() && random.nextBoolean()) {
            return entities.get(random.nextInt(entities.size()));
        }
        return random.nextBoolean() ? NAMED.get(random.nextInt(NAMED.size())) : randomEntity(random);
    }

    private static String show(String s) {
        return s == null ? "null" : "'" + s.replace("\0", "\\0") + "'";
    }

    // ---------------------------------------------------------------- the model

    /** Every version of every entity, one per (entity, validFrom, recordedAt); answers by DESIGN's definitions, literally. */
    private static final class Model {

        private final Map<String, Map<List<Instant>, Version<String>>> byEntity = new TreeMap<>(KEY_ORDER);

        void put(Version<String> v) {
            byEntity.computeIfAbsent(v.entity(), e -> new TreeMap<>(Comparator.comparing((List<Instant> k) -> k.get(0))
                    .thenComparing(k -> k.get(1)))).put(List.of(v.validFrom(), v.recordedAt()), v);
        }

        List<String> entities() {
            return List.copyOf(byEntity.keySet());
        }

        List<Version<String>> versions(String entity) {
            return List.copyOf(byEntity.getOrDefault(entity, Map.of()).values());
        }

        /** Among versions recorded by knownAt, the greatest validFrom not after validAt, ties by the latest recordedAt. */
        Optional<Version<String>> asOf(String entity, Instant validAt, Instant knownAt) {
            return versions(entity).stream()
                    .filter(v -> !v.recordedAt().isAfter(knownAt))
                    .filter(v -> !v.validFrom().isAfter(validAt))
                    .max(Comparator.comparing((Version<String> v) -> v.validFrom()).thenComparing(Version::recordedAt));
        }

        List<Version<String>> rangeAsOf(String from, String to, Instant validAt, Instant knownAt, int limit) {
            return byEntity.keySet().stream()
                    .filter(e -> from == null || KEY_ORDER.compare(e, from) >= 0)
                    .filter(e -> to == null || KEY_ORDER.compare(e, to) < 0)
                    .map(e -> asOf(e, validAt, knownAt))
                    .flatMap(Optional::stream)
                    .filter(v -> v.operation().hasValue())
                    .limit(limit)
                    .toList();
        }

        Optional<String> nextEntity(String entity) {
            return byEntity.keySet().stream().filter(e -> KEY_ORDER.compare(e, entity) > 0).findFirst();
        }

        List<Version<String>> history(String entity, HistoryOrder order) {
            Comparator<Version<String>> byValid = Comparator.comparing((Version<String> v) -> v.validFrom()).thenComparing(Version::recordedAt);
            Comparator<Version<String>> byRecorded = Comparator.comparing((Version<String> v) -> v.recordedAt()).thenComparing(Version::validFrom);
            return versions(entity).stream().sorted(order == HistoryOrder.VALID ? byValid : byRecorded).toList();
        }

        List<Version<String>> recordedAfter(String entity, Instant validFrom, Instant after) {
            return versions(entity).stream()
                    .filter(v -> v.validFrom().equals(validFrom) && v.recordedAt().isAfter(after))
                    .sorted(Comparator.comparing(Version::recordedAt))
                    .toList();
        }
    }
}
