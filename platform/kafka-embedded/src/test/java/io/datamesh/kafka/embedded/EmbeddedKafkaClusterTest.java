package io.datamesh.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Three KRaft nodes in one JVM: topics really have 3 replicas, and losing one node loses nothing acknowledged.
 * Alone in its JVM while it runs: this module runs its test classes side by side, and three more brokers beside
 * theirs, on two cores, were more than the suite's brokers could share.
 */
@Isolated
class EmbeddedKafkaClusterTest {

    @Test
    void aTopicHasThreeReplicasAndSurvivesTheLossOfANode() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            String bootstrap = cluster.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("cluster-test", 3, (short) 3))).all().get();
                TopicDescription d = admin.describeTopics(Set.of("cluster-test")).allTopicNames().get().get("cluster-test");
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("cluster-test", "k" + i, "before-" + i)).get();
                }
                cluster.node(1).close();
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("cluster-test", "k" + i, "after-" + i)).get();
                }
            }
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = List.of(new TopicPartition("cluster-test", 0), new TopicPartition("cluster-test", 1),
                        new TopicPartition("cluster-test", 2));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (values.size() < 200 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertThat(values).hasSize(200).doesNotHaveDuplicates();
        }
    }
}
