package io.datamesh.dev;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.datamesh.apps.orders.OrdersTables;
import io.datamesh.cdc.debezium.CaptureGrants;

/**
 * The pizza chain's operational databases, as its services keep them: {@code orders} (tables
 * {@code orders}, {@code order_lines}) and {@code inventory} ({@code write_offs}), with the columns the
 * demo domains map. The services' user is {@code mesh}/{@code mesh} with all rights on them; each
 * captured database has a capture user of its own with only what Debezium needs
 * ({@link CaptureGrants}). Times are stored in UTC ({@code time_zone='+00:00'} on every connection).
 */
final class DemoDatabase {

    static final String SERVICE_USER = "mesh";
    static final String SERVICE_PASSWORD = "mesh";
    /** The capture users: {@code <database>_cdc}, password the same (a dev machine's private server). */
    static final String CAPTURE_PASSWORD = "mesh-cdc";

    private static final List<String> SCHEMA = List.of(
            "CREATE DATABASE IF NOT EXISTS orders",
            "CREATE DATABASE IF NOT EXISTS inventory",
            OrdersTables.ORDERS.createIfAbsent("orders.orders"),
            OrdersTables.ORDER_LINES.createIfAbsent("orders.order_lines"),
            """
            CREATE TABLE IF NOT EXISTS inventory.write_offs (
              id VARCHAR(40) NOT NULL PRIMARY KEY,
              pizzeria_id VARCHAR(40) NOT NULL,
              product_id VARCHAR(40) NOT NULL,
              quantity DECIMAL(12,3) NOT NULL,
              unit VARCHAR(10) NOT NULL,
              reason VARCHAR(20) NOT NULL,
              written_off_at TIMESTAMP(3) NOT NULL
            )""");

    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private DemoDatabase() {
    }

    /** Creates the databases, tables and users if they are not there (a second run changes nothing). */
    static void create(Connection root) throws SQLException {
        try (Statement s = root.createStatement()) {
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
            s.execute("CREATE USER IF NOT EXISTS '" + SERVICE_USER + "'@'%' IDENTIFIED BY '" + SERVICE_PASSWORD + "'");
            s.execute("GRANT ALL ON orders.* TO '" + SERVICE_USER + "'@'%'");
            s.execute("GRANT ALL ON inventory.* TO '" + SERVICE_USER + "'@'%'");
        }
        CaptureGrants.createUser(root, captureUser("orders"), CAPTURE_PASSWORD, "orders");
        CaptureGrants.createUser(root, captureUser("inventory"), CAPTURE_PASSWORD, "inventory");
    }

    static String captureUser(String database) {
        return database + "_cdc";
    }

    /**
     * DESIGN's story, written once so that the README's queries answer on a fresh platform: pizzeria
     * napoli-1 sells 6 pizzas on 2018-07-08; one is refunded, recorded on 2018-07-10, so it is 5 from then
     * on. Each transaction runs under {@code SET TIMESTAMP}, so its binlog events carry the 2018 commit
     * time, and it reaches the domains through the capture like any other change.
     */
    static void seedStory(Connection service) throws SQLException {
        try (PreparedStatement check = service.prepareStatement("SELECT 1 FROM orders.orders WHERE id = 'o20180708-1'");
             ResultSet r = check.executeQuery()) {
            if (r.next()) {
                return; // written by an earlier run
            }
        }
        String pizzeria = "napoli-1";
        Instant lunch = Instant.parse("2018-07-08T10:30:00Z");
        Instant dinner = Instant.parse("2018-07-08T19:00:00Z");
        Instant refund = Instant.parse("2018-07-10T09:15:00Z");
        boolean autoCommit = service.getAutoCommit();
        service.setAutoCommit(false);
        try {
            at(service, lunch);
            insertOrder(service, "o20180708-1", pizzeria, "c1", lunch, "25.50");
            insertLine(service, "o20180708-1", 1, pizzeria, "margherita", 2, "8.50", lunch);
            insertLine(service, "o20180708-1", 2, pizzeria, "margherita", 1, "8.50", lunch);
            service.commit();
            at(service, dinner);
            insertOrder(service, "o20180708-2", pizzeria, "c1", dinner, "25.50");
            insertLine(service, "o20180708-2", 1, pizzeria, "margherita", 3, "8.50", dinner);
            service.commit();
            at(service, refund);
            refund(service, "o20180708-1", 2, refund);
            service.commit();
        } finally {
            try (Statement s = service.createStatement()) {
                s.execute("SET TIMESTAMP = DEFAULT");
            }
            service.setAutoCommit(autoCommit);
        }
    }

    /** Makes the session's clock (and its binlog events' timestamps) {@code t}. */
    private static void at(Connection c, Instant t) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TIMESTAMP = " + t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000));
        }
    }

    static void insertOrder(Connection c, String id, String pizzeria, String customer, Instant placed, String total) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO orders.orders (id, pizzeria_id, customer_id, status, placed_at, total, updated_at) VALUES (?, ?, ?, 'PLACED', ?, ?, ?)")) {
            p.setString(1, id);
            p.setString(2, pizzeria);
            p.setString(3, customer);
            p.setString(4, sql(placed));
            p.setBigDecimal(5, new java.math.BigDecimal(total));
            p.setString(6, sql(placed));
            p.executeUpdate();
        }
    }

    static void insertLine(Connection c, String order, int line, String pizzeria, String product, int quantity, String price, Instant placed)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO orders.order_lines (order_id, line_no, pizzeria_id, product_id, quantity,"
                + " unit_price, placed_at, refunded, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?)")) {
            p.setString(1, order);
            p.setInt(2, line);
            p.setString(3, pizzeria);
            p.setString(4, product);
            p.setInt(5, quantity);
            p.setBigDecimal(6, new java.math.BigDecimal(price));
            p.setString(7, sql(placed));
            p.setString(8, sql(placed));
            p.executeUpdate();
        }
    }

    static void refund(Connection c, String order, int line, Instant at) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE orders.order_lines SET refunded = TRUE, updated_at = ? WHERE order_id = ? AND line_no = ?")) {
            p.setString(1, sql(at));
            p.setString(2, order);
            p.setInt(3, line);
            p.executeUpdate();
        }
    }

    static void status(Connection c, String order, String status, Instant at) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE orders.orders SET status = ?, updated_at = ? WHERE id = ?")) {
            p.setString(1, status);
            p.setString(2, sql(at));
            p.setString(3, order);
            p.executeUpdate();
        }
    }

    static void writeOff(Connection c, String id, String pizzeria, String product, String quantity, String reason, Instant at)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO inventory.write_offs (id, pizzeria_id, product_id, quantity, unit,"
                + " reason, written_off_at) VALUES (?, ?, ?, ?, 'kg', ?, ?)")) {
            p.setString(1, id);
            p.setString(2, pizzeria);
            p.setString(3, product);
            p.setBigDecimal(4, new java.math.BigDecimal(quantity));
            p.setString(5, reason);
            p.setString(6, sql(at));
            p.executeUpdate();
        }
    }

    /** A TIMESTAMP(3) literal in UTC (connections run with time_zone '+00:00'). */
    static String sql(Instant t) {
        return SQL_TIME.format(t);
    }
}
