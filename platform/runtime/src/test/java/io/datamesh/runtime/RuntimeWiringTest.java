package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.datamesh.sdk.testing.DomainTestDriver;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime and the SDK's test driver run a domain with the same settings: the runtime adds
 * only what belongs to one deployment. A setting added to the runtime's wiring and not to
 * {@code DomainStreams} (so not to the driver) fails here.
 */
class RuntimeWiringTest {

    /** What a deployment sets on top of the domain's settings, and nothing else. */
    static final Set<String> DEPLOYMENT_KEYS = Set.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
            StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.NUM_STREAM_THREADS_CONFIG, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
            StreamsConfig.REPLICATION_FACTOR_CONFIG, StreamsConfig.topicPrefix("min.insync.replicas"), StreamsConfig.APPLICATION_SERVER_CONFIG);

    @TempDir
    Path state;

    @Test
    void theRuntimeRunsTheDriversSettingsPlusItsDeploymentsOnly() {
        DomainRuntime runtime = DomainRuntime.of(new OrdersDomain(), RuntimeSettings.builder("127.0.0.1:1", state).build());
        Properties deployed = runtime.streamsProperties(Optional.of("127.0.0.1:8080"));
        try (DomainTestDriver driver = DomainTestDriver.of(new OrdersDomain())) {
            Map<String, Object> tested = driver.streamsSettings();

            Set<String> deployedKeys = new HashSet<>();
            deployed.keySet().forEach(k -> deployedKeys.add((String) k)); // not stringPropertyNames(): values are objects too
            Set<String> onlyDeployed = new HashSet<>(deployedKeys);
            onlyDeployed.removeAll(tested.keySet());
            assertThat(onlyDeployed).as("settings the runtime has and the driver has not").isSubsetOf(DEPLOYMENT_KEYS);
            Set<String> onlyTested = new HashSet<>(tested.keySet());
            onlyTested.removeAll(deployedKeys);
            assertThat(onlyTested).as("settings the driver has and the runtime has not").isEmpty();

            tested.forEach((key, value) -> {
                if (key.equals(StreamsConfig.STATE_DIR_CONFIG)) {
                    return; // each has its own folder
                }
                if (key.equals(DeadLetterCounts.CONFIG_KEY)) {
                    assertThat(deployed.get(key)).isSameAs(runtime.deadLetters());
                } else if (key.equals(ProductMetrics.CONFIG_KEY)) {
                    assertThat(deployed.get(key)).isSameAs(runtime.products());
                } else if (key.equals(io.datamesh.sdk.ViewStores.CONFIG_KEY)) {
                    assertThat(deployed.get(key)).as("what the runtime's queries read").isSameAs(runtime.views());
                } else {
                    assertThat(deployed.get(key)).as(key).isEqualTo(value);
                }
            });
        }
    }

    @Test
    void theRuntimesSizeLimitByDefaultIsTheDriversByDefault() {
        DomainRuntime runtime = DomainRuntime.of(new OrdersDomain(), RuntimeSettings.builder("127.0.0.1:1", state).build());
        try (DomainTestDriver driver = DomainTestDriver.of(new OrdersDomain())) {
            String key = StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
            assertThat(runtime.streamsProperties(Optional.empty()).get(key)).isEqualTo(driver.streamsSettings().get(key));
        }
    }
}
