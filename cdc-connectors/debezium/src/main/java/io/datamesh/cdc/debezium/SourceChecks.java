package io.datamesh.cdc.debezium;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.datamesh.cdc.debezium.CaptureException.Reason;

/**
 * What the capture checks on its database, as its own user, before Debezium starts: it can log in
 * and replicate, the binlog is ROW with full row images, every captured table exists, may be read,
 * has a primary key (the raw record's key) and only columns the raw format carries. Each failure is
 * a {@link CaptureException} that names the table or column and the fix.
 */
final class SourceChecks {

    /**
     * Column types whose values the raw format cannot carry: bytes become base64 text in Debezium's
     * JSON, which a domain cannot tell from a text column (the format has no schema), and spatial
     * values are bytes too. Leave such a column out ({@code columns.exclude}) or store it as text.
     */
    static final Set<String> UNSUPPORTED_TYPES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
            "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection");

    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_DBACCESS_DENIED = 1044;
    private static final int ER_TABLEACCESS_DENIED = 1142;
    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_BAD_DB = 1049;
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final CaptureConfig config;

    SourceChecks(CaptureConfig config) {
        this.config = config;
    }

    /** What the checks learnt: primary keys of the tables in order, and the server's binlogs. */
    record Facts(Map<String, List<String>> primaryKeys, List<Map.Entry<String, Long>> binlogs, String version) {
    }

    /** Runs every check; returns what the capture needs to know. */
    Facts run() {
        try (Connection c = connect()) {
            String version = settings(c);
            List<Map.Entry<String, Long>> binlogs = binlogs(c);
            replicationGrant(c);
            Map<String, List<String>> keys = new LinkedHashMap<>();
            List<String> unsupported = new ArrayList<>();
            for (String table : config.tables()) {
                readable(c, table);
                keys.put(table, primaryKey(c, table));
                unsupported.addAll(unsupportedColumns(c, table));
            }
            if (!unsupported.isEmpty()) {
                throw new CaptureException(Reason.UNSUPPORTED_COLUMN, "capture " + config.serverName() + ": column" + (unsupported.size() > 1 ? "s " : " ")
                        + String.join(", ", unsupported) + " cannot be carried by the raw format (binary and spatial values would arrive as "
                        + "base64 text that a domain cannot tell from text); leave "
                        + (unsupported.size() > 1 ? "them" : "it") + " out with " + CaptureConfig.COLUMNS_EXCLUDE + "="
                        + String.join(",", unsupported.stream().map(u -> u.substring(config.database().length() + 1, u.indexOf(' '))).toList())
                        + ", or store the value as text");
            }
            return new Facts(keys, binlogs, version);
        } catch (SQLException e) {
            throw new CaptureException(Reason.UNREACHABLE, "capture " + config.serverName() + ": lost the connection to "
                    + config.host() + ":" + config.port() + " while checking it: " + e.getMessage(), e);
        }
    }

    /** The server's binlog files and sizes, oldest first ({@code SHOW BINARY LOGS}, needs BINLOG MONITOR). */
    List<Map.Entry<String, Long>> binlogs() {
        try (Connection c = connect()) {
            return binlogs(c);
        } catch (SQLException e) {
            throw new CaptureException(Reason.UNREACHABLE, "capture " + config.serverName() + ": cannot list the binlogs of "
                    + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a table now, for a snapshot's progress (exact: a snapshot is rare and a bar should end at 100 %). */
    long rowCount(String table) {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quoted(table))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new CaptureException(Reason.UNREACHABLE, "capture " + config.serverName() + ": cannot count the rows of "
                    + config.database() + "." + table + ": " + e.getMessage(), e);
        }
    }

    Connection connect() {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        p.setProperty("connectTimeout", "5000");
        String url = "jdbc:mariadb://" + config.host() + ":" + config.port() + "/";
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_ACCESS_DENIED) {
                throw new CaptureException(Reason.ACCESS_DENIED, "capture " + config.serverName() + ": user '" + config.user()
                        + "' may not log in to " + config.host() + ":" + config.port() + " (" + e.getMessage()
                        + "); check " + CaptureConfig.USER + " and " + CaptureConfig.PASSWORD + ", and create the user with CaptureGrants", e);
            }
            throw new CaptureException(Reason.UNREACHABLE, "capture " + config.serverName() + ": cannot reach the database at "
                    + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private String settings(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@version")) {
            rs.next();
            boolean logBin = rs.getInt(1) == 1;
            String format = rs.getString(2);
            String image = rs.getString(3);
            if (!logBin || !"ROW".equalsIgnoreCase(format) || !"FULL".equalsIgnoreCase(image)) {
                throw new CaptureException(Reason.BINLOG_SETTINGS, "capture " + config.serverName() + ": the server at "
                        + config.host() + ":" + config.port() + " has log_bin=" + (logBin ? "ON" : "OFF") + ", binlog_format=" + format
                        + ", binlog_row_image=" + image + "; CDC needs log_bin=ON, binlog_format=ROW and binlog_row_image=FULL");
            }
            return rs.getString(4);
        }
    }

    private List<Map.Entry<String, Long>> binlogs(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            List<Map.Entry<String, Long>> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(rs.getString(1), rs.getLong(2)));
            }
            return out;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED) {
                throw new CaptureException(Reason.ACCESS_DENIED, "capture " + config.serverName() + ": user '" + config.user()
                        + "' may not list the binlogs (" + e.getMessage() + "); grant it " + String.join(", ", CaptureGrants.GLOBAL)
                        + " ON *.*", e);
            }
            throw e;
        }
    }

    private void replicationGrant(Connection c) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                grants.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        boolean replicate = grants.stream().anyMatch(g -> g.contains(" ON *.*")
                && (g.contains("REPLICATION SLAVE") || g.contains("REPLICATION REPLICA") || g.contains("ALL PRIVILEGES")));
        if (!replicate) {
            throw new CaptureException(Reason.ACCESS_DENIED, "capture " + config.serverName() + ": user '" + config.user()
                    + "' may not read the binlog (no REPLICATION SLAVE ON *.*; it has " + grants + "); grant it "
                    + String.join(", ", CaptureGrants.GLOBAL) + " ON *.*");
        }
    }

    private void readable(Connection c, String table) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + quoted(table) + " LIMIT 0")) {
            rs.getMetaData();
        } catch (SQLException e) {
            String name = config.database() + "." + table;
            if (e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB) {
                throw new CaptureException(Reason.NO_TABLE, "capture " + config.serverName() + ": table " + name
                        + " does not exist; fix " + CaptureConfig.TABLES + " or create it", e);
            }
            if (e.getErrorCode() == ER_TABLEACCESS_DENIED || e.getErrorCode() == ER_DBACCESS_DENIED) {
                throw new CaptureException(Reason.ACCESS_DENIED, "capture " + config.serverName() + ": user '" + config.user()
                        + "' may not read " + name + " (" + e.getMessage() + "); grant it SELECT ON " + config.database() + ".*", e);
            }
            throw new CaptureException(Reason.UNREACHABLE, "capture " + config.serverName() + ": cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private List<String> primaryKey(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            s.setString(1, config.database());
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new CaptureException(Reason.NO_PRIMARY_KEY, "capture " + config.serverName() + ": table " + config.database() + "."
                    + table + " has no primary key; a raw record is keyed by the row's primary key, so add one "
                    + "(ALTER TABLE " + table + " ADD PRIMARY KEY (...)) or leave the table out of " + CaptureConfig.TABLES);
        }
        return columns;
    }

    private List<String> unsupportedColumns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            s.setString(1, config.database());
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    String type = rs.getString(2).toLowerCase(Locale.ROOT);
                    String full = rs.getString(3).toLowerCase(Locale.ROOT);
                    boolean bits = type.equals("bit") && !full.equals("bit(1)");
                    if ((UNSUPPORTED_TYPES.contains(type) || bits) && !config.excludedColumns().contains(table + "." + column)) {
                        out.add(config.database() + "." + table + "." + column + " (" + full + ")");
                    }
                }
            }
        }
        return out;
    }

    private String quoted(String table) {
        return "`" + config.database() + "`.`" + table + "`";
    }
}
