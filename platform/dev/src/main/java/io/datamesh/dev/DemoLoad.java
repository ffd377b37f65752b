package io.datamesh.dev;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.datamesh.bridge.demo.KitchenBusPublisher;
import io.datamesh.collector.demo.ClickGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pizza chain's services at work, through the real sources: the orders service writes orders
 * and their lines to its MariaDB database, later marks some paid and refunds one line in ten; the
 * inventory service writes stock off; the kitchen's service publishes each pizza's stages to the bus
 * (exchange {@code kitchen}); the web site and the app post clicks to the collector. The domains see
 * all of it through Debezium, the bus bridge and the collector — nothing is written to a raw topic
 * here. {@code --demo-rate} sets the orders per second.
 */
final class DemoLoad implements DevComponent {

    private static final Logger log = LoggerFactory.getLogger(DemoLoad.class);
    private static final List<String> PIZZERIAS = List.of("napoli-1", "roma-2", "milano-3");
    private static final List<String> PIZZAS = List.of("margherita", "marinara", "diavola", "capricciosa", "quattro-formaggi");

    private final DevSettings settings;
    private final MariaDbComponent mariadb;
    private final BusComponent bus;
    private final SourcesComponent sources;
    private final Clock clock = Clock.systemUTC();
    private final Random random = new Random();
    /** Orders placed and not yet paid, oldest first; and lines to refund a few seconds after their order. */
    private final Deque<String> unpaid = new ArrayDeque<>();
    private final Deque<String[]> refunds = new ArrayDeque<>();
    private ScheduledExecutorService scheduler;
    private Connection orders;
    private KitchenBusPublisher kitchen;
    private ClickGenerator clicks;
    private long sequence;

    DemoLoad(DevSettings settings, MariaDbComponent mariadb, BusComponent bus, SourcesComponent sources) {
        this.settings = settings;
        this.mariadb = mariadb;
        this.bus = bus;
        this.sources = sources;
    }

    @Override
    public String name() {
        return "demo-load";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of();
    }

    @Override
    public void start() throws SQLException {
        // Written once, now that the captures stream: the story's transactions reach the domains through the
        // binlog with their 2018 commit times (a row read by a snapshot is recorded when it is read).
        try (Connection service = mariadb.connect()) {
            DemoDatabase.seedStory(service);
        }
        orders = mariadb.connect();
        orders.setAutoCommit(false);
        kitchen = KitchenBusPublisher.connect(bus.uri());
        clicks = ClickGenerator.to(sources.collectorUrl()).start(Duration.ofSeconds(1));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-load");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, Math.round(1_000_000 / settings.demoRate()));
        scheduler.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MICROSECONDS);
    }

    /** One order, and now and then a payment, a refund and a write-off. */
    private void tick() {
        try {
            Instant now = clock.instant();
            String pizzeria = PIZZERIAS.get(random.nextInt(PIZZERIAS.size()));
            String order = "o" + now.toEpochMilli() + "-" + (sequence++ % 1000);
            int lines = 1 + random.nextInt(3);
            DemoDatabase.insertOrder(orders, order, pizzeria, "c" + random.nextInt(500), now, String.format("%.2f", 8.5 * lines));
            for (int l = 1; l <= lines; l++) {
                DemoDatabase.insertLine(orders, order, l, pizzeria, PIZZAS.get(Math.floorMod(order.hashCode() + l, PIZZAS.size())), 1, "8.50", now);
            }
            orders.commit();
            for (int l = 1; l <= lines; l++) {
                String pizza = order + "-" + l;
                kitchen.publish(pizza, order, pizzeria, "ORDERED", now);
                kitchen.publish(pizza, order, pizzeria, "ON_HEAT_SHELF", now.plusSeconds(600));
                kitchen.publish(pizza, order, pizzeria, "PICKED_UP", now.plusSeconds(630 + random.nextInt(300)));
            }
            unpaid.addLast(order);
            if (random.nextInt(10) == 0) {
                refunds.addLast(new String[] {order, "1"});
            }
            if (unpaid.size() > 5) {
                DemoDatabase.status(orders, unpaid.removeFirst(), "PAID", now);
                orders.commit();
            }
            if (refunds.size() > 2) {
                String[] r = refunds.removeFirst();
                DemoDatabase.refund(orders, r[0], Integer.parseInt(r[1]), now);
                orders.commit();
            }
            if (random.nextInt(5) == 0) {
                DemoDatabase.writeOff(orders, "w" + now.toEpochMilli(), pizzeria, "mozzarella", "0.250", "SPOILED", now);
                orders.commit();
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Demo load could not write: {}", e.getMessage());
            try {
                orders.rollback();
            } catch (SQLException ignored) {
                // the connection is broken: the next tick says so again
            }
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("demo load", settings.demoRate() + " orders/s (--demo-rate)",
                "the services at work: orders and write-offs into MariaDB, pizzas onto the bus, clicks to the collector"));
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
        if (clicks != null) {
            clicks.close();
        }
        if (kitchen != null) {
            kitchen.close();
        }
        if (orders != null) {
            try {
                orders.close();
            } catch (SQLException e) {
                log.warn("Cannot close the demo's database connection: {}", e.getMessage());
            }
        }
    }
}
