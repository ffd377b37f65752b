package io.datamesh.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of several nodes in this JVM (each broker and controller, one quorum), with the
 * replication the Helm chart deploys by default: every topic 3 replicas, {@code min.insync.replicas} 2,
 * the internal topics too. For the faults a single node cannot show: a broker lost under load while its
 * partitions' other replicas take over. A node can be stopped and started again on its data and ports.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private final List<EmbeddedKafka> nodes;
    private final Path dir;

    private EmbeddedKafkaCluster(List<EmbeddedKafka> nodes, Path dir) {
        this.nodes = nodes;
        this.dir = dir;
    }

    /** Starts {@code size} nodes (at least 3) with replication 3 and min.insync.replicas 2, in a temporary folder. */
    public static EmbeddedKafkaCluster start(int size) {
        if (size < 3) {
            throw new IllegalArgumentException("a cluster of " + size + " nodes cannot keep 3 replicas");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("mesh-kafka-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the cluster", e);
        }
        String clusterId = Uuid.randomUuid().toString();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[] {EmbeddedKafka.freePort(), EmbeddedKafka.freePort()});
        }
        String voters = java.util.stream.IntStream.range(0, size).mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1])
                .collect(Collectors.joining(","));
        List<EmbeddedKafka> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            EmbeddedKafka.Builder b = EmbeddedKafka.builder().dataDir(dir.resolve("node-" + (i + 1))).nodeId(i + 1).clusterId(clusterId)
                    .brokerPort(ports.get(i)[0]).controllerPort(ports.get(i)[1])
                    .brokerProperty("controller.quorum.voters", voters)
                    .brokerProperty("default.replication.factor", "3")
                    .brokerProperty("min.insync.replicas", "2")
                    .brokerProperty("offsets.topic.replication.factor", "3")
                    .brokerProperty("transaction.state.log.replication.factor", "3")
                    .brokerProperty("transaction.state.log.min.isr", "2")
                    .brokerProperty("share.coordinator.state.topic.replication.factor", "3")
                    .brokerProperty("share.coordinator.state.topic.min.isr", "2")
                    // A stopped node goes as a lost one would, without asking the controllers first: the last
                    // nodes of a cluster being closed have no quorum to ask, and would wait minutes for it.
                    .brokerProperty("controlled.shutdown.enable", "false");
            nodes.add(b.build());
        }
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(nodes, dir);
        try {
            // In parallel: a node waits for a quorum of controllers, which the others make.
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Every running node's listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.stream().filter(EmbeddedKafka::isRunning).map(EmbeddedKafka::bootstrapServers).collect(Collectors.joining(","));
    }

    /** Node {@code i} (0-based). */
    public EmbeddedKafka node(int i) {
        return nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    @Override
    public void close() {
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::close)).toArray(CompletableFuture[]::new)).join();
        EmbeddedKafka.deleteRecursively(dir);
    }
}
