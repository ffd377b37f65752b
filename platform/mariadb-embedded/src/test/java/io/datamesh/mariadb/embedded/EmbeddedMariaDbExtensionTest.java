package io.datamesh.mariadb.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedMariaDbExtensionTest {

    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perClass();

    private static final List<String> seen = new ArrayList<>();

    @Test
    @Order(1)
    void eachTestHasADatabaseOfItsOwn(EmbeddedMariaDb server) {
        String db = MARIADB.database();
        assertThat(db).startsWith("t_eachtesthasadatabaseofitsown_");
        assertThat(MARIADB.database()).as("the same one within a test").isEqualTo(db);
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
        seen.add(db);
        seen.add(MARIADB.newDatabase("another"));
    }

    @Test
    @Order(2)
    void theDatabasesOfAFinishedTestAreDropped(EmbeddedMariaDb server) {
        List<Object> databases = server.query("SHOW DATABASES").stream().map(r -> r.values().iterator().next()).toList();
        assertThat(databases).doesNotContainAnyElementsOf(seen).contains("mysql");
        assertThat(MARIADB.database()).isNotIn(seen);
    }

    @AfterAll
    static void theServerStopsAfterTheClass() {
        assertThat(seen).hasSize(2);
    }
}
