package io.datamesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code bench/run --profile <row>}: Java Flight Recorder over the measured repetitions of the
 * row's bench (not its warm-up), then where the measured threads spent their samples, as Markdown.
 * For a topology's rows only stream threads count ({@code <client id>-StreamThread-<n>}), as in the
 * CPU-per-record rows: the broker runs in the same JVM, and the producer's network thread is not what a
 * topology costs. For the query benches ({@code query-*}) the HTTP servers' threads count, those of
 * {@link ServerCpu}: not the bench's clients.
 *
 * <p>Execution samples every {@value #PERIOD_MS} ms give where the CPU goes (a thread waiting in a
 * poll is not sampled); allocation samples give what the thread allocates, which the collector pays
 * for later on another thread.
 */
final class Profile implements BenchRunner.Measuring {

    static final int PERIOD_MS = 2;
    private static final int TOP = 30;

    private final String row;
    private final String bench;
    private final Path jfr;
    private Recording recording;
    private Instant began;

    Profile(String row, String bench, Path jfr) {
        this.row = row;
        this.bench = bench;
        this.jfr = jfr;
        this.servers = bench.startsWith("query-");
    }

    private final boolean servers;

    @Override
    public void begin() {
        recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(PERIOD_MS)).withStackTrace();
        recording.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s").withStackTrace();
        recording.setName("bench-" + row);
        began = Instant.now();
        recording.start();
    }

    @Override
    public void end() throws IOException {
        recording.stop();
        Files.createDirectories(jfr.toAbsolutePath().getParent());
        recording.dump(jfr);
        recording.close();
    }

    /** The report of the recording {@link #end} wrote. */
    String report(int reps) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> byCode = new HashMap<>();
        Map<String, Long> callees = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        Map<String, Long> allocatedTypes = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                if (!measured(e.getThread("sampledThread")) || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = javaFrames(e.getStackTrace());
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                String top = method(frames.get(0));
                self.merge(top, 1L, Long::sum);
                byCode.merge(code(frames.get(0).getMethod().getType().getName()), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    if (seen.add(method(f))) {
                        inclusive.merge(method(f), 1L, Long::sum);
                    }
                }
                String callee = platformCallee(frames);
                if (callee != null) {
                    callees.merge(callee, 1L, Long::sum);
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                if (!measured(e.getThread()) || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = javaFrames(e.getStackTrace());
                long weight = e.getLong("weight");
                allocated += weight;
                allocatedTypes.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                if (!frames.isEmpty()) {
                    allocations.merge(site(frames), weight, Long::sum);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Profile of ").append(row).append(" (bench ").append(bench).append(")\n\n");
        md.append("- date: ").append(DateTimeFormatter.ISO_INSTANT.format(began)).append("\n");
        md.append("- command: `bench/run --profile ").append(row).append(" --reps ").append(reps).append("`\n");
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", cores: ").append(Runtime.getRuntime().availableProcessors()).append("\n");
        md.append("- recorder: JFR, execution samples every ").append(PERIOD_MS).append(" ms and allocation samples, during the ")
                .append(reps).append(" measured repetitions (not the warm-up), ").append(threads()).append(" only\n");
        md.append("- execution samples on ").append(threads()).append(": ").append(samples)
                .append(String.format(Locale.ROOT, "; allocation sampled: %.1f MB", allocated / 1e6)).append("\n\n");
        md.append("Self time is the method a sample landed in; on the stack counts a sample for every method that was\n"
                + "anywhere on its stack (so a caller's share includes its callees'). The raw recording is in\n"
                + "`").append(jfr.getFileName()).append("` under `bench/target/` (`jfr print --events jdk.ExecutionSample` reads it).\n\n");
        table(md, "Self time by code", "code", byCode, samples, 20, "samples");
        table(md, "Inside the platform's processors: what the outermost platform frame spends on (its callee, inclusive)",
                "processor → callee", callees, samples, TOP, "samples");
        table(md, "Self time by method (top " + TOP + ")", "method", self, samples, TOP, "samples");
        table(md, "On the stack (top " + (2 * TOP) + ")", "method", inclusive, samples, 2 * TOP, "samples");
        table(md, "Allocation by site (top " + TOP + ", first frame outside java.*/jdk.*)", "site", allocations, allocated, TOP, "bytes");
        table(md, "Allocation by type (top 15)", "type", allocatedTypes, allocated, 15, "bytes");
        return md.toString();
    }

    private String threads() {
        return servers ? "the HTTP servers' threads" : "stream threads";
    }

    private boolean measured(RecordedThread t) {
        if (servers) {
            return t != null && t.getJavaName() != null && ServerCpu.PREFIXES.stream().anyMatch(t.getJavaName()::startsWith);
        }
        return streamThread(t);
    }

    /** A stream thread, not the network threads of its clients ({@code kafka-producer-network-thread | <client>-StreamThread-1-producer}). */
    private static boolean streamThread(RecordedThread t) {
        return t != null && t.getJavaName() != null && t.getJavaName().contains("-StreamThread-") && !t.getJavaName().startsWith("kafka-");
    }

    /**
     * For a sample inside the platform's code: the outermost platform frame (nearest the thread's root,
     * e.g. the ingest processor's {@code process}) and the method it called on the way to the sample, or
     * the frame itself when the sample landed there; null for a sample outside the platform.
     */
    private static String platformCallee(List<RecordedFrame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i).getMethod().getType().getName().startsWith("io.datamesh.")) {
                return method(frames.get(i)) + " → " + (i == 0 ? "(self)" : method(frames.get(i - 1)));
            }
        }
        return null;
    }

    private static List<RecordedFrame> javaFrames(RecordedStackTrace stack) {
        return stack.getFrames().stream().filter(RecordedFrame::isJavaFrame).toList();
    }

    private static String method(RecordedFrame f) {
        return type(f) + "." + f.getMethod().getName();
    }

    /** The frame's class, a lambda's without its run-time suffix ({@code Foo$$Lambda$1418+0x…}), so that runs compare. */
    private static String type(RecordedFrame f) {
        String name = f.getMethod().getType().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda < 0 ? name : name.substring(0, lambda) + "$$Lambda";
    }

    /** Where an allocation was asked for: the first frame outside the JDK, below the JDK's own frames. */
    private static String site(List<RecordedFrame> frames) {
        Function<RecordedFrame, String> type = f -> f.getMethod().getType().getName();
        return frames.stream().filter(f -> !type.apply(f).startsWith("java.") && !type.apply(f).startsWith("jdk.")
                        && !type.apply(f).startsWith("sun."))
                .findFirst().map(f -> method(f) + ":" + f.getLineNumber()).orElse(method(frames.get(0)));
    }

    /** Who a frame belongs to: the platform, the libraries it uses, Kafka, or the JDK. */
    static String code(String className) {
        if (className.startsWith("io.datamesh.")) {
            String[] parts = className.split("\\.");
            return parts.length > 3 ? "platform: " + parts[2] + "." + parts[3] : "platform";
        }
        if (className.startsWith("org.apache.kafka.streams.")) {
            return "Kafka Streams";
        }
        if (className.startsWith("org.apache.kafka.")) {
            return "Kafka clients";
        }
        if (className.startsWith("org.apache.avro.")) {
            return "Avro";
        }
        if (className.startsWith("com.fasterxml.jackson.")) {
            return "Jackson";
        }
        if (className.startsWith("org.rocksdb.")) {
            return "RocksDB";
        }
        if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")) {
            return "JDK: " + String.join(".", List.of(className.split("\\.")).subList(0, Math.min(3, className.split("\\.").length - 1)));
        }
        return "other: " + className.substring(0, Math.max(0, className.lastIndexOf('.')));
    }

    private static void table(StringBuilder md, String title, String what, Map<String, Long> counts, long total, int top, String unit) {
        md.append("## ").append(title).append("\n\n");
        md.append("| ").append(what).append(" | ").append(unit).append(" | share |\n| --- | ---: | ---: |\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(e -> md.append("| `").append(e.getKey()).append("` | ").append(String.format(Locale.ROOT, "%,d", e.getValue()))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f %%", total == 0 ? 0.0 : 100.0 * e.getValue() / total)).append(" |\n"));
        md.append("\n");
    }
}
