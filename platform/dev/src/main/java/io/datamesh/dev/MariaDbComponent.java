package io.datamesh.dev;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import io.datamesh.mariadb.embedded.EmbeddedMariaDb;

/**
 * The platform's own MariaDB, with binlog on (ROW, full row images): the demo services' operational
 * databases and the CDC source. Private to the platform, its data under {@code <home>/mariadb}, so a
 * restart continues; the machine's own MariaDB (binlog off) is never used nor reconfigured.
 */
final class MariaDbComponent implements DevComponent {

    private final DevSettings settings;
    private EmbeddedMariaDb server;

    MariaDbComponent(DevSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(new PortClaim("MariaDB", settings.mariadbPort()));
    }

    @Override
    public void start() throws SQLException {
        server = EmbeddedMariaDb.builder().dir(settings.home().resolve("mariadb")).port(settings.mariadbPort()).build().start();
        try (Connection root = server.connect("")) {
            DemoDatabase.create(root);
        }
    }

    /** A connection of the demo services' user ({@value DemoDatabase#SERVICE_USER}), in UTC. */
    Connection connect() throws SQLException {
        Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port() + "/orders",
                DemoDatabase.SERVICE_USER, DemoDatabase.SERVICE_PASSWORD);
        try (Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
        return c;
    }

    int port() {
        return server.port();
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("MariaDB (CDC source)", "127.0.0.1:" + port(), "binlog on; the services' user " + DemoDatabase.SERVICE_USER
                + " / " + DemoDatabase.SERVICE_PASSWORD + ", databases orders and inventory; data in " + settings.home().resolve("mariadb")));
    }

    @Override
    public Map<String, String> location() {
        return Map.of("mariadb.url", "jdbc:mariadb://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
