package io.datamesh.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaTransactionsTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
        String topic = "tx.raw.payments";
        TestClients.createTopic(KAFKA.broker(), topic);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k3", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k4", "committed-3"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> committed =
                TestClients.readAll(KAFKA.broker(), topic, "read_committed", 3, Duration.ofSeconds(30));
        assertThat(committed).extracting(ConsumerRecord::value)
                .containsExactly("committed-1", "committed-2", "committed-3");

        List<ConsumerRecord<String, String>> uncommitted =
                TestClients.readAll(KAFKA.broker(), topic, "read_uncommitted", 4, Duration.ofSeconds(30));
        assertThat(uncommitted).extracting(ConsumerRecord::value)
                .containsExactly("committed-1", "committed-2", "aborted", "committed-3");
    }

    @Test
    void parameterResolutionGivesTheRunningBroker(EmbeddedKafka kafka) {
        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).isEqualTo(KAFKA.bootstrapServers()).startsWith("127.0.0.1:");
    }
}
