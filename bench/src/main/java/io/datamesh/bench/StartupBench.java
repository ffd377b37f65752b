package io.datamesh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * B5.2: start-up time of the orders domain's jar through the runtime (manifest, class loader,
 * schemas, topics, exactly-once topology until RUNNING), against the baseline of a bare Kafka
 * Streams passthrough application starting until RUNNING. Milliseconds; lower is better.
 */
final class StartupBench implements Bench {

    private final boolean runtime;
    private BenchContext context;
    private Path jar;
    private int rep;

    StartupBench(boolean runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return runtime ? "startup-orders-jar" : "startup-bare-streams";
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        this.context = context;
        if (runtime) {
            jar = ordersJar();
        }
    }

    @Override
    public Sample runOnce() throws Exception {
        Path state = Files.createTempDirectory("bench-startup-");
        try {
            long start = System.nanoTime();
            if (runtime) {
                InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
                try (DomainJar domainJar = DomainJar.open(jar)) {
                    Domain domain = domainJar.declare(registry, false);
                    DomainJar.registerSchemas(domain, registry);
                    try (DomainRuntime r = DomainRuntime.of(domain, RuntimeSettings.builder(context.kafka().bootstrapServers(),
                            state).streamsOverrides(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "orders.startup-" + rep++)).build()).start()) {
                        return new Sample(Map.of("ms", (System.nanoTime() - start) / 1e6));
                    }
                }
            }
            String in = "bench.raw.startup-in-" + rep;
            String out = "bench.raw.startup-out-" + rep;
            try (Admin admin = context.kafka().admin()) {
                admin.createTopics(Set.of(new NewTopic(in, 3, (short) 1), new NewTopic(out, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            StreamsBuilder b = new StreamsBuilder();
            b.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("in")).to(out,
                    Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("out"));
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench.startup-" + rep++);
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, context.kafka().bootstrapServers());
            p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            start = System.nanoTime();
            KafkaStreams s = new KafkaStreams(b.build(), p);
            try {
                s.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (s.state() != KafkaStreams.State.RUNNING) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("bare Streams app not running after 1 minute");
                    }
                    Thread.sleep(5);
                }
                return new Sample(Map.of("ms", (System.nanoTime() - start) / 1e6));
            } finally {
                s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
        } finally {
            try (Stream<Path> paths = Files.walk(state)) {
                for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The orders domain's jar as built (or zipped from its classes when run from the reactor). */
    private static Path ordersJar() throws Exception {
        return DomainJarFile.of(OrdersDomain.class);
    }
}
