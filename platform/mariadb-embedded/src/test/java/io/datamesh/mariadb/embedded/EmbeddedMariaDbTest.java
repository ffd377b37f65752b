package io.datamesh.mariadb.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMariaDbTest {

    @Test
    void aRestartOnTheSameFolderKeepsDataBinlogsAndPort(@TempDir Path dir) {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().dir(dir).build().start()) {
            int port = db.port();
            db.createDatabase("shop");
            db.execute("CREATE TABLE shop.orders (id VARCHAR(20) PRIMARY KEY, total DECIMAL(8,2))",
                    "INSERT INTO shop.orders VALUES ('o1', 8.50)");
            List<Binlog> before = db.binlogs();

            db.stop();
            assertThat(db.isRunning()).isFalse();
            db.start();

            assertThat(db.port()).isEqualTo(port);
            assertThat(db.query("SELECT id, total FROM shop.orders"))
                    .containsExactly(Map.of("id", "o1", "total", new java.math.BigDecimal("8.50")));
            assertThat(db.binlogs()).extracting(Binlog::name)
                    .as("a restart opens a new binlog and keeps the old ones")
                    .containsAll(before.stream().map(Binlog::name).toList())
                    .hasSizeGreaterThan(before.size());
        }
        assertThat(dir).as("a folder given by the caller is kept").isNotEmptyDirectory();
    }

    @Test
    void theBinlogIsRowBasedWithFullRowImagesAndGtids() {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().serverId(42).build().start()) {
            db.createDatabase("shop");
            db.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");

            Map<String, Object> settings = db.query("SELECT @@log_bin AS log_bin, @@binlog_format AS format, "
                    + "@@binlog_row_image AS image, @@server_id AS server_id, @@gtid_binlog_pos AS gtid, "
                    + "@@log_bin_basename AS basename, @@bind_address AS bind").get(0);

            assertThat(settings).containsEntry("format", "ROW").containsEntry("image", "FULL").containsEntry("bind", "127.0.0.1");
            assertThat(((Number) settings.get("log_bin")).intValue()).isEqualTo(1);
            assertThat(((Number) settings.get("server_id")).longValue()).isEqualTo(42);
            assertThat((String) settings.get("gtid")).as("domain-server-sequence").matches("0-42-[0-9]+");
            assertThat((String) settings.get("basename")).endsWith("mariadb-bin");
            assertThat(db.binlogs()).first().extracting(Binlog::name).isEqualTo("mariadb-bin.000001");
        }
    }

    @Test
    void aSigkilledServerRestartsWithEveryCommittedRow() {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().build().start()) {
            db.createDatabase("shop");
            db.execute("CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(10))");
            for (int i = 1; i <= 50; i++) {
                db.execute("INSERT INTO shop.t VALUES (" + i + ", 'v" + i + "')");
            }
            long pid = db.pid().orElseThrow();

            db.kill();

            assertThat(ProcessHandle.of(pid)).as("the killed server is gone").isEmpty();
            db.start();
            assertThat(db.query("SELECT COUNT(*) AS n FROM shop.t").get(0).get("n")).isEqualTo(50L);
            db.execute("INSERT INTO shop.t VALUES (51, 'after')");
            assertThat(db.query("SELECT v FROM shop.t WHERE id = 51")).containsExactly(Map.of("v", "after"));
        }
    }

    @Test
    void twoServersRunSideBySideWithTheirOwnDataAndServerIds() {
        try (EmbeddedMariaDb left = EmbeddedMariaDb.builder().serverId(1).build().start();
             EmbeddedMariaDb right = EmbeddedMariaDb.builder().serverId(2).build().start()) {
            assertThat(left.port()).isNotEqualTo(right.port());
            left.createDatabase("shop");
            right.createDatabase("shop");
            left.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            right.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (2)");

            assertThat(left.query("SELECT id FROM shop.t")).containsExactly(Map.of("id", 1));
            assertThat(right.query("SELECT id FROM shop.t")).containsExactly(Map.of("id", 2));
            assertThat((String) left.query("SELECT @@gtid_binlog_pos AS g").get(0).get("g")).startsWith("0-1-");
            assertThat((String) right.query("SELECT @@gtid_binlog_pos AS g").get(0).get("g")).startsWith("0-2-");
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsTemporaryFolder() {
        EmbeddedMariaDb db = EmbeddedMariaDb.builder().build().start();
        long pid = db.pid().orElseThrow();
        Path dir = db.dir();

        db.close();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void purgingBinaryLogsLeavesOnlyANewCurrentFile() {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().build().start()) {
            db.createDatabase("shop");
            db.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            db.flushBinaryLogs();
            List<String> before = db.binlogs().stream().map(Binlog::name).toList();

            List<Binlog> purged = db.purgeBinaryLogs();

            assertThat(purged).extracting(Binlog::name).containsExactlyElementsOf(before);
            assertThat(db.binlogs()).hasSize(1).first().extracting(Binlog::name).isNotIn(before);
        }
    }

    @Test
    void usersGetExactlyTheGrantsAskedFor() throws Exception {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().build().start()) {
            db.createDatabase("shop");
            db.createDatabase("secret");
            db.createUser("reader", "pw", "SELECT ON shop.*");

            try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl("shop"), "reader", "pw"); var s = c.createStatement()) {
                s.executeQuery("SELECT 1 FROM information_schema.tables LIMIT 1").close();
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM secret.nothing"))
                        .hasMessageContaining("denied");
            }
        }
    }

    @Test
    void theMachinesPortAndBadNamesAreRefused() {
        assertThatThrownBy(() -> EmbeddedMariaDb.builder().port(3306))
                .hasMessage("port 3306 belongs to the machine's own MariaDB; choose another, e.g. 3307");
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().build()) {
            assertThatThrownBy(() -> db.createDatabase("a; DROP DATABASE mysql"))
                    .hasMessageContaining("database name must be 1 to 64 letters, digits or '_'");
        }
    }
}
