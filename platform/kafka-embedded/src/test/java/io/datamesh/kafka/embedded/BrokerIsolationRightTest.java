package io.datamesh.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs concurrently with its twin (see junit-platform.properties): both create the same topic name
 * and write their own record. With a broker each, both creations succeed and each sees only its own.
 */
class BrokerIsolationRightTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @Test
    void sameTopicNameInAnotherClassDoesNotCollide() throws Exception {
        TestClients.createTopic(KAFKA.broker(), "isolation.raw.shared-name");
        TestClients.send(KAFKA.broker(), "isolation.raw.shared-name", "side", "Right");

        assertThat(TestClients.readAll(KAFKA.broker(), "isolation.raw.shared-name", "read_committed", 2, Duration.ofSeconds(3)))
                .extracting(ConsumerRecord::value)
                .containsExactly("Right");
    }
}
