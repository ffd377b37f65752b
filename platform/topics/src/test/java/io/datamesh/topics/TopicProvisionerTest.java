package io.datamesh.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicProvisionerTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private final TopicSettings settings = TopicSettings.defaults();
    private Admin admin;
    private TopicProvisioner provisioner;

    @BeforeEach
    void connect() {
        admin = KAFKA.broker().admin();
        provisioner = new TopicProvisioner(admin, 30_000);
    }

    @AfterEach
    void disconnect() {
        admin.close();
    }

    @Test
    void createsEachKindWithTheSettingsDesignGives() throws Exception {
        TopicSpec product = TopicSpec.of(TopicNames.product("create", "orders", 1), settings);
        TopicSpec raw = TopicSpec.of(TopicNames.raw("create", "orders"), 2, settings);
        TopicSpec dlq = TopicSpec.of(TopicNames.deadLetters("create"), 1, settings);
        TopicSpec changelog = TopicSpec.of(TopicNames.changelog("create", "views", "orders-by-id"), settings);

        ProvisionReport report = provisioner.ensure(List.of(product, raw, dlq, changelog));

        assertThat(report.created()).containsExactlyInAnyOrder("create.product.orders.v1", "create.raw.orders",
                "create.dlq", "create.views-orders-by-id-changelog");
        assertThat(report.drifts()).isEmpty();
        assertThat(config("create.product.orders.v1")).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1")
                .containsEntry("min.insync.replicas", "1");
        assertThat(config("create.raw.orders")).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "604800000");
        assertThat(config("create.dlq")).containsEntry("retention.ms", "2592000000");
        assertThat(config("create.views-orders-by-id-changelog")).containsEntry("cleanup.policy", "compact");
        assertThat(admin.describeTopics(Set.of("create.raw.orders")).allTopicNames().get()
                .get("create.raw.orders").partitions()).hasSize(2);
    }

    @Test
    void ensuringTwiceCreatesOnceAndReportsNoDrift() {
        List<TopicSpec> specs = List.of(TopicSpec.of(TopicNames.product("twice", "orders", 1), settings),
                TopicSpec.of(TopicNames.deadLetters("twice"), settings));

        ProvisionReport first = provisioner.ensure(specs);
        ProvisionReport second = provisioner.ensure(specs);

        assertThat(first.created()).hasSize(2);
        assertThat(second.created()).isEmpty();
        assertThat(second.unchanged()).containsExactlyInAnyOrder("twice.product.orders.v1", "twice.dlq");
        assertThat(second.clean()).isTrue();
    }

    @Test
    void anExistingTopicWithOtherSettingsIsReportedByNameAndSettingAndLeftAlone() throws Exception {
        admin.createTopics(List.of(new NewTopic("drift.product.orders.v1", 1, (short) 1)
                .configs(Map.of("retention.ms", "86400000", "cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);

        ProvisionReport report = provisioner.ensure(List.of(TopicSpec.of(TopicNames.product("drift", "orders", 1), settings)));

        assertThat(report.created()).isEmpty();
        assertThat(report.drifts()).containsExactlyInAnyOrder(
                new TopicDrift("drift.product.orders.v1", "partitions", "3", "1"),
                new TopicDrift("drift.product.orders.v1", "retention.ms", "-1", "86400000"));
        assertThat(report.drifts().get(0).toString())
                .isEqualTo("topic drift.product.orders.v1: partitions is 1, conventions want 3");
        assertThat(config("drift.product.orders.v1")).containsEntry("retention.ms", "86400000");
        assertThat(admin.describeTopics(Set.of("drift.product.orders.v1")).allTopicNames().get()
                .get("drift.product.orders.v1").partitions()).hasSize(1);
    }

    private Map<String, String> config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return config.entries().stream().filter(e -> e.value() != null)
                .collect(java.util.stream.Collectors.toMap(e -> e.name(), e -> e.value()));
    }
}
