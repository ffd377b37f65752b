package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of orders without standbys: when one is killed -9, its keys get 503 with
 * Retry-After (never a 404 or a wrong answer) until the group has moved its partitions to the
 * survivor and restored them, and then the right answers again.
 */
class QueryWithoutStandbyTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    @Test
    void withoutAStandbyTheKeysOfAKilledOwnerAre503UntilTheSurvivorHasThem() throws Exception {
        try (TwoInstanceQueries two = new TwoInstanceQueries(KAFKA, dir, 0)) {
            two.writeOrders();
            Map<String, String> owners = two.awaitBothOwnKeys();
            String bInstance = owners.values().stream().filter(v -> !v.equals(two.aInstance())).findFirst().orElseThrow();
            List<String> bKeys = TwoInstanceQueries.keysOwnedBy(owners, bInstance);

            two.killB();
            TwoInstanceQueries.Reply first = TwoInstanceQueries.get(two.aUrl(), bKeys.get(0));
            assertThat(first.status()).as("owner dead, no standby: " + first.body()).isEqualTo(503);
            assertThat(first.retryAfter()).isNotNull();
            assertThat(first.body().path("message").asText()).contains("no standby");

            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            List<String> pending = new ArrayList<>(bKeys);
            while (!pending.isEmpty()) {
                assertThat(System.nanoTime()).as("the survivor answers every key within 120 s; statuses seen " + seen).isLessThan(deadline);
                String key = pending.get(0);
                TwoInstanceQueries.Reply r = TwoInstanceQueries.get(two.aUrl(), key);
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(String.valueOf(r.status()))) {
                    seen.add(String.valueOf(r.status()));
                }
                if (r.status() == 503) {
                    assertThat(r.retryAfter()).isNotNull();
                    Thread.sleep(500); // as Retry-After asks, a little sooner
                    continue;
                }
                assertThat(r.status()).as(key + ": " + r.body()).isEqualTo(200);
                assertThat(r.instance()).isEqualTo(two.aInstance());
                assertThat(r.servedBy()).isEqualTo("active");
                int i = Integer.parseInt(key.substring(1));
                assertThat(r.body().path("version").path("payload").path("total").asText()).isEqualTo(i + ".50");
                pending.remove(0);
            }
            assertThat(seen).startsWith("503").endsWith("200");
        }
    }
}
