package io.datamesh.amqp.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the bus bridge needs from the embedded broker, spoken with RabbitMQ's own Java client. */
class EmbeddedAmqpBrokerTest {

    @RegisterExtension
    static final EmbeddedAmqpExtension AMQP_BROKER = new EmbeddedAmqpExtension();

    private static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP_BROKER.amqpUri());
        return factory.newConnection("embedded-amqp-test");
    }

    @Test
    void rabbitClientPublishesToATopicExchangeAndConsumesWithManualAcks() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            assertThat(connection.getServerProperties().get("product").toString()).containsIgnoringCase("qpid");
            channel.exchangeDeclare("kitchen", BuiltinExchangeType.TOPIC, true);
            channel.queueDeclare("mesh.kitchen.pizza-events", true, false, false, Map.of());
            channel.queueBind("mesh.kitchen.pizza-events", "kitchen", "pizza.#");

            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("p1:ORDERED").deliveryMode(2).build();
            channel.basicPublish("kitchen", "pizza.ordered", props, "{\"pizza_id\":\"p1\"}".getBytes(StandardCharsets.UTF_8));
            channel.basicPublish("kitchen", "oven.heated", props, "{}".getBytes(StandardCharsets.UTF_8));

            GetResponse got = awaitMessage(channel, "mesh.kitchen.pizza-events");
            assertThat(got.getProps().getMessageId()).isEqualTo("p1:ORDERED");
            assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("pizza.ordered");
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"pizza_id\":\"p1\"}");
            channel.basicAck(got.getEnvelope().getDeliveryTag(), true);
            assertThat(channel.basicGet("mesh.kitchen.pizza-events", false)).as("the unbound routing key is not routed here").isNull();
            channel.queueDelete("mesh.kitchen.pizza-events");
            channel.exchangeDelete("kitchen");
        }
    }

    @Test
    void aMessageGivenUpOnAsOftenAsTheDeliveryCountGoesToTheAlternateExchange() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("mesh.orders.dlx", BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare("mesh.orders.dlx", true, false, false, Map.of());
            channel.queueBind("mesh.orders.dlx", "mesh.orders.dlx", "");
            channel.queueDeclare("mesh.orders.lines", true, false, false,
                    Map.of("x-qpid-maximum-delivery-count", 2, "alternateExchange", "mesh.orders.dlx"));
            channel.basicPublish("", "mesh.orders.lines", new AMQP.BasicProperties.Builder().messageId("m1").build(), new byte[] {1});

            // Qpid's reading of reject without requeue (as its JMS client uses it): the message stays with the
            // channel until a recover delivers it again; once delivered as often as the count, it is dead-lettered.
            int deliveries = 0;
            GetResponse got;
            while ((got = channel.basicGet("mesh.orders.lines", false)) != null && deliveries < 10) {
                deliveries++;
                channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
                channel.basicRecover(true);
            }
            GetResponse dead = awaitMessage(channel, "mesh.orders.dlx");
            assertThat(deliveries).isEqualTo(2);
            assertThat(dead.getProps().getMessageId()).isEqualTo("m1");
            channel.basicAck(dead.getEnvelope().getDeliveryTag(), false);
            channel.queueDelete("mesh.orders.lines");
            channel.queueDelete("mesh.orders.dlx");
            channel.exchangeDelete("mesh.orders.dlx");
        }
    }

    @Test
    void aTakenPortIsRefusedWithItsAddress() {
        EmbeddedAmqpBroker second = EmbeddedAmqpBroker.builder().port(AMQP_BROKER.broker().port()).build();
        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + AMQP_BROKER.broker().port()).hasMessageContaining("taken");
        assertThat(EmbeddedAmqpBroker.answers("127.0.0.1", AMQP_BROKER.broker().port(), Duration.ofSeconds(1))).isTrue();
    }

    private static GetResponse awaitMessage(Channel channel, String queue) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(queue, false);
            if (r != null) {
                return r;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no message on " + queue + " within 10 s");
    }
}
