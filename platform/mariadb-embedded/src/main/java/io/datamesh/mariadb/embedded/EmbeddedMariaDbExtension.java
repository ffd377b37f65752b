package io.datamesh.mariadb.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a private {@link EmbeddedMariaDb} for a test class, and gives each test
 * databases of its own that are dropped after it.
 *
 * <p>Two scopes, as {@code EmbeddedKafkaExtension}:
 * <ul>
 *   <li>{@link #perClass()}: a server of its own for the class, started before the first test and
 *       stopped (its folder deleted) after the last;</li>
 *   <li>{@link #perJvm()}: one server for every class of the test JVM that asks for it, stopped when
 *       the JUnit run ends. Each test still works in databases of its own.</li>
 * </ul>
 * In a test, {@link #database()} is a fresh database for that test (created on first use, dropped
 * after the test), and {@link #newDatabase(String)} makes more.
 */
public final class EmbeddedMariaDbExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedMariaDbExtension.class);
    private static final String SHARED_KEY = "shared-mariadb";
    /** Database names of every test in this JVM differ, so that classes sharing a server never collide. */
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final boolean shared;
    private final Consumer<EmbeddedMariaDb.Builder> customizer;
    private final List<String> testDatabases = new ArrayList<>();
    private EmbeddedMariaDb server;
    private String testName = "test";
    private String database;

    /** For {@code @ExtendWith}: a server per test class with the default settings. */
    public EmbeddedMariaDbExtension() {
        this(false, b -> { });
    }

    private EmbeddedMariaDbExtension(boolean shared, Consumer<EmbeddedMariaDb.Builder> customizer) {
        this.shared = shared;
        this.customizer = Objects.requireNonNull(customizer);
    }

    /** A server of its own for the test class. */
    public static EmbeddedMariaDbExtension perClass() {
        return new EmbeddedMariaDbExtension(false, b -> { });
    }

    /** A server of its own for the test class, built with settings changed by {@code customizer}. */
    public static EmbeddedMariaDbExtension perClass(Consumer<EmbeddedMariaDb.Builder> customizer) {
        return new EmbeddedMariaDbExtension(false, customizer);
    }

    /** One server shared by every class of this JVM that registers this extension. */
    public static EmbeddedMariaDbExtension perJvm() {
        return new EmbeddedMariaDbExtension(true, b -> { });
    }

    /** The running server; valid from {@code @BeforeAll} on. */
    public EmbeddedMariaDb server() {
        if (server == null) {
            throw new IllegalStateException("the embedded MariaDB starts before @BeforeAll; it is not running yet");
        }
        return server;
    }

    /** The current test's own database, created on first use and dropped after the test. */
    public synchronized String database() {
        if (database == null) {
            database = newDatabase(testName);
        }
        return database;
    }

    /**
     * A new, empty database for the current test, named after {@code hint} and made unique in this JVM;
     * dropped after the test (or after the class, when made in {@code @BeforeAll}).
     */
    public synchronized String newDatabase(String hint) {
        String base = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String suffix = "_" + SEQUENCE.incrementAndGet();
        String name = "t_" + base.substring(0, Math.min(base.length(), 64 - 2 - suffix.length())) + suffix;
        server().createDatabase(name);
        testDatabases.add(name);
        return name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
            server = root.getOrComputeIfAbsent(SHARED_KEY, k -> new SharedServer(startServer()), SharedServer.class).server;
        } else {
            server = startServer();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        testName = context.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
        database = null;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        dropTestDatabases();
        database = null;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        try {
            if (server != null && server.isRunning()) {
                dropTestDatabases();
            }
        } finally {
            testDatabases.clear();
            if (!shared && server != null) {
                server.close();
            }
            server = null;
        }
    }

    private void dropTestDatabases() {
        // A test may have stopped or killed the server; a stopped server has nothing left to drop from.
        if (server != null && server.isRunning()) {
            for (String db : testDatabases) {
                server.dropDatabase(db);
            }
        }
        testDatabases.clear();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedMariaDb.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server();
    }

    private EmbeddedMariaDb startServer() {
        EmbeddedMariaDb.Builder builder = EmbeddedMariaDb.builder();
        customizer.accept(builder);
        return builder.build().start();
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run in this JVM. */
    private record SharedServer(EmbeddedMariaDb server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
