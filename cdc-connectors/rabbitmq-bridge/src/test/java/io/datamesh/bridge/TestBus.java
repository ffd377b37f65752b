package io.datamesh.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.datamesh.amqp.embedded.EmbeddedAmqpBroker;
import io.datamesh.bridge.BridgeConfig.Feed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of a test: the real RabbitMQ on 127.0.0.1:5672 where one listens (development machines and
 * CI have one), else an embedded Qpid broker on a free port. Each test uses domains of its own
 * ({@link #uniqueDomain}), and {@link #close()} deletes every exchange and queue their bridges declared.
 */
final class TestBus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TestBus.class);

    private final String uri;
    private final EmbeddedAmqpBroker embedded;
    private final Connection connection;
    private final Channel channel;
    private final List<BridgeConfig> domains = new ArrayList<>();

    private TestBus(String uri, EmbeddedAmqpBroker embedded) throws IOException, TimeoutException {
        this.uri = uri;
        this.embedded = embedded;
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        this.connection = f.newConnection("bridge-test");
        this.channel = connection.createChannel();
        channel.confirmSelect();
    }

    /** RabbitMQ on 5672 if it answers, else an embedded broker. */
    static TestBus start() {
        try {
            if (EmbeddedAmqpBroker.answers("127.0.0.1", 5672, Duration.ofSeconds(1))) {
                return new TestBus(RabbitBridge.DEFAULT_AMQP_URI, null);
            }
            log.warn("No RabbitMQ on 127.0.0.1:5672: the bridge's tests run against the embedded Qpid broker");
            EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.builder().build().start();
            return new TestBus(broker.amqpUri(), broker);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot reach the test bus: " + e, e);
        }
    }

    /** The embedded broker on a free port, whatever listens on 5672. */
    static TestBus embedded() {
        EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.builder().build().start();
        try {
            return new TestBus(broker.amqpUri(), broker);
        } catch (IOException | TimeoutException e) {
            broker.close();
            throw new IllegalStateException("cannot reach the embedded broker: " + e, e);
        }
    }

    String uri() {
        return uri;
    }

    boolean isRabbitMq() {
        return connection.getServerProperties().get("product").toString().contains("RabbitMQ");
    }

    /** A domain name no other test and no running platform uses, e.g. {@code bt3f9a0c12}. */
    static String uniqueDomain(String prefix) {
        return prefix + String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    /** A one-feed config of a fresh domain, its exchange the domain's name, remembered for clean-up. */
    BridgeConfig domain(String prefix, String raw, String routingKeys, String keyField, Map<String, String> more) {
        Properties p = new Properties();
        String domain = uniqueDomain(prefix);
        p.setProperty("domain", domain);
        p.setProperty("raws", raw);
        p.setProperty("raw." + raw + ".routing.keys", routingKeys);
        p.setProperty("raw." + raw + ".key.field", keyField);
        more.forEach(p::setProperty);
        BridgeConfig config = BridgeConfig.from(p);
        domains.add(config);
        return config;
    }

    /** Publishes with publisher confirms: returns once the broker has the message. */
    void publish(String exchange, String routingKey, String messageId, Instant timestamp, String body) {
        AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2)
                .contentType("application/json");
        if (timestamp != null) {
            props.timestamp(Date.from(timestamp));
        }
        try {
            channel.basicPublish(exchange, routingKey, props.build(), body.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + exchange + ": " + e, e);
        }
    }

    /** Messages ready in {@code queue} (not delivered to a consumer, or returned). */
    long ready(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new IllegalStateException("no queue " + queue + ": " + e, e);
        }
    }

    /** One message from {@code queue}, not acknowledged, or null. */
    GetResponse get(String queue) throws IOException {
        return channel.basicGet(queue, false);
    }

    /**
     * Consumes the first message of the config's queue and fails it, again and again, the way its
     * broker counts failures (RabbitMQ: returned to the queue; Qpid: rejected, then recovered) until
     * the broker dead-letters it to the domain's dead-letter queue.
     *
     * @return how often it was delivered
     */
    int failUntilDeadLettered(BridgeConfig config, BrokerKind kind) {
        String queue = config.feeds().get(0).queue();
        int[] deliveries = {0};
        KafkaTopics.until("the message is dead-lettered to " + config.deadLetterQueue(), Duration.ofSeconds(20), () -> {
            try {
                GetResponse got = channel.basicGet(queue, false);
                if (got != null) {
                    deliveries[0]++;
                    if (kind == BrokerKind.QPID) {
                        channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
                        channel.basicRecover(true);
                    } else {
                        channel.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
                    }
                }
                return ready(config.deadLetterQueue()) == 1;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return deliveries[0];
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            for (BridgeConfig d : domains) {
                for (Feed f : d.feeds()) {
                    delete(c -> c.queueDelete(f.queue()));
                    delete(c -> c.exchangeDelete(f.exchange()));
                }
                delete(c -> c.queueDelete(d.deadLetterQueue()));
                delete(c -> c.exchangeDelete(d.deadLetterExchange()));
            }
            connection.close(5_000);
        } catch (IOException e) {
            throw new IllegalStateException("cannot close the test bus: " + e, e);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private interface Deletion {
        void run(Channel c) throws IOException;
    }

    /** On a channel of its own: a deletion the broker refuses (nothing of that name) closes only that channel. */
    private void delete(Deletion deletion) {
        try (Channel c = connection.createChannel()) {
            deletion.run(c);
        } catch (IOException | TimeoutException | com.rabbitmq.client.ShutdownSignalException e) {
            log.debug("Clean-up: {}", e.toString());
        }
    }
}
