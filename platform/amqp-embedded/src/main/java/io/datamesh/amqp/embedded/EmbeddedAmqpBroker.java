package io.datamesh.amqp.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real AMQP 0-9-1 broker (Apache Qpid Broker-J) running in this JVM, in memory: the bus of
 * {@code make run} when no RabbitMQ listens on 5672, and of tests that need a broker of their own.
 *
 * <p>One virtual host, reached as {@code /} (what RabbitMQ's clients ask for by default) or by its
 * name {@code default}; one user {@code guest}/{@code guest} with PLAIN over plain TCP, as a fresh
 * RabbitMQ has on localhost. Durable topic exchanges, durable queues, manual and multiple acks work
 * as on RabbitMQ. What Qpid does not have: RabbitMQ's quorum queues ({@code x-queue-type},
 * {@code x-delivery-limit}) and {@code x-dead-letter-exchange}; its own equivalents are the queue
 * arguments {@code x-qpid-maximum-delivery-count} and {@code alternateExchange}. Nothing survives
 * {@link #close()}: messages, exchanges and queues live in memory.
 *
 * <p>Build it with {@link #builder()}, {@link #start()} it, {@link #close()} it.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedAmqpBroker.class);
    private static final String INITIAL_CONFIG = "initial-config.json";
    /** The user of the broker, as a fresh RabbitMQ has it on localhost. */
    public static final String USER = "guest";
    public static final String PASSWORD = "guest";

    private final String host;
    private final int requestedPort;
    private final Duration startTimeout;

    private SystemLauncher launcher;
    private Path workDir;
    private int port;

    private EmbeddedAmqpBroker(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.startTimeout = b.startTimeout;
    }

    /** A builder with the defaults: 127.0.0.1, a free port, 30 s to start. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether something accepts TCP connections at {@code host:port} within {@code timeout}: how
     * {@code make run} decides between a RabbitMQ that listens and this broker.
     */
    public static boolean answers(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts the broker and waits until its AMQP port accepts connections.
     *
     * @throws IllegalStateException if the port is taken, or the broker does not answer before the start timeout
     */
    public synchronized EmbeddedAmqpBroker start() {
        if (launcher != null) {
            throw new IllegalStateException("AMQP broker already started on " + host + ":" + port);
        }
        Instant began = Instant.now();
        port = requestedPort == 0 ? freePort(host) : checkFree(host, requestedPort);
        try {
            workDir = Files.createTempDirectory("mesh-amqp-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder for the embedded AMQP broker", e);
        }
        AtomicReference<RuntimeException> startupError = new AtomicReference<>();
        SystemLauncher qpid = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void errorOnStartup(RuntimeException e) {
                startupError.set(e);
            }
        });
        launcher = qpid;
        try {
            qpid.startup(systemConfig());
            if (startupError.get() != null) {
                throw new IllegalStateException("embedded AMQP broker on " + host + ":" + port + " did not start: "
                        + startupError.get().getMessage(), startupError.get());
            }
            awaitListening();
        } catch (Exception e) {
            close();
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("embedded AMQP broker on " + host + ":" + port + " did not start: " + e.getMessage(), e);
        }
        log.info("Embedded AMQP broker (Qpid Broker-J) ready uri={} startedInMs={}",
                uriWithoutPassword(), Duration.between(began, Instant.now()).toMillis());
        return this;
    }

    private Map<String, Object> systemConfig() {
        URL initialConfig = EmbeddedAmqpBroker.class.getResource(INITIAL_CONFIG);
        Objects.requireNonNull(initialConfig, "resource " + INITIAL_CONFIG + " of " + EmbeddedAmqpBroker.class.getPackageName());
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.amqp_port", port);
        context.put("mesh.amqp.host", host);
        context.put(SystemConfig.QPID_WORK_DIR, workDir.toString());
        // Nothing on disk: no preferences store, no broker log files (Qpid logs through SLF4J).
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "Memory");
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfig.toExternalForm());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
        attributes.put(SystemConfig.CONTEXT, context);
        return attributes;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!answers(host, port, Duration.ofMillis(200))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("embedded AMQP broker not listening on " + host + ":" + port
                        + " after " + startTimeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded AMQP broker", e);
            }
        }
    }

    /** {@code amqp://guest:guest@<host>:<port>}: the broker's default virtual host. */
    public String amqpUri() {
        requireStarted();
        return "amqp://" + USER + ":" + PASSWORD + "@" + host + ":" + port;
    }

    /** The AMQP port. */
    public int port() {
        requireStarted();
        return port;
    }

    public String host() {
        return host;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} was not called since. */
    public synchronized boolean isRunning() {
        return launcher != null;
    }

    /** Stops the broker (its messages are gone) and deletes its work folder. */
    @Override
    public synchronized void close() {
        SystemLauncher qpid = launcher;
        launcher = null;
        if (qpid != null) {
            try {
                qpid.shutdown();
                log.info("Embedded AMQP broker stopped port={}", port);
            } catch (IllegalStateException e) {
                // Qpid registers a shutdown hook of its own: when the JVM stops, it may have closed itself first.
                log.info("Embedded AMQP broker already stopped port={} ({})", port, e.getMessage());
            }
        }
        if (workDir != null) {
            deleteRecursively(workDir);
            workDir = null;
        }
    }

    private String uriWithoutPassword() {
        return "amqp://" + USER + "@" + host + ":" + port;
    }

    private void requireStarted() {
        if (launcher == null) {
            throw new IllegalStateException("embedded AMQP broker not started");
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(host))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static int checkFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("AMQP port " + host + ":" + port + " is taken: something else listens there", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Builds an {@link EmbeddedAmqpBroker}; every option has a default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Address the AMQP port binds to (default 127.0.0.1: the broker has a well-known user). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** AMQP port; 0 (the default) picks a free one, {@code make run} asks for 5672. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** How long {@link EmbeddedAmqpBroker#start()} waits for the port to answer (default 30 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "startTimeout");
            return this;
        }

        public EmbeddedAmqpBroker build() {
            return new EmbeddedAmqpBroker(this);
        }
    }
}
