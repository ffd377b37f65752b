package io.datamesh.dev;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo data until the real sources (CDC, bus bridge, collector) feed the raw topics: every second
 * a few pizzerias take orders (Debezium-style change events, some refunded later), bake pizzas (bus
 * messages through the heat shelf), write off stock and get clicks. Source positions grow with the
 * wall clock, so a restarted `make run` continues where it stopped instead of replaying.
 */
final class DemoGenerator implements DevComponent {

    private static final Logger log = LoggerFactory.getLogger(DemoGenerator.class);
    private static final List<String> PIZZERIAS = List.of("napoli-1", "roma-2", "milano-3");
    private static final List<String> PIZZAS = List.of("margherita", "marinara", "diavola", "capricciosa", "quattro-formaggi");

    private final KafkaComponent kafka;
    private final Clock clock = Clock.systemUTC();
    private final Random random = new Random();
    private ScheduledExecutorService scheduler;
    private KafkaProducer<String, String> producer;
    private long sequence;

    DemoGenerator(KafkaComponent kafka) {
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "demo-generator";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of();
    }

    @Override
    public void start() {
        // The domains have just created the raw topics: one request in flight (see EmbeddedKafka#producerConfig).
        producer = new KafkaProducer<>(kafka.broker().producerConfig(), new StringSerializer(), new StringSerializer());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-generator");
            t.setDaemon(true);
            return t;
        });
        seedStory();
        scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * DESIGN's story, so that the README's queries answer on a fresh platform: pizzeria napoli-1 sells
     * 6 pizzas on 2018-07-08; a refund of one, recorded on 2018-07-10, makes it 5 from then on. Its
     * source positions are fixed, so a second {@code make run} replays them and nothing changes.
     */
    private void seedStory() {
        String pizzeria = "napoli-1";
        Instant lunch = Instant.parse("2018-07-08T10:30:00Z");
        Instant dinner = Instant.parse("2018-07-08T19:00:00Z");
        Instant refundRecorded = Instant.parse("2018-07-10T09:15:00Z");
        long[] position = {1};
        java.util.function.BiConsumer<String[], Instant> event = (kv, at) -> send(kv[0], kv[1], kv[2], at,
                SourcePosition.cdc("demo-history-db", "mariadb-bin.000001", position[0]++, 0, null));
        String o1 = "o20180708-1";
        String o2 = "o20180708-2";
        event.accept(new String[] {"orders.raw.orders", o1, change("c", order(o1, pizzeria, lunch, "25.50"))}, lunch);
        event.accept(new String[] {"orders.raw.order-lines", o1, change("c", storyLine(o1, 1, pizzeria, 2, lunch, false, lunch))}, lunch);
        event.accept(new String[] {"orders.raw.order-lines", o1, change("c", storyLine(o1, 2, pizzeria, 1, lunch, false, lunch))}, lunch);
        event.accept(new String[] {"orders.raw.orders", o2, change("c", order(o2, pizzeria, dinner, "25.50"))}, dinner);
        event.accept(new String[] {"orders.raw.order-lines", o2, change("c", storyLine(o2, 1, pizzeria, 3, dinner, false, dinner))}, dinner);
        event.accept(new String[] {"orders.raw.order-lines", o1,
            change("u", storyLine(o1, 2, pizzeria, 1, lunch, true, refundRecorded))}, refundRecorded);
        producer.flush();
    }

    private static String change(String op, String row) {
        return "{\"op\":\"" + op + "\",\"before\":null,\"after\":" + row + "}";
    }

    private static String order(String id, String pizzeria, Instant placed, String total) {
        return "{\"id\":\"" + id + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"customer_id\":\"c1\",\"status\":\"PLACED\",\"placed_at\":\""
                + placed + "\",\"total\":\"" + total + "\",\"updated_at\":\"" + placed + "\"}";
    }

    private static String storyLine(String order, int l, String pizzeria, int quantity, Instant placed, boolean refunded, Instant updated) {
        return "{\"order_id\":\"" + order + "\",\"line_no\":" + l + ",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\"margherita\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":\"" + placed + "\",\"refunded\":" + refunded
                + ",\"updated_at\":\"" + updated + "\"}";
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            String pizzeria = PIZZERIAS.get(random.nextInt(PIZZERIAS.size()));
            String order = "o" + now.toEpochMilli();
            int lines = 1 + random.nextInt(3);
            cdc("orders.raw.orders", order, "c", "{\"id\":\"" + order + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"customer_id\":\"c"
                    + random.nextInt(500) + "\",\"status\":\"PLACED\",\"placed_at\":\"" + now + "\",\"total\":\"" + (8.5 * lines) + "0\",\"updated_at\":\"" + now + "\"}", now);
            boolean refund = random.nextInt(10) == 0;
            for (int l = 1; l <= lines; l++) {
                String row = line(order, l, pizzeria, now, false, now);
                cdc("orders.raw.order-lines", order, "c", row, now);
                bus("kitchen.raw.pizza-events", order + "-" + l, order, pizzeria, "ORDERED", now);
                bus("kitchen.raw.pizza-events", order + "-" + l, order, pizzeria, "ON_HEAT_SHELF", now.plusSeconds(600));
                bus("kitchen.raw.pizza-events", order + "-" + l, order, pizzeria, "PICKED_UP", now.plusSeconds(600 + 30 + random.nextInt(300)));
                if (refund && l == 1) {
                    cdc("orders.raw.order-lines", order, "u", line(order, l, pizzeria, now, true, now.plusSeconds(1)), now.plusSeconds(1));
                }
            }
            String session = "s" + (now.getEpochSecond() / 30);
            send("clickstream.raw.clicks", session, "{\"click_id\":\"k" + now.toEpochMilli() + "\",\"session_id\":\"" + session + "\",\"at\":\"" + now
                    + "\",\"type\":\"page_view\",\"url\":\"/menu\"}", now, SourcePosition.click("demo-collector", "k" + now.toEpochMilli()));
            if (random.nextInt(5) == 0) {
                String id = "w" + now.toEpochMilli();
                cdc("inventory.raw.write-offs", id, "c", "{\"id\":\"" + id + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\"mozzarella\","
                        + "\"quantity\":\"0.250\",\"unit\":\"kg\",\"reason\":\"SPOILED\",\"written_off_at\":\"" + now + "\"}", now);
            }
        } catch (RuntimeException e) {
            log.warn("Demo generator could not write: {}", e.getMessage());
        }
    }

    private static String line(String order, int l, String pizzeria, Instant placed, boolean refunded, Instant updated) {
        return "{\"order_id\":\"" + order + "\",\"line_no\":" + l + ",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\""
                + PIZZAS.get((int) (Math.abs(order.hashCode() + l) % PIZZAS.size())) + "\",\"quantity\":1,\"unit_price\":\"8.50\",\"placed_at\":\""
                + placed + "\",\"refunded\":" + refunded + ",\"updated_at\":\"" + updated + "\"}";
    }

    private void cdc(String topic, String key, String op, String row, Instant committedAt) {
        String event = "{\"op\":\"" + op + "\",\"before\":null,\"after\":" + row + "}";
        // Positions grow with the clock: a restarted demo continues instead of replaying.
        long position = clock.millis() * 1000 + (sequence++ % 1000);
        send(topic, key, event, committedAt, SourcePosition.cdc("demo-db", "mariadb-bin.000001", position, 0, null));
    }

    private void bus(String topic, String pizza, String order, String pizzeria, String stage, Instant at) {
        String message = "{\"pizza_id\":\"" + pizza + "\",\"order_id\":\"" + order + "\",\"pizzeria_id\":\"" + pizzeria + "\",\"stage\":\""
                + stage + "\",\"at\":\"" + at + "\"}";
        send(topic, pizza, message, clock.instant(), SourcePosition.bus("kitchen.pizza-events", pizza + ":" + stage));
    }

    private void send(String topic, String key, String value, Instant recordedAt, SourcePosition position) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, value);
        SourceHeaders.write(r.headers(), recordedAt, position);
        producer.send(r, (m, e) -> {
            if (e != null) {
                log.warn("Demo record to {} failed: {}", topic, e.getMessage());
            }
        });
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("demo data", "orders, kitchen, inventory, clickstream raw topics",
                "a few orders, pizzas, write-offs and clicks every second until the real sources are connected"));
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
