package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of orders with a standby replica of each view: each answers every key (forwarding
 * to the owner), a range spans both, and when one is killed -9 the other keeps answering its keys
 * from the standby, saying so in {@code Mesh-Served-By}, before the group has even noticed.
 */
class QueryStandbyTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    @Test
    void keysOfEitherInstanceAreAnsweredByBothAndByAStandbyWhenTheirOwnerIsKilled() throws Exception {
        try (TwoInstanceQueries two = new TwoInstanceQueries(KAFKA, dir, 1)) {
            two.writeOrders();
            Map<String, String> owners = two.awaitBothOwnKeys();
            String bInstance = owners.values().stream().filter(v -> !v.equals(two.aInstance())).findFirst().orElseThrow();

            for (int i = 0; i < TwoInstanceQueries.ORDERS; i++) {
                TwoInstanceQueries.Reply r = TwoInstanceQueries.get(two.bUrl, "o" + i);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.instance()).as("o" + i + " read where it lives").isEqualTo(owners.get("o" + i));
                assertThat(r.servedBy()).isEqualTo("active");
                assertThat(r.body().path("version").path("payload").path("total").asText()).isEqualTo(i + ".50");
            }
            // A time past the year 9999 reaches the owner as asked: a '+' in a forwarded query must be encoded, or it reads as a space.
            String aKey = owners.entrySet().stream().filter(e -> e.getValue().equals(two.aInstance())).map(Map.Entry::getKey).findFirst().orElseThrow();
            TwoInstanceQueries.Reply farFuture = TwoInstanceQueries.getPath(two.bUrl, "/domains/orders/views/orders-by-id/keys/" + aKey
                    + "?validAt=%2B10000-01-01T00:00:00Z&knownAt=2018-07-09T00:00:00.000000001Z");
            assertThat(farFuture.status()).as(farFuture.body().toString()).isEqualTo(200);
            assertThat(farFuture.instance()).isEqualTo(two.aInstance());
            assertThat(farFuture.body().path("validAt").asText()).isEqualTo("+10000-01-01T00:00:00Z");
            TwoInstanceQueries.Reply range = TwoInstanceQueries.getPath(two.aUrl(), "/domains/orders/views/orders-by-id/keys?limit=1000");
            assertThat(range.body().path("items")).hasSize(TwoInstanceQueries.ORDERS);

            meshQueryPrintsTablesJsonAndOneLineErrors(two.bUrl);

            Output domains = mesh("domains", "--bootstrap-servers", KAFKA.bootstrapServers());
            assertThat(domains.code).isZero();
            assertThat(domains.out.lines().filter(l -> l.startsWith("orders "))).singleElement().satisfies(l ->
                    assertThat(l.split("\\s+")).startsWith("orders", "RUNNING", "2"));
            assertThat(domains.out).contains("orders.product.orders.v1", "orders.product.order-lines.v1", "days"); // recorded in 2018

            Thread.sleep(2000); // standbys follow the changelogs; give them a moment past the last commit
            String placement = "A active " + two.a.activePartitions() + ", A standby " + two.a.standbyPartitions();
            two.killB();
            List<String> bKeys = TwoInstanceQueries.keysOwnedBy(owners, bInstance);
            assertThat(bKeys).isNotEmpty();
            for (String key : bKeys) {
                TwoInstanceQueries.Reply r = TwoInstanceQueries.get(two.aUrl(), key);
                assertThat(r.status()).as(key + " with its owner dead: " + r.body() + "; " + placement).isEqualTo(200);
                assertThat(r.servedBy()).isEqualTo("standby");
                assertThat(r.instance()).isEqualTo(two.aInstance());
                assertThat(r.lag()).isNotNull();
                int i = Integer.parseInt(key.substring(1));
                assertThat(r.body().path("version").path("payload").path("total").asText()).isEqualTo(i + ".50");
            }
            TwoInstanceQueries.Reply all = TwoInstanceQueries.getPath(two.aUrl(), "/domains/orders/views/orders-by-id/keys?limit=1000");
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.body().path("items")).hasSize(TwoInstanceQueries.ORDERS);
            assertThat(all.servedBy()).isEqualTo("standby");
        }
    }

    private static void meshQueryPrintsTablesJsonAndOneLineErrors(String url) throws Exception {
        Output key = mesh("query", "--url", url, "key", "orders", "orders-by-id", "o7", "--known-at", "2018-07-09");
        assertThat(key.code).isZero();
        assertThat(key.out).startsWith("key").contains("o7", "2018-07-08T10:00:07Z", "UPSERT", "\"total\":\"7.50\"");

        Output json = mesh("query", "--url", url, "--json", "history", "orders", "orders-by-id", "o7");
        assertThat(json.code).isZero();
        assertThat(TwoInstanceQueries.JSON.readTree(json.out).path("versions")).hasSize(1);

        Output range = mesh("query", "--url", url, "range", "orders", "orders-by-id", "--limit", "7", "--all");
        assertThat(range.code).isZero();
        assertThat(range.out.lines().filter(l -> l.startsWith("o"))).hasSize(TwoInstanceQueries.ORDERS);

        Output domains = mesh("query", "--url", url, "domains");
        assertThat(domains.out).contains("orders", "orders-by-id", "orders.product.orders.v1");

        Output unknown = mesh("query", "--url", url, "key", "orders", "nope", "o7");
        assertThat(unknown.code).isNotZero();
        assertThat(unknown.err.lines()).hasSize(1);
        assertThat(unknown.err).startsWith("mesh: no view 'nope'");

        Output future = mesh("query", "--url", url, "key", "orders", "orders-by-id", "o7", "--known-at", "2999-01-01");
        assertThat(future.code).isNotZero();
        assertThat(future.err).contains("knownAt", "future");

        Output nobody = mesh("query", "--url", "http://127.0.0.1:1", "domains");
        assertThat(nobody.err).startsWith("mesh: nothing answers at http://127.0.0.1:1");
    }

    record Output(int code, String out, String err) {
    }

    static Output mesh(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Mesh.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args);
        return new Output(code, out.toString(), err.toString());
    }
}
