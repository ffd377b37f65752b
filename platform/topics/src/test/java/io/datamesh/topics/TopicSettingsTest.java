package io.datamesh.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    @Test
    void defaultsSuitTheOneNodeDevBroker() {
        assertThat(TopicSettings.defaults())
                .isEqualTo(new TopicSettings((short) 1, 1, 3, Duration.ofDays(7), Duration.ofDays(30)));
    }

    @Test
    void valuesAreParsedAndValidated() {
        assertThat(TopicSettings.from(Map.of("topics.replication.factor", "3", "topics.min.insync.replicas", "2",
                "topics.raw.retention.ms", "-1")))
                .isEqualTo(new TopicSettings((short) 3, 2, 3, null, Duration.ofDays(30)));
    }

    @Test
    void aBadValueIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> TopicSettings.from(Map.of("topics.partitions", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.partitions");
        assertThatThrownBy(() -> TopicSettings.from(Map.of("topics.min.insync.replicas", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.min.insync.replicas")
                .hasMessageContaining("must be between 1 and topics.replication.factor (1)");
    }

    @Test
    void specsFollowDesignPerKind() {
        TopicSettings s = TopicSettings.defaults();
        assertThat(TopicSpec.of(TopicNames.product("orders", "orders", 1), s).configs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cleanup.policy", "delete", "retention.ms", "-1", "min.insync.replicas", "1"));
        assertThat(TopicSpec.of(TopicNames.raw("orders", "orders"), s).configs())
                .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "604800000");
        assertThat(TopicSpec.of(TopicNames.deadLetters("orders"), s).configs())
                .containsEntry("retention.ms", "2592000000");
        assertThat(TopicSpec.of(TopicNames.changelog("orders", "views", "orders-by-id"), s).configs())
                .containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
    }
}
