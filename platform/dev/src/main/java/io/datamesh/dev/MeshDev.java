package io.datamesh.dev;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

import io.datamesh.kafka.embedded.PortInUseException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make run}: starts the local platform in the foreground, prints where everything is and the
 * line {@code mesh is ready}, and stops cleanly on Ctrl-C or SIGTERM.
 */
@Command(name = "mesh-dev", mixinStandardHelpOptions = true,
        description = "Runs the data mesh platform locally: a real Kafka broker and the platform's services.")
public final class MeshDev implements Callable<Integer> {

    /** Printed once every component serves requests; scripts and tests wait for it. */
    public static final String READY_LINE = "mesh is ready";

    /** The file that tells the {@code mesh} command where the platform runs (read by its PlatformLocation). */
    static final String PLATFORM_FILE = "platform.properties";

    static final int EXIT_PORT_IN_USE = 3;
    static final int EXIT_OLD_STATE = 4;

    @Option(names = "--home", defaultValue = ".mesh",
            description = "Folder for the platform's state; a second run continues from it (default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka client port (default: ${DEFAULT-VALUE}; 0 = free).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093",
            description = "KRaft controller port (default: ${DEFAULT-VALUE}; 0 = free).")
    int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081",
            description = "Schema registry HTTP port (default: ${DEFAULT-VALUE}; 0 = free).")
    int registryPort;

    @Option(names = "--query-port", defaultValue = "8080",
            description = "Query API of all domains (default: ${DEFAULT-VALUE}; 0 = free).")
    int queryPort;

    @Option(names = "--mariadb-port", defaultValue = "3307",
            description = "Port of the platform's own MariaDB, the CDC source (default: ${DEFAULT-VALUE}; 0 = free).")
    int mariadbPort;

    @Option(names = "--collector-port", defaultValue = "8082", description = "Clickstream collector's HTTP port (default: ${DEFAULT-VALUE}; 0 = free).")
    int collectorPort;

    @Option(names = "--amqp-uri", defaultValue = "amqp://guest:guest@127.0.0.1:5672",
            description = "The bus: a RabbitMQ that answers there is used, else an embedded broker is started on that port (default: ${DEFAULT-VALUE}).")
    String amqpUri;

    @Option(names = "--demo-rate", defaultValue = "1", description = "Orders the demo's services take per second (default: ${DEFAULT-VALUE}).")
    double demoRate;

    @Option(names = "--no-demo", description = "Start only the broker and the registry: no demo domains, no demo data.")
    boolean noDemo;

    private final CountDownLatch stopped = new CountDownLatch(1);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new MeshDev()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        // Read by logback.xml before the first logger is used, so the log lands under --home.
        System.setProperty("mesh.home", home.toAbsolutePath().toString());
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        DevSettings settings = new DevSettings(home.toAbsolutePath().normalize(), kafkaPort, controllerPort, registryPort, queryPort,
                mariadbPort, collectorPort, amqpUri, demoRate);
        PrintWriter out = new PrintWriter(System.out, true);
        String stale = StateFormat.checkAndMark(settings.home());
        if (stale != null) {
            out.println("mesh: " + stale);
            return EXIT_OLD_STATE;
        }
        DevPlatform platform = DevPlatform.standard(settings, !noDemo);
        try {
            platform.start();
        } catch (PortInUseException e) {
            out.println("mesh: " + e.getMessage());
            platform.close();
            return EXIT_PORT_IN_USE;
        } catch (Exception e) {
            platform.close();
            throw e;
        }
        Path location = settings.home().resolve(PLATFORM_FILE);
        writeLocation(location, platform.location());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(location);
            } catch (IOException e) {
                out.println("mesh: cannot remove " + location + ": " + e.getMessage());
            }
            shutdown(platform, out);
        }, "mesh-shutdown"));
        out.print(EndpointTable.render(platform.endpoints()));
        out.println("logs: " + settings.home().resolve("logs").resolve("mesh.log"));
        out.println(READY_LINE + " (Ctrl-C stops it)");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Where the platform runs, for every {@code mesh} command started while it does (they read this file). */
    static void writeLocation(Path file, java.util.Map<String, String> location) throws IOException {
        StringBuilder text = new StringBuilder("# Written by make run while it runs; the mesh command reads it. Removed when it stops.\n");
        location.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
    }

    private void shutdown(DevPlatform platform, PrintWriter out) {
        out.println("mesh: stopping");
        try {
            platform.close();
            out.println("mesh: stopped");
        } catch (RuntimeException e) {
            // Looked up here, not in a static field: logback must start after --home is known.
            LoggerFactory.getLogger(MeshDev.class).error("Unclean stop", e);
            out.println("mesh: stopped with errors, see the log");
        } finally {
            out.flush();
            stopped.countDown();
        }
    }

    /** Formats the endpoint rows as an aligned text table. */
    static final class EndpointTable {
        private EndpointTable() {
        }

        static String render(List<Endpoint> rows) {
            String[] header = {"component", "address", "note"};
            int w0 = header[0].length();
            int w1 = header[1].length();
            for (Endpoint e : rows) {
                w0 = Math.max(w0, e.component().length());
                w1 = Math.max(w1, e.address().length());
            }
            String format = "%-" + w0 + "s  %-" + w1 + "s  %s%n";
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(format, (Object[]) header));
            sb.append(String.format(format, "-".repeat(w0), "-".repeat(w1), "-".repeat(header[2].length())));
            for (Endpoint e : rows) {
                sb.append(String.format(format, e.component(), e.address(), e.note()));
            }
            return sb.toString();
        }
    }
}
