package io.datamesh.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Baseline for topologies: a plain consumer → producer loop (at-least-once, offsets committed after
 * the producer flushed) copying a pre-filled topic to another; measured until the last record is
 * acknowledged in the output. The baseline copies 100 B records; the diagnostic variant copies
 * the domain topology's own input (order-line change events of about 330 B with two source
 * headers), to tell the cost of bigger records from the cost of the topology.
 */
final class PassthroughBench implements Bench {

    static final int VALUE_BYTES = 100;
    private final int fullCount;
    private final boolean changeEvents;
    private BenchContext context;
    private int count;
    private int rep;

    private PassthroughBench(int fullCount, boolean changeEvents) {
        this.fullCount = fullCount;
        this.changeEvents = changeEvents;
    }

    /** The baseline: 100 B values, no headers. */
    static PassthroughBench of100Bytes(int fullCount) {
        return new PassthroughBench(fullCount, false);
    }

    /** The same loop over the records the domain topology benches read. */
    static PassthroughBench ofChangeEvents(int fullCount) {
        return new PassthroughBench(fullCount, true);
    }

    @Override
    public String name() {
        return changeEvents ? "passthrough-change-events" : "passthrough";
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

    /** Waits until every partition of a new topic has a leader: a first batch sent before may be retried out of order. */
    static void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (producer.partitionsFor(topic).stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions of " + topic + " have no leader after 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** One acknowledged record per partition before the clock starts, so no measured batch races a new leader. */
    static void warm(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        int partitions = producer.partitionsFor(topic).size();
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, new byte[0])).get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public Sample runOnce() throws Exception {
        String in = "bench.raw." + name() + "-in-" + rep;
        String out = "bench.raw." + name() + "-out-" + rep++;
        try (Admin admin = context.kafka().admin()) {
            admin.createTopics(Set.of(new NewTopic(in, 3, (short) 1), new NewTopic(out, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // One request in flight: a first batch that races the new partition's leadership is retried in order.
        if (changeEvents) {
            TopologyBench.fillChangeEvents(context, in, count);
        } else {
            try (KafkaProducer<byte[], byte[]> filler = ProducerBench.producer(context, 1)) {
                byte[] value = new byte[VALUE_BYTES];
                awaitLeaders(filler, in);
                for (int i = 0; i < count; i++) {
                    filler.send(new ProducerRecord<>(in, String.valueOf(i).getBytes(), value));
                }
                filler.flush();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + in,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = ProducerBench.producer(context)) {
            awaitLeaders(producer, out);
            warm(producer, out);
            // From the assignment on, as B1–B3 count from RUNNING: joining the group is not throughput.
            long[] assigned = {0};
            consumer.subscribe(List.of(in), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    if (assigned[0] == 0) {
                        assigned[0] = System.nanoTime();
                    }
                }
            });
            long begin = System.nanoTime();
            long copied = 0;
            long bytes = 0;
            long deadline = begin + Duration.ofMinutes(2).toNanos();
            while (copied < count) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    producer.send(new ProducerRecord<>(out, null, r.key(), r.value(), r.headers()));
                    bytes += r.value().length;
                }
                copied += records.count();
                if (!records.isEmpty()) {
                    producer.flush();
                    consumer.commitSync();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("passthrough copied " + copied + " of " + count + " records in 2 minutes");
                }
            }
            return Sample.throughput(copied, bytes, System.nanoTime() - assigned[0]);
        }
    }
}
