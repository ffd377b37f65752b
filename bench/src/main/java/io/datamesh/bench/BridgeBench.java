package io.datamesh.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.datamesh.amqp.embedded.EmbeddedAmqpBroker;
import io.datamesh.bridge.BridgeConfig;
import io.datamesh.bridge.RabbitBridge;
import io.datamesh.bridge.demo.KitchenBusPublisher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B6.1: the bus bridge of cdc-connectors/rabbitmq-bridge, messages a second from the publisher to the
 * raw topic, against the two loops it joins, on the same brokers in the same repetition. The bus is
 * the one {@code make run} uses: the RabbitMQ that answers on 127.0.0.1:5672, else the embedded
 * Qpid Broker-J (here on a free port). Every repetition publishes the kitchen's pizza events
 * (persistent, with publisher confirms, one publisher) to an exchange of a fresh domain:
 * <ul>
 *   <li>{@code bridge msgs/s}: the bridge consumes them into {@code <domain>.raw.pizza-events}; from the
 *       first publish until the raw topic holds all of them;</li>
 *   <li>{@code amqp msgs/s}: a plain consumer of a queue of the same kind (quorum on RabbitMQ, classic on
 *       Qpid) with the bridge's prefetch, acknowledging each message; from the first publish until the
 *       last acknowledgement;</li>
 *   <li>{@code kafka msgs/s}: a plain producer ({@code acks=all}, idempotent) writing the same keys and
 *       bodies to a topic with as many partitions, until the last is acknowledged;</li>
 *   <li>{@code floor msgs/s}: the slower of the two loops, what the bridge is divided by.</li>
 * </ul>
 * What a repetition declared on the bus is deleted after it.
 */
final class BridgeBench implements Bench {

    private static final Logger log = LoggerFactory.getLogger(BridgeBench.class);
    private static final String BUS = "amqp://guest:guest@127.0.0.1:5672";

    private BenchContext context;
    private EmbeddedAmqpBroker embedded;
    private String uri;
    private Connection connection;
    private boolean rabbitMq;
    private int messages;
    private int prefetch;
    private final String run = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    private int rep;

    @Override
    public String name() {
        return "bus-bridge";
    }

    @Override
    public boolean ownTopicsPerRepetition() {
        return true;
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        this.context = context;
        this.messages = context.scale(10_000);
        if (EmbeddedAmqpBroker.answers("127.0.0.1", 5672, Duration.ofMillis(500))) {
            uri = BUS;
        } else {
            embedded = EmbeddedAmqpBroker.builder().build().start();
            uri = embedded.amqpUri();
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        connection = f.newConnection("mesh-bench");
        rabbitMq = String.valueOf(connection.getServerProperties().get("product")).contains("RabbitMQ");
        prefetch = (Integer) BridgeConfig.DEFINITION.defaultValues().get(BridgeConfig.PREFETCH);
        log.info("Bus bench on {} ({}), {} messages a repetition", embedded == null ? "the RabbitMQ at 127.0.0.1:5672" : "embedded Qpid at " + uri,
                connection.getServerProperties().get("product"), messages);
        System.out.println("bench: bus-bridge runs on " + connection.getServerProperties().get("product") + " at "
                + uri.replace("guest:guest@", ""));
    }

    @Override
    public Sample runOnce() throws Exception {
        String domain = "bench-bus-" + run + "-" + rep++;
        Properties p = new Properties();
        p.setProperty(BridgeConfig.DOMAIN, domain);
        p.setProperty(BridgeConfig.RAWS, "pizza-events");
        p.setProperty("raw.pizza-events.routing.keys", "pizza.#");
        p.setProperty("raw.pizza-events.key.field", "pizza_id");
        BridgeConfig config = BridgeConfig.from(p);
        BridgeConfig.Feed feed = config.feeds().get(0);
        String loopQueue = "mesh-bench." + domain + ".loop";
        try {
            double bridge;
            int partitions;
            try (RabbitBridge b = RabbitBridge.builder(config, context.kafka().bootstrapServers()).amqpUri(uri).build().start();
                 Admin admin = context.kafka().admin()) {
                TopicCounter raw = new TopicCounter(admin, feed.topic().value());
                partitions = admin.describeTopics(Set.of(feed.topic().value())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(feed.topic().value()).partitions().size();
                long start = System.nanoTime();
                publish(feed.exchange(), "b");
                bridge = messages / ((raw.await(messages, Duration.ofMinutes(3)) - start) / 1e9);
            }
            double amqp = amqpLoop(feed.exchange(), loopQueue);
            double kafka = kafkaLoop(domain, partitions);
            return new Sample(Map.of("bridge msgs/s", bridge, "amqp msgs/s", amqp, "kafka msgs/s", kafka, "floor msgs/s", Math.min(amqp, kafka)));
        } finally {
            delete(c -> c.queueDelete(loopQueue));
            delete(c -> c.queueDelete(feed.queue()));
            delete(c -> c.exchangeDelete(feed.exchange()));
            delete(c -> c.queueDelete(config.deadLetterQueue()));
            delete(c -> c.exchangeDelete(config.deadLetterExchange()));
        }
    }

    /** Publishes the repetition's messages as the kitchen's service does, persistent, and waits for the broker's confirms. */
    private void publish(String exchange, String tag) throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            ch.confirmSelect();
            Instant at = Instant.parse("2026-12-01T19:00:00Z");
            for (int i = 0; i < messages; i++) {
                String pizza = tag + i;
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(KitchenBusPublisher.messageId(pizza, "BAKED"))
                        .timestamp(Date.from(at)).contentType("application/json").deliveryMode(2).build();
                ch.basicPublish(exchange, KitchenBusPublisher.routingKey("BAKED"), props,
                        KitchenBusPublisher.body(pizza, "o" + i / 2, "napoli-" + i % 40, "BAKED", at.plusMillis(i)));
            }
            ch.waitForConfirmsOrDie(180_000);
        }
    }

    /** The baseline on the bus: publish to a queue of the bridge's kind, consume with its prefetch, ack each message. */
    private double amqpLoop(String exchange, String queue) throws Exception {
        try (Channel ch = connection.createChannel()) {
            Map<String, Object> args = new HashMap<>();
            if (rabbitMq) {
                args.put("x-queue-type", "quorum");
            }
            ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            ch.queueDeclare(queue, true, false, false, args);
            ch.queueBind(queue, exchange, "pizza.#");
            ch.basicQos(prefetch);
            CountDownLatch all = new CountDownLatch(messages);
            AtomicReference<Exception> failure = new AtomicReference<>();
            ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    try {
                        ch.basicAck(envelope.getDeliveryTag(), false);
                        all.countDown();
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
            long start = System.nanoTime();
            publish(exchange, "a");
            if (!all.await(3, TimeUnit.MINUTES) || failure.get() != null) {
                throw new IllegalStateException("AMQP loop acknowledged " + (messages - all.getCount()) + " of " + messages, failure.get());
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The baseline on Kafka: the same keys and bodies, produced as the bridge's producer does. */
    private double kafkaLoop(String domain, int partitions) throws Exception {
        String topic = "bench.raw." + domain + "-loop";
        try (Admin admin = context.kafka().admin()) {
            admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Instant at = Instant.parse("2026-12-01T19:00:00Z");
        byte[][] keys = new byte[messages][];
        byte[][] bodies = new byte[messages][];
        for (int i = 0; i < messages; i++) {
            keys[i] = ("k" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            bodies[i] = KitchenBusPublisher.body("k" + i, "o" + i / 2, "napoli-" + i % 40, "BAKED", at.plusMillis(i));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = ProducerBench.producer(context)) {
            PassthroughBench.awaitLeaders(producer, topic);
            PassthroughBench.warm(producer, topic);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                producer.send(new ProducerRecord<>(topic, keys[i], bodies[i]), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            long nanos = System.nanoTime() - start;
            if (failure.get() != null) {
                throw failure.get();
            }
            return messages / (nanos / 1e9);
        }
    }

    private interface Deletion {
        void run(Channel c) throws IOException;
    }

    /** On a channel of its own: a deletion the broker refuses (nothing of that name) closes only that channel. */
    private void delete(Deletion deletion) {
        try (Channel c = connection.createChannel()) {
            deletion.run(c);
        } catch (IOException | java.util.concurrent.TimeoutException | com.rabbitmq.client.ShutdownSignalException e) {
            log.debug("Clean-up: {}", e.toString());
        }
    }

    @Override
    public void tearDown() throws Exception {
        if (connection != null) {
            connection.close(5_000);
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
