package io.datamesh.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.orders.OrderLineRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainTopology;
import io.datamesh.sdk.StreamsDefaults;
import io.datamesh.sdk.dlq.DeadLetterHandler;
import io.datamesh.sources.ChangeEvent;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * B1–B3: a domain topology on the embedded broker, measured from the moment it runs (partitions
 * assigned) until every output record is committed. The domain maps order-line change events
 * (Debezium's JSON, about 330 B, read as {@link ChangeEvent}s) to Avro order-line products with
 * envelope, content hash and replay guard, as the orders domain does.
 * Modes: at-least-once, exactly-once (commit interval 100 ms), and at-least-once with a view
 * (measured until the view's store has written every version, not only until the product is complete);
 * Kafka Streams copying the input bytes (B1.0); the {@link HandWrittenPeer} at-least-once and
 * exactly-once (B1.P, B2.P). Besides records/s, each but the runtime's reports the CPU time its stream
 * threads used per record from RUNNING on ({@value #CPU_PER_RECORD}) and the bytes they allocated
 * ({@value #ALLOCATED_PER_RECORD}).
 */
final class TopologyBench implements Bench {

    enum Mode { STATELESS_ALO, STATELESS_EOS, VIEW_ALO, RUNTIME, STREAMS_PASSTHROUGH, PEER_ALO, PEER_EOS }

    /** The stream threads' CPU time per input record, in microseconds: see {@link StreamThreadCpu}. */
    static final String CPU_PER_RECORD = "cpu µs/record";
    /** The bytes the stream threads allocated per input record: see {@link StreamThreadCpu}. */
    static final String ALLOCATED_PER_RECORD = "alloc B/record";

    private static final int PARTITIONS = 3;
    private final Mode mode;
    private BenchContext context;
    private int count;
    private int rep;

    TopologyBench(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return switch (mode) {
            case STATELESS_ALO -> "topology-alo";
            case STATELESS_EOS -> "topology-eos";
            case VIEW_ALO -> "topology-view";
            case RUNTIME -> "runtime";
            case STREAMS_PASSTHROUGH -> "streams-passthrough";
            case PEER_ALO -> "peer-alo";
            case PEER_EOS -> "peer-eos";
        };
    }

    @Override
    public boolean ownTopicsPerRepetition() {
        return true;
    }

    @Override
    public void setUp(BenchContext context) {
        this.context = context;
        this.count = context.scale(300_000);
    }

    @Override
    public Sample runOnce() throws Exception {
        String domainName = "b" + mode.ordinal() + "r" + rep++;
        Domain domain = Domain.of(new LinesDomain(domainName, mode == Mode.VIEW_ALO));
        String raw = domainName + ".raw.order-lines";
        String product = domainName + ".product.order-lines.v1";
        String viewChangelog = domain.applicationId() + "-" + LinesDomain.VIEW + "-changelog";
        try (Admin admin = context.kafka().admin()) {
            // The product topic as the platform creates it: kept forever. Its records carry their valid time, here
            // July 2018, so under Kafka's default retention (7 days by record time) the broker deletes its segments as
            // soon as they roll, and a view reading behind the ingest jumps to the new log start: records lost to it.
            Set<NewTopic> topics = new java.util.HashSet<>(Set.of(new NewTopic(raw, PARTITIONS, (short) 1),
                    new NewTopic(product, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(domainName + ".dlq", 1, (short) 1)));
            if (mode == Mode.VIEW_ALO) {
                // Created ahead too, so that the run starts with every topic in place.
                topics.add(new NewTopic(viewChangelog, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        long bytes = fillChangeEvents(context, raw, count);
        Path state = Files.createTempDirectory("bench-topology-");
        if (mode == Mode.RUNTIME) {
            // The domain deployed by the platform's runtime: topics checked, exactly-once, DLQ handlers, metrics.
            try (io.datamesh.runtime.DomainRuntime runtime = io.datamesh.runtime.DomainRuntime.of(domain,
                    io.datamesh.runtime.RuntimeSettings.builder(context.kafka().bootstrapServers(), state).build()).start()) {
                awaitCommitted(product);
                Instant end = Instant.now();
                return Sample.throughput(count, bytes, java.time.Duration.between(runtime.runningSince(), end).toNanos());
            } finally {
                deleteTree(state);
            }
        }
        org.apache.kafka.streams.Topology topology;
        if (mode == Mode.STREAMS_PASSTHROUGH) {
            // Kafka Streams itself, no processing: bytes from the raw topic to the product topic.
            org.apache.kafka.streams.StreamsBuilder builder = new org.apache.kafka.streams.StreamsBuilder();
            builder.stream(raw, org.apache.kafka.streams.kstream.Consumed.with(
                            org.apache.kafka.common.serialization.Serdes.ByteArray(), org.apache.kafka.common.serialization.Serdes.ByteArray()))
                    .to(product, org.apache.kafka.streams.kstream.Produced.with(
                            org.apache.kafka.common.serialization.Serdes.ByteArray(), org.apache.kafka.common.serialization.Serdes.ByteArray()));
            topology = builder.build();
        } else if (peer()) {
            topology = HandWrittenPeer.build(raw, product);
        } else {
            topology = DomainTopology.build(domain);
        }
        KafkaStreams streams = new KafkaStreams(topology, peer() ? peerProps(domain, state) : props(domain, state));
        // Throughput from RUNNING on: start-up (group join, assignment, stores) is B5.0's and B5.2's business.
        java.util.concurrent.atomic.AtomicReference<Instant> running = new java.util.concurrent.atomic.AtomicReference<>();
        // CPU from RUNNING on too, taken on the stream thread that reports the state, before it processes a record.
        java.util.concurrent.atomic.AtomicReference<StreamThreadCpu> cpuAtRunning = new java.util.concurrent.atomic.AtomicReference<>();
        streams.setStateListener((to, from) -> {
            if (to == KafkaStreams.State.RUNNING && running.compareAndSet(null, Instant.now())) {
                cpuAtRunning.set(StreamThreadCpu.of(domain.applicationId()));
            }
        });
        try {
            streams.start();
            awaitCommitted(product);
            if (mode == Mode.VIEW_ALO) {
                // Until the view holds every version too: its store writes each one to its changelog as it is put.
                awaitCommitted(viewChangelog);
            }
            Instant end = Instant.now();
            StreamThreadCpu cpuAtEnd = StreamThreadCpu.of(domain.applicationId());
            if (running.get() == null || cpuAtRunning.get() == null) {
                throw new IllegalStateException(name() + " completed without its state listener seeing RUNNING");
            }
            Sample throughput = Sample.throughput(count, bytes, java.time.Duration.between(running.get(), end).toNanos());
            Map<String, Double> metrics = new java.util.HashMap<>(throughput.metrics());
            metrics.put(CPU_PER_RECORD, cpuAtEnd.nanosSince(cpuAtRunning.get()) / 1e3 / count);
            metrics.put(ALLOCATED_PER_RECORD, (double) cpuAtEnd.bytesAllocatedSince(cpuAtRunning.get()) / count);
            return new Sample(metrics);
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            deleteTree(state);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private boolean peer() {
        return mode == Mode.PEER_ALO || mode == Mode.PEER_EOS;
    }

    /**
     * The hand-written peer's settings: Kafka's defaults, but for what any app must say (id, broker,
     * state directory) and, under exactly-once, B2's commit interval, so that B2 ÷ B2.P compares
     * transactions of the same length.
     */
    private Properties peerProps(Domain domain, Path state) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, domain.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafka().bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        if (mode == Mode.PEER_EOS) {
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        }
        return p;
    }

    private Properties props(Domain domain, Path state) {
        Properties p = new Properties();
        // The settings the runtime gives every domain, so that B1–B3 measure what a deployment runs.
        p.putAll(StreamsDefaults.settings());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, domain.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafka().bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, mode == Mode.STATELESS_EOS ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, domain.deadLetters().value());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // -Dbench.streams.<setting>=<value> tries a Streams setting without a rebuild.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.streams."))
                .forEach(k -> p.put(k.substring("bench.streams.".length()), System.getProperty(k)));
        return p;
    }

    /** {@code count} order-line change events as a CDC source writes them (JSON, source headers) into {@code topic}. */
    static long fillChangeEvents(BenchContext context, String topic, int count) throws Exception {
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = ProducerBench.producer(context, 1)) {
            PassthroughBench.awaitLeaders(producer, topic);
            Instant t = Instant.parse("2018-07-08T10:00:00Z");
            for (int i = 0; i < count; i++) {
                String json = "{\"op\":\"c\",\"before\":null,\"after\":{\"order_id\":\"o" + i / 3 + "\",\"line_no\":" + (i % 3 + 1)
                        + ",\"pizzeria_id\":\"p" + (i % 40) + "\",\"product_id\":\"margherita\",\"quantity\":2,\"unit_price\":\"8.50\","
                        + "\"placed_at\":\"" + t.plusSeconds(i) + "\",\"refunded\":false,\"updated_at\":\"" + t.plusSeconds(i) + "\"}}";
                byte[] value = json.getBytes(StandardCharsets.UTF_8);
                bytes += value.length;
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("o" + i / 3).getBytes(StandardCharsets.UTF_8), value);
                SourceHeaders.write(r.headers(), t.plusSeconds(i), SourcePosition.cdc("db", "bin.000001", i, 0, null));
                producer.send(r);
            }
            producer.flush();
        }
        return bytes;
    }

    private void awaitCommitted(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (Admin admin = context.kafka().admin()) {
            while (true) {
                long committed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                        .get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
                // Under exactly-once each commit adds a transaction marker per partition: offsets run ahead of records.
                if (committed >= count) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name() + " committed " + committed + " of " + count + " records in 3 minutes");
                }
                Thread.sleep(20);
            }
        }
    }

    /** The bench's domain: order lines as in the orders domain, under a fresh name per repetition. */
    static final class LinesDomain implements DomainDefinition {
        static final String VIEW = "order-lines-by-id";
        private final String name;
        private final boolean view;

        LinesDomain(String name, boolean view) {
            this.name = name;
            this.view = view;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<ChangeEvent> raw = d.raw("order-lines", ChangeEvent.serde());
            Domain.Product<OrderLine> product = d.publish("order-lines", 1, d.avro(OrderLineRecord.class, OrderLine.class), raw, (in, out) -> {
                ChangeEvent.Row row = in.value().row();
                String orderId = row.text("order_id");
                int lineNo = row.integer("line_no");
                Instant placedAt = row.time("placed_at");
                out.upsert(orderId + "#" + lineNo, placedAt, OrderLine.newBuilder().setOrderId(orderId).setLineNo(lineNo)
                        .setPizzeriaId(row.text("pizzeria_id")).setProductId(row.text("product_id")).setQuantity(row.integer("quantity"))
                        .setUnitPrice(row.decimal("unit_price", 2)).setPlacedAt(placedAt).setRefunded(row.flag("refunded", false)).build());
            });
            if (view) {
                product.view(VIEW);
            }
        }
    }

}
