package io.datamesh.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Baseline: a plain idempotent producer, {@code acks=all}, writing fixed-size values to a fresh topic. */
final class ProducerBench implements Bench {

    private final int valueBytes;
    private final int fullCount;
    private BenchContext context;
    private int count;
    private int rep;

    ProducerBench(int valueBytes, int fullCount) {
        this.valueBytes = valueBytes;
        this.fullCount = fullCount;
    }

    @Override
    public String name() {
        return "producer-" + valueBytes + "b";
    }

    @Override
    public boolean ownTopicsPerRepetition() {
        return true;
    }

    @Override
    public void setUp(BenchContext context) {
        this.context = context;
        this.count = context.scale(fullCount);
    }

    @Override
    public Sample runOnce() throws Exception {
        String topic = "bench.raw." + name() + "-" + rep++;
        try (Admin admin = context.kafka().admin()) {
            admin.createTopics(Set.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] value = new byte[valueBytes];
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(context)) {
            PassthroughBench.awaitLeaders(producer, topic); // metadata before the clock starts
            PassthroughBench.warm(producer, topic);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, null, value), (m, e) -> {
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
            return Sample.throughput(count, (long) count * valueBytes, nanos);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(BenchContext context) {
        return producer(context, 5);
    }

    static KafkaProducer<byte[], byte[]> producer(BenchContext context, int maxInFlight) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(maxInFlight),
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024)), new ByteArraySerializer(), new ByteArraySerializer());
    }
}
