package io.datamesh.cdc.debezium;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.config.ConfigException;

/**
 * Runs one capture as a process, from its config file, until SIGTERM or Ctrl-C:
 * {@code java -cp ... io.datamesh.cdc.debezium.CaptureMain cdc/orders.properties [key=value ...]}. The
 * {@code key=value} arguments override the file's lines (e.g. {@code database.port=3307}).
 *
 * <p>A signal stops it cleanly: Debezium commits the offset of what Kafka acknowledged, then the
 * process exits 0; a second signal does not wait (exit 130). Exit 1: the capture refused to start or
 * stopped with an error (the message says why and what to do); exit 2: a bad config or command line.
 */
public final class CaptureMain {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_FORCED = 130;

    private CaptureMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a capture as {@link #main} does, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args[0].startsWith("-")) {
            err.println("usage: CaptureMain <capture.properties> [key=value ...]");
            return EXIT_USAGE;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                err.println("mesh: argument '" + args[i] + "' is not key=value");
                return EXIT_USAGE;
            }
            overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        CaptureConfig config;
        try {
            config = CaptureConfig.load(Path.of(args[0]), overrides);
        } catch (ConfigException e) {
            err.println("mesh: cdc config " + args[0] + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        Capture capture;
        try {
            capture = Capture.start(config);
        } catch (CaptureException e) {
            err.println("mesh: cdc capture of " + config.domain() + " did not start (" + e.reason() + "): " + e.getMessage());
            return EXIT_FAILED;
        } catch (ConfigException e) {
            err.println("mesh: cdc capture of " + config.domain() + " did not start: " + e.getMessage());
            return EXIT_USAGE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        sun.misc.SignalHandler onSignal = signal -> {
            if (signals.incrementAndGet() > 1) {
                // A second signal: the operator does not want to wait for the commit.
                out.println("mesh: forced stop");
                out.flush();
                Runtime.getRuntime().halt(EXIT_FORCED);
            }
            stop.countDown();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), onSignal);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), onSignal);
        capture.terminated().whenComplete((v, e) -> stop.countDown());
        out.println("mesh: cdc capture of " + config.domain() + " running (server " + config.serverName() + ", database "
                + config.database() + ", tables " + config.tables() + ")" + capture.httpUrl().map(u -> ", status at " + u + "/status").orElse(""));
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (capture.terminated().isCompletedExceptionally()) {
            try {
                capture.terminated().join();
            } catch (CompletionException e) {
                err.println("mesh: cdc capture of " + config.domain() + " stopped: " + e.getCause().getMessage());
            }
            capture.close();
            return EXIT_FAILED;
        }
        out.println("mesh: stopping cdc capture of " + config.domain() + " (commit the offset)");
        out.flush();
        capture.close();
        out.println("mesh: cdc capture of " + config.domain() + " stopped at " + capture.status().position());
        out.flush();
        return 0;
    }
}
