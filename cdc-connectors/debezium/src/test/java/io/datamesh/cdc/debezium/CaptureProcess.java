package io.datamesh.cdc.debezium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A capture run as its own process by {@link CaptureMain}, as {@code mesh cdc run} does: to kill it with SIGKILL. */
final class CaptureProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private CaptureProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code CaptureMain config} on this test's class path and waits until it says it runs. */
    static CaptureProcess start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CaptureMain.class.getName(), config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        CaptureProcess c = new CaptureProcess(p, log);
        CaptureFixture.await("capture process running (log " + log + ")", Duration.ofSeconds(90), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("capture process exited with " + p.exitValue() + ": " + c.tail());
            }
            return c.output().contains("mesh: cdc capture of ");
        });
        return c;
    }

    /** SIGKILL, as a crash would, and wait until it is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("capture process did not stop within 60 s of SIGTERM: " + tail());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    String tail() {
        String out = output();
        return out.substring(Math.max(0, out.length() - 3000));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
