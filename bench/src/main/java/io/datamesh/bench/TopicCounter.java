package io.datamesh.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a topic holds (the sum of its partitions' end offsets), and waiting until it holds
 * enough: how the source benches see that a connector has written everything.
 */
final class TopicCounter {

    private final Admin admin;
    private final String topic;
    private final Map<TopicPartition, OffsetSpec> latest;

    TopicCounter(Admin admin, String topic) throws Exception {
        this.admin = admin;
        this.topic = topic;
        int partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        this.latest = java.util.stream.IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    }

    long count() throws Exception {
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
    }

    /**
     * Polls every 10 ms until the topic holds at least {@code n} records.
     *
     * @return {@link System#nanoTime()} when it saw them
     */
    long await(long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long c = count();
            if (c >= n) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " holds " + c + " of " + n + " records after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }
}
