package io.datamesh.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain deployed as operators deploy it, {@code mesh run <jar>} in a process of its own, so that
 * the chaos run can kill it with SIGKILL: no commit, no leave-group, no goodbye. Each start logs to a
 * file of its own beside the state folder.
 */
final class DomainProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("queries and metrics at (http://\\S+)");

    private final String name;
    private final Path jar;
    private final Path dir;
    private final String bootstrap;
    private final String registry;
    private final List<String> extra;
    private final List<Process> started = new ArrayList<>();
    private Process current;
    private String url;

    DomainProcess(String name, Path jar, Path dir, String bootstrap, String registry, String... extra) {
        this.name = name;
        this.extra = List.of(extra);
        this.jar = jar;
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    /** Starts an instance and waits until it says it runs; returns its query API's address. */
    String start() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve(name + "-" + started.size() + ".log");
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.datamesh.cli.Mesh", "run", jar.toString(), "--bootstrap-servers", bootstrap, "--registry", registry,
                "--state-dir", dir.resolve(name + "-state").toString(), "--http-port", "0",
                // a killed member is noticed after 10 s instead of the default 45 s
                "--set", "consumer.session.timeout.ms=10000", "--set", "consumer.heartbeat.interval.ms=1000"));
        command.addAll(extra);
        current = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(current);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = URL.matcher(out);
            if (m.find()) {
                url = m.group(1);
                return url;
            }
            if (!current.isAlive()) {
                throw new IllegalStateException("mesh run " + name + " exited with " + current.exitValue() + ": " + tail(out));
            }
            Thread.sleep(200); // polls a child process's log
        }
        throw new IllegalStateException("mesh run " + name + " did not start within 180 s (log " + log + ")");
    }

    /** SIGKILL of the running instance, and wait until it is gone. */
    void kill9() throws InterruptedException {
        current.destroyForcibly();
        current.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: commit, leave the group. */
    void stop() throws InterruptedException {
        current.destroy();
        if (!current.waitFor(60, TimeUnit.SECONDS)) {
            current.destroyForcibly();
            current.waitFor(30, TimeUnit.SECONDS);
        }
    }

    String url() {
        return url;
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 2000));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }
}
