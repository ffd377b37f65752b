package io.datamesh.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs benches with interleaved repetitions: one warm-up of each, then rep 1 of every bench, rep 2
 * of every bench, and so on, so that a slow phase of the machine hits all benches alike.
 */
final class BenchRunner {

    private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);

    private final Map<String, Bench> benches = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    BenchRunner bench(Bench bench) {
        benches.put(bench.name(), bench);
        return this;
    }

    BenchRunner row(Row row) {
        if (!benches.containsKey(row.bench())) {
            throw new IllegalArgumentException("row " + row.id() + " reads bench " + row.bench() + ", which is not registered");
        }
        rows.add(row);
        return this;
    }

    /** Keeps only the named benches and the rows that read them and their baselines (for working on one bench). */
    BenchRunner only(Set<String> names) {
        BenchRunner r = new BenchRunner();
        benches.values().stream().filter(b -> names.contains(b.name())).forEach(r::bench);
        Set<String> kept = new HashSet<>();
        rows.stream().filter(row -> names.contains(row.bench())).forEach(row -> {
            kept.add(row.id());
        });
        rows.stream().filter(row -> kept.contains(row.id()))
                .map(row -> row.baseline() != null && !kept.contains(row.baseline())
                        ? new Row(row.id(), row.title(), row.bench(), row.metric(), null, null) : row)
                .forEach(r::row);
        return r;
    }

    /** Told when the measured repetitions begin (after the warm-ups) and end: a profiler records only those. */
    interface Measuring {
        Measuring NOTHING = new Measuring() {
        };

        default void begin() throws Exception {
        }

        default void end() throws Exception {
        }
    }

    /** The bench that row {@code id} reads, or null when no row has that id. */
    String benchOf(String id) {
        return rows.stream().filter(r -> r.id().equals(id)).map(Row::bench).findFirst().orElse(null);
    }

    ResultTable run(BenchContext context, int reps) throws Exception {
        return run(context, reps, Measuring.NOTHING);
    }

    ResultTable run(BenchContext context, int reps, Measuring measuring) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        try {
            for (Bench b : benches.values()) {
                progress("set up " + b.name());
                b.setUp(context);
                samples.put(b.name(), new ArrayList<>());
            }
            for (Bench b : benches.values()) {
                progress("warm up " + b.name());
                runClean(context, b);
            }
            measuring.begin();
            try {
                for (int rep = 1; rep <= reps; rep++) {
                    for (Bench b : benches.values()) {
                        Sample sample = runClean(context, b);
                        samples.get(b.name()).add(sample);
                        progress(b.name() + " " + rep + "/" + reps + ": " + sample);
                    }
                    progress("repetition " + rep + "/" + reps + " done");
                }
            } finally {
                measuring.end();
            }
        } finally {
            for (Bench b : benches.values()) {
                try {
                    b.tearDown();
                } catch (Exception e) {
                    log.warn("Cannot tear down bench={}", b.name(), e);
                }
            }
        }
        ResultTable table = new ResultTable();
        for (Row row : rows) {
            table.add(row, Stats.of(samples.get(row.bench()).stream().map(s -> s.get(row.metric())).toList()));
        }
        return table;
    }

    /**
     * One repetition; for a bench with {@link Bench#ownTopicsPerRepetition() topics of its own} the
     * topics it created are deleted after it, so that later repetitions do not find the logs of all
     * earlier ones (hundreds of partitions, the log cleaner compacting old changelogs).
     */
    private static Sample runClean(BenchContext context, Bench bench) throws Exception {
        if (!bench.ownTopicsPerRepetition()) {
            return bench.runOnce();
        }
        try (Admin admin = context.kafka().admin()) {
            Set<String> before = topics(admin);
            try {
                return bench.runOnce();
            } finally {
                Set<String> created = new HashSet<>(topics(admin));
                created.removeAll(before);
                if (!created.isEmpty()) {
                    admin.deleteTopics(created).all().get(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get(60, TimeUnit.SECONDS);
    }

    private static void progress(String what) {
        System.out.println("bench: " + what);
    }
}
