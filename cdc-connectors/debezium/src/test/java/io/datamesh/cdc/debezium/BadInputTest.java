package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a capture refuses at start, each with the table or column and the fix. */
class BadInputTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    private CaptureFixture fixture() {
        return new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefused() {
        CaptureFixture f = fixture();
        f.sql("CREATE TABLE events (at DATETIME NOT NULL, what VARCHAR(20))");

        assertThatThrownBy(() -> Capture.start(f.config("events")))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.NO_PRIMARY_KEY))
                .hasMessage("capture " + f.domain + "-db: table " + f.database + ".events has no primary key; a raw record is keyed by "
                        + "the row's primary key, so add one (ALTER TABLE events ADD PRIMARY KEY (...)) or leave the table out of tables");
    }

    @Test
    void aColumnTheRawFormatCannotCarryIsRefusedUntilItIsLeftOut() {
        CaptureFixture f = fixture();
        f.sql("CREATE TABLE menu (id INT PRIMARY KEY, name VARCHAR(40), photo MEDIUMBLOB, flags BIT(8), spicy BIT(1))",
                "INSERT INTO menu VALUES (1, 'margherita', x'89504E47', b'00000101', b'1')");

        assertThatThrownBy(() -> Capture.start(f.config("menu")))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.UNSUPPORTED_COLUMN))
                .hasMessageContaining("columns " + f.database + ".menu.photo (mediumblob), " + f.database + ".menu.flags (bit(8)) cannot be carried")
                .hasMessageContaining("leave them out with columns.exclude=menu.photo,menu.flags");

        try (Capture capture = Capture.start(f.config("menu", CaptureConfig.COLUMNS_EXCLUDE, "menu.photo,menu.flags"))) {
            List<CaptureFixture.Raw> records = f.read(f.domain + ".raw.menu", 1, Duration.ofSeconds(60));
            assertThat(records.get(0).value()).contains("\"name\":\"margherita\"").doesNotContain("photo").doesNotContain("flags");
            assertThat(records.get(0).event().row().flag("spicy", false)).as("BIT(1) is a flag").isTrue();
        }
    }

    @Test
    void aDatabaseTheCaptureUserMayNotReadIsRefused() {
        CaptureFixture f = fixture();
        String other = MARIADB.newDatabase("other");
        MARIADB.server().execute("CREATE TABLE " + other + ".secrets (id INT PRIMARY KEY)");
        CaptureFixture intruder = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), other);

        assertThatThrownBy(() -> Capture.start(intruder.config("secrets", CaptureConfig.USER, f.user)))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.ACCESS_DENIED))
                .hasMessageContaining("user '" + f.user + "' may not read " + other + ".secrets")
                .hasMessageContaining("grant it SELECT ON " + other + ".*");
    }

    @Test
    void aUserWithoutReplicationGrantsIsRefused() {
        CaptureFixture f = fixture();
        f.sql("CREATE TABLE t (id INT PRIMARY KEY)");
        MARIADB.server().createUser("reader_only", "pw", "SELECT ON " + f.database + ".*");

        assertThatThrownBy(() -> Capture.start(f.config("t", CaptureConfig.USER, "reader_only", CaptureConfig.PASSWORD, "pw")))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.ACCESS_DENIED))
                .hasMessageContaining("user 'reader_only' may not list the binlogs")
                .hasMessageContaining("grant it REPLICATION SLAVE, BINLOG MONITOR, RELOAD ON *.*");
    }

    @Test
    void aMissingTableAndAWrongPasswordAreRefused() {
        CaptureFixture f = fixture();
        assertThatThrownBy(() -> Capture.start(f.config("nothing_here")))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.NO_TABLE))
                .hasMessageContaining("table " + f.database + ".nothing_here does not exist");
        assertThatThrownBy(() -> Capture.start(f.config("nothing_here", CaptureConfig.PASSWORD, "wrong")))
                .isInstanceOfSatisfying(CaptureException.class, e -> assertThat(e.reason()).isEqualTo(CaptureException.Reason.ACCESS_DENIED))
                .hasMessageContaining("user '" + f.user + "' may not log in");
    }
}
