package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The forwarder's connections: pooled and kept alive, replaced when the other side dropped them, bounded in time. */
class ForwarderTest {

    @Test
    void requestsOneAfterAnotherShareOneKeptAliveConnection() throws Exception {
        try (FakeInstance instance = new FakeInstance(Duration.ZERO, false);
             Forwarder forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            for (int i = 0; i < 50; i++) {
                Answer a = forwarder.get(instance.url(), "/domains/d/views/v/keys/k" + i + "?validAt=2018-07-08", Map.of("Mesh-Scope", "local"));
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json()).isEqualTo("{\"path\":\"/domains/d/views/v/keys/k" + i + "?validAt=2018-07-08\"}");
                assertThat(a.headers()).containsEntry(QueryService.INSTANCE, "fake:1");
            }
            assertThat(instance.connections()).isEqualTo(1);
        }
    }

    @Test
    void concurrentRequestsOpenAConnectionEachAndKeepThemForTheNext() throws Exception {
        try (FakeInstance instance = new FakeInstance(Duration.ofMillis(200), false);
             Forwarder forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Answer>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(forwarder.getAsync(instance.url(), "/x/slow", Map.of()));
                }
                for (CompletableFuture<Answer> a : answers) {
                    assertThat(a.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
            }
            assertThat(instance.connections()).isEqualTo(8);
        }
    }

    @Test
    void aConnectionTheInstanceDroppedWhileIdleIsReplacedWithoutAFailure() throws Exception {
        try (FakeInstance instance = new FakeInstance(Duration.ZERO, true);
             Forwarder forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            for (int i = 0; i < 5; i++) {
                assertThat(forwarder.get(instance.url(), "/k" + i, Map.of()).json()).isEqualTo("{\"path\":\"/k" + i + "\"}");
                Thread.sleep(100); // the instance drops the connection 20 ms after answering
            }
            assertThat(instance.connections()).isEqualTo(5);
        }
    }

    @Test
    void anInstanceThatIsGoneOrTooSlowIsAnIOException() throws Exception {
        try (FakeInstance instance = new FakeInstance(Duration.ofSeconds(3), false);
             Forwarder forwarder = new Forwarder(Duration.ofSeconds(2), Duration.ofMillis(300))) {
            assertThatThrownBy(() -> forwarder.get(instance.url(), "/x/slow", Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining("no answer from " + instance.url() + " within 300 ms");
            String gone = instance.url();
            assertThat(forwarder.get(gone, "/fast", Map.of()).status()).as("a fresh connection after the timed-out one").isEqualTo(200);
            instance.close();
            assertThatThrownBy(() -> forwarder.get(gone, "/fast", Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining(gone);
        }
    }
}
