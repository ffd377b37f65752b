package io.datamesh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.datamesh.bench.Row.Goal;
import io.datamesh.kafka.embedded.EmbeddedKafka;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * {@code make bench}: every bench on one embedded broker, a table of medians and ratios printed and
 * written to {@code bench/results/latest.md}. Options: {@code --reps N} (default 5), {@code --quick}
 * (a tenth of the work, to check the harness), {@code --out FILE}, {@code --only bench,bench} (those
 * benches and their rows), {@code --profile ROW} (that row's bench alone under JFR, see {@link Profile}).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int reps = 5;
        boolean quick = false;
        java.util.Set<String> only = null;
        String profile = null;
        Path out = Path.of("bench/results/latest.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = java.util.Set.of(args[++i].split(","));
                case "--profile" -> profile = args[++i];
                default -> {
                    System.out.println("usage: bench/run [--reps N] [--quick] [--out FILE] [--only bench,bench] [--profile ROW]");
                    System.exit(2);
                }
            }
        }
        if (profile != null) {
            profile(profile, reps, quick);
            return;
        }
        Instant began = Instant.now();
        BenchRunner runner = only == null ? plan() : plan().only(only);
        ResultTable table;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            table = runner.run(new BenchContext(kafka, quick), reps);
        }
        String report = header(began, reps, quick) + "\n" + table.markdown() + "\n" + HOW_TO_READ;
        System.out.println();
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println("written to " + out + " in " + Duration.between(began, Instant.now()).toSeconds() + " s");
    }

    /**
     * {@code --profile <row>}: only the bench of that row, its measured repetitions under JFR, and where
     * its stream threads spend their time, written to {@code bench/results/profile-<row>.md}.
     */
    private static void profile(String row, int reps, boolean quick) throws Exception {
        String bench = plan().benchOf(row);
        if (bench == null) {
            System.out.println("no row " + row + " in the plan (rows are the ids of bench/results/latest.md, e.g. B1)");
            System.exit(2);
        }
        BenchRunner runner = plan().only(java.util.Set.of(bench));
        Profile recorder = new Profile(row, bench, Path.of("bench/target/profile-" + row + ".jfr"));
        ResultTable table;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            table = runner.run(new BenchContext(kafka, quick), reps, recorder);
        }
        String report = recorder.report(reps) + "## The repetitions' figures\n\n" + table.markdown();
        Path out = Path.of("bench/results/profile-" + row + ".md");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("written to " + out);
    }

    /** Every bench and row. Later work adds its rows here, each divided by a baseline of the same run. */
    static BenchRunner plan() {
        return new BenchRunner()
                .bench(new ProducerBench(100, 1_500_000))
                .bench(new ProducerBench(1024, 400_000))
                .bench(PassthroughBench.of100Bytes(500_000))
                .bench(PassthroughBench.ofChangeEvents(300_000))
                .bench(new TopologyBench(TopologyBench.Mode.STREAMS_PASSTHROUGH))
                .bench(new TopologyBench(TopologyBench.Mode.PEER_ALO))
                .bench(new TopologyBench(TopologyBench.Mode.STATELESS_ALO))
                .bench(new TopologyBench(TopologyBench.Mode.PEER_EOS))
                .bench(new TopologyBench(TopologyBench.Mode.STATELESS_EOS))
                .bench(new TopologyBench(TopologyBench.Mode.VIEW_ALO))
                .bench(new TopologyBench(TopologyBench.Mode.RUNTIME))
                .bench(new StartupBench(false))
                .bench(new StartupBench(true))
                .bench(AsOfLatencyBench.plainGet())
                .bench(AsOfLatencyBench.asOf(1))
                .bench(AsOfLatencyBench.asOf(100))
                .bench(AsOfLatencyBench.asOf(10_000))
                .bench(new SerdeBench(SerdeBench.Mode.BARE_AVRO))
                .bench(new SerdeBench(SerdeBench.Mode.MESH_SERDE))
                .bench(new SerdeBench(SerdeBench.Mode.HASHMAP_GET))
                .bench(new SerdeBench(SerdeBench.Mode.REGISTRY_LOOKUP))
                .bench(new QueryBench(QueryBench.Mode.IN_PROCESS))
                .bench(new QueryBench(QueryBench.Mode.HTTP_LOCAL))
                .bench(new QueryBench(QueryBench.Mode.HTTP_FORWARDED))
                .bench(new QueryBench(QueryBench.Mode.HTTP_FLOOR))
                .bench(new QueryBench(QueryBench.Mode.HTTP_NETTY_FLOOR))
                .bench(new QueryBench(QueryBench.Mode.HTTP_NETTY_FLOOR, QueryBench.Client.BLOCKING))
                .bench(new QueryBench(QueryBench.Mode.HTTP_FLOOR, QueryBench.Client.BLOCKING))
                .bench(new QueryBench(QueryBench.Mode.HTTP_LOCAL, QueryBench.Client.BLOCKING))
                .bench(new QueryBench(QueryBench.Mode.HTTP_FORWARDED, QueryBench.Client.BLOCKING))
                .bench(new QueryLoadBench(QueryLoadBench.Mode.FIXED_RATE))
                .bench(new QueryLoadBench(QueryLoadBench.Mode.ROUTER_VS_DIRECT))
                .bench(new CdcBench())
                .bench(new CommitLatencyBench())
                .bench(new BridgeBench())
                .bench(new CollectorBench())
                .row(new Row("B0.1", "producer 100 B, acks=all, idempotent", "producer-100b", "records/s", null, null))
                .row(new Row("B0.1m", "producer 100 B, acks=all, idempotent", "producer-100b", "MB/s", null, null))
                .row(new Row("B0.2", "producer 1 KiB, acks=all, idempotent", "producer-1024b", "records/s", null, null))
                .row(new Row("B0.2m", "producer 1 KiB, acks=all, idempotent", "producer-1024b", "MB/s", null, null))
                .row(new Row("B0.3", "consume→produce passthrough, 100 B", "passthrough", "records/s", null, null))
                .row(new Row("B0.4", "the same loop over B1's input (change events ≈ 330 B, 2 headers)", "passthrough-change-events", "records/s", "B0.3", null))
                .row(new Row("B1.0", "Kafka Streams copying B1's input, no processing, platform settings", "streams-passthrough", "records/s", "B0.4", null))
                .row(new Row("B1.P", "hand-written peer: Jackson tree → OrderLine → Confluent-wire Avro, Kafka's defaults, at-least-once", "peer-alo", "records/s", "B0.4", null))
                .row(new Row("B1", "domain topology (order lines → product), at-least-once", "topology-alo", "records/s", "B0.4", null))
                .row(new Row("B1.vsP", "B1 against the hand-written peer", "topology-alo", "records/s", "B1.P", Goal.atLeast(1.0)))
                .row(new Row("B1.3", "the same against the 100 B loop", "topology-alo", "records/s", "B0.3", null))
                .row(new Row("B1.0c", "Kafka Streams copying B1's input: stream threads' CPU per record", "streams-passthrough", TopologyBench.CPU_PER_RECORD, null, null))
                .row(new Row("B1.Pc", "hand-written peer, at-least-once: stream threads' CPU per record", "peer-alo", TopologyBench.CPU_PER_RECORD, "B1.0c", null))
                .row(new Row("B1c", "domain topology, at-least-once: stream threads' CPU per record", "topology-alo", TopologyBench.CPU_PER_RECORD, "B1.0c", Goal.atMost(1.5)))
                .row(new Row("B1c.vsP", "B1's CPU per record against the peer's", "topology-alo", TopologyBench.CPU_PER_RECORD, "B1.Pc", null))
                .row(new Row("B1.0a", "Kafka Streams copying B1's input: stream threads' heap allocation per record", "streams-passthrough", TopologyBench.ALLOCATED_PER_RECORD, null, null))
                .row(new Row("B1.Pa", "hand-written peer, at-least-once: stream threads' heap allocation per record", "peer-alo", TopologyBench.ALLOCATED_PER_RECORD, "B1.0a", null))
                .row(new Row("B1a", "domain topology, at-least-once: stream threads' heap allocation per record", "topology-alo", TopologyBench.ALLOCATED_PER_RECORD, "B1.0a", null))
                .row(new Row("B2.P", "hand-written peer under exactly_once_v2, commit 100 ms", "peer-eos", "records/s", null, null))
                .row(new Row("B2", "domain topology under exactly_once_v2, commit 100 ms", "topology-eos", "records/s", "B1", Goal.atLeast(0.85)))
                .row(new Row("B2.vsP", "B2 against the hand-written peer under exactly_once_v2", "topology-eos", "records/s", "B2.P", Goal.atLeast(1.0)))
                .row(new Row("B3", "the same with a bitemporal view, at-least-once", "topology-view", "records/s", "B1", Goal.atLeast(0.5)))
                .row(new Row("B5.1", "the same domain deployed by the runtime (exactly-once, DLQ, metrics)", "runtime", "records/s", "B1", Goal.atLeast(0.9)))
                .row(new Row("B5.0", "start-up of a bare Kafka Streams app until RUNNING", "startup-bare-streams", "ms", null, null))
                .row(new Row("B5.2", "start-up of the orders jar via the runtime until RUNNING", "startup-orders-jar", "ms", "B5.0", null))
                .row(new Row("B5.3b", "JDBC full read of a table (SELECT *, every column), one connection", "cdc", "jdbc rows/s", null, null))
                .row(new Row("B5.3", "CDC snapshot: the capture reading that table into its raw topic", "cdc", "snapshot rows/s", "B5.3b", Goal.atLeast(0.4)))
                .row(new Row("B5.3s", "CDC capture start-up (topics, checks) until Debezium's task runs", "cdc", "start ms", null, null))
                .row(new Row("B5.4b", "JDBC batched inserts, 1,000 rows a batch and commit", "cdc", "insert rows/s", null, null))
                .row(new Row("B5.4", "CDC streaming: those rows from the binlog into the raw topic", "cdc", "streaming records/s", "B5.4b", Goal.atLeast(0.5)))
                .row(new Row("B5.5w", "rows committed a second by the latency benches' writers (asked: 1,000)", "commit-latency", "rows/s", null, null))
                .row(new Row("B5.5", "commit → raw topic (consumer receives it), 1,000 rows/s", "commit-latency", "raw p50 ms", null, null))
                .row(new Row("B5.5t", "commit → raw topic (consumer receives it), 1,000 rows/s", "commit-latency", "raw p99 ms", null, Goal.atMost(200)))
                .row(new Row("B5.6", "commit → answer: the orders domain's view over HTTP returns it", "commit-latency", "answer p50 ms", null, null))
                .row(new Row("B5.6t", "commit → answer: the orders domain's view over HTTP returns it", "commit-latency", "answer p99 ms", null, Goal.atMost(1000)))
                .row(new Row("B5.6r", "commit → answer ÷ commit → raw topic (what the domain and the query add)", "commit-latency", "answer p99 ms", "B5.5t", null))
                .row(new Row("B6.0a", "AMQP loop: publisher → queue → consumer acking each message", "bus-bridge", "amqp msgs/s", null, null))
                .row(new Row("B6.0k", "Kafka produce loop of the same messages, acks=all, idempotent", "bus-bridge", "kafka msgs/s", null, null))
                .row(new Row("B6.0", "the slower of the two loops", "bus-bridge", "floor msgs/s", null, null))
                .row(new Row("B6.1", "bus bridge: publisher → queue → bridge → raw topic", "bus-bridge", "bridge msgs/s", "B6.0", Goal.atLeast(0.6)))
                .row(new Row("B6.2b", "Kafka produce loop of the collector's events, acks=all, idempotent", "collector", "kafka events/s", null, null))
                .row(new Row("B6.2", "collector: batches of 100 events over HTTP, 4 clients", "collector", "batch events/s", "B6.2b", Goal.atLeast(0.3)))
                .row(new Row("B6.3f", "HTTP floor: GET /health on the collector, 1 client", "collector", "health p99 µs", null, null))
                .row(new Row("B6.3", "collector: one event a request, 1 client", "collector", "single p99 µs", "B6.3f", Goal.atMost(3)))
                .row(new Row("B6.3k", "one event through a plain producer, send → ack (the collector's settings)", "collector", "kafka ack p99 µs", null, null))
                .row(new Row("B6.3km", "one event through a plain producer, send → ack (the collector's settings)", "collector", "kafka ack p50 µs", null, null))
                .row(new Row("B6.3fm", "HTTP floor: GET /health on the collector, 1 client", "collector", "health p50 µs", null, null))
                .row(new Row("B6.3m", "collector: one event a request, 1 client", "collector", "single p50 µs", "B6.3fm", null))
                .row(new Row("B4.0", "plain key-value get, RocksDB", "kv-get", "p50 µs", null, null))
                .row(new Row("B4.0t", "plain key-value get, RocksDB", "kv-get", "p99 µs", null, null))
                .row(new Row("B4.1", "asOf, 1 version per key", "asof-1", "p50 µs", "B4.0", Goal.atMost(3)))
                .row(new Row("B4.1t", "asOf, 1 version per key", "asof-1", "p99 µs", "B4.0t", Goal.atMost(3)))
                .row(new Row("B4.2", "asOf, 100 versions per key", "asof-100", "p50 µs", "B4.0", Goal.atMost(3)))
                .row(new Row("B4.2t", "asOf, 100 versions per key", "asof-100", "p99 µs", "B4.0t", Goal.atMost(3)))
                .row(new Row("B4.3", "asOf, 10,000 versions per key", "asof-10000", "p50 µs", "B4.0", Goal.atMost(3)))
                .row(new Row("B4.3t", "asOf, 10,000 versions per key", "asof-10000", "p99 µs", "B4.0t", Goal.atMost(3)))
                .row(new Row("B7.0", "bare Avro binary encode, order line", "bare-avro", "ops/s", null, null))
                .row(new Row("B7.1", "mesh serde: wire format + schema id + content hash", "mesh-serde", "ops/s", "B7.0", Goal.atLeast(0.3)))
                .row(new Row("B7.2", "HashMap get", "hashmap-get", "ops/s", null, null))
                .row(new Row("B7.3", "registry schema lookup, warm cache", "registry-lookup", "ops/s", "B7.2", null))
                .row(new Row("B8.0", "asOf in process on a domain's view, 2 concurrent callers", "query-in-process", "p50 µs", null, null))
                .row(new Row("B8.0t", "asOf in process on a domain's view, 2 concurrent callers", "query-in-process", "p99 µs", null, null))
                .row(new Row("B8.1", "asOf over HTTP, key on the instance asked, 2 clients", "query-http-local", "p50 µs", "B8.0", Goal.atMost(5)))
                .row(new Row("B8.1t", "asOf over HTTP, key on the instance asked, 2 clients", "query-http-local", "p99 µs", "B8.0t", Goal.atMost(5)))
                .row(new Row("B8.2", "asOf over HTTP, key on the other instance (forwarded)", "query-http-forwarded", "p50 µs", "B8.1", null))
                .row(new Row("B8.2t", "asOf over HTTP, key on the other instance (forwarded)", "query-http-forwarded", "p99 µs", "B8.1t", null))
                .row(new Row("B8.3", "HTTP floor: GET /health on the same server, 2 clients", "query-http-floor", "p50 µs", null, null))
                .row(new Row("B8.4", "asOf over HTTP ÷ the HTTP floor (what the query adds)", "query-http-local", "p50 µs", "B8.3", null))
                .row(new Row("B8.5", "the machine's HTTP floor: bare Netty, fixed body, same client, 2 clients", "query-http-netty-floor", "p50 µs", null, null))
                .row(new Row("B8.5t", "the machine's HTTP floor: bare Netty, fixed body, same client, 2 clients", "query-http-netty-floor", "p99 µs", null, null))
                .row(new Row("B8.1n", "asOf over HTTP ÷ the machine's floor", "query-http-local", "p50 µs", "B8.5", Goal.atMost(2)))
                .row(new Row("B8.1tn", "asOf over HTTP, p99 ÷ the machine's floor p99", "query-http-local", "p99 µs", "B8.5t", null))
                .row(new Row("B8.1j", "asOf over HTTP, p99 ÷ its own p50", "query-http-local", "p99 µs", "B8.1", Goal.atMost(4)))
                // The same ratio for the bare floor: what B8.1j would be if the server cost nothing.
                .row(new Row("B8.5j", "the machine's HTTP floor, p99 ÷ its own p50 (B8.1j's client)", "query-http-netty-floor", "p99 µs", "B8.5", null))
                .row(new Row("B8.2n", "forwarded asOf ÷ the machine's floor", "query-http-forwarded", "p50 µs", "B8.5", null))
                .row(new Row("B8.3n", "our GET /health ÷ the machine's floor", "query-http-floor", "p50 µs", "B8.5", Goal.atMost(1.5)))
                .row(new Row("B8.5w", "the machine's HTTP floor asked wrk's way (the measuring thread reads the socket), 2 clients", "query-http-netty-floor-wrk", "p50 µs", null, null))
                .row(new Row("B8.5wt", "the machine's HTTP floor asked wrk's way, 2 clients", "query-http-netty-floor-wrk", "p99 µs", null, null))
                .row(new Row("B8.5wj", "the machine's HTTP floor asked wrk's way, p99 ÷ its own p50", "query-http-netty-floor-wrk", "p99 µs", "B8.5w", null))
                .row(new Row("B8.3w", "our GET /health asked wrk's way ÷ that floor", "query-http-floor-wrk", "p50 µs", "B8.5w", null))
                .row(new Row("B8.1w", "asOf over HTTP asked wrk's way ÷ that floor", "query-http-local-wrk", "p50 µs", "B8.5w", null))
                .row(new Row("B8.1wt", "asOf over HTTP asked wrk's way, p99 ÷ that floor's p99", "query-http-local-wrk", "p99 µs", "B8.5wt", null))
                .row(new Row("B8.1wj", "asOf over HTTP asked wrk's way, p99 ÷ its own p50", "query-http-local-wrk", "p99 µs", "B8.1w", null))
                .row(new Row("B8.2w", "forwarded asOf asked wrk's way ÷ that floor", "query-http-forwarded-wrk", "p50 µs", "B8.5w", null))
                .row(new Row("B8.5c", "the machine's HTTP floor: server CPU per request", "query-http-netty-floor", "server CPU µs/req", null, null))
                .row(new Row("B8.1c", "asOf over HTTP: server CPU per request ÷ the floor's", "query-http-local", "server CPU µs/req", "B8.5c", null))
                .row(new Row("B8.2c", "forwarded asOf: both instances' CPU per request ÷ the floor's", "query-http-forwarded", "server CPU µs/req", "B8.5c", null))
                .row(new Row("B8.3c", "our GET /health: server CPU per request ÷ the floor's", "query-http-floor", "server CPU µs/req", "B8.5c", null))
                .row(new Row("B8.6", "asOf under load: 16 keep-alive connections, 2,000 req/s offered, answered", "query-load", "req/s", null, null))
                .row(new Row("B8.6m", "asOf under load: 16 keep-alive connections, 2,000 req/s offered, p50", "query-load", "p50 µs", "B8.5", null))
                .row(new Row("B8.6t", "asOf under load: 16 keep-alive connections, 2,000 req/s offered, p99", "query-load", "p99 µs", "B8.5t", null))
                .row(new Row("B8.7d", "asOf at full load, 16 connections, on the domain's own port", "query-router", "direct req/s", null, null))
                .row(new Row("B8.7", "the same through the query router (router ÷ direct)", "query-router", "router req/s", "B8.7d", Goal.atLeast(0.7)))
                .row(new Row("B8.7dm", "asOf at full load on the domain's own port, p50", "query-router", "direct p50 µs", null, null))
                .row(new Row("B8.7m", "asOf at full load through the router, p50", "query-router", "router p50 µs", "B8.7dm", null))
                .row(new Row("B8.7a", "p50 the router adds at full load, µs", "query-router", "p50 added µs", null, Goal.atMost(500)))
                .row(new Row("B8.7t", "asOf at full load through the router, p99", "query-router", "router p99 µs", null, null))
                .row(new Row("B8.7dc", "servers' CPU per request at full load, on the domain's own port", "query-router", "direct server CPU µs/req", null, null))
                .row(new Row("B8.7c", "servers' CPU per request at full load, through the router (instance + router)", "query-router", "router server CPU µs/req", "B8.7dc", null));
    }

    private static String header(Instant began, int reps, boolean quick) {
        return "# make bench results\n\n"
                + "- date: " + DateTimeFormatter.ISO_INSTANT.format(began.atOffset(ZoneOffset.UTC).toInstant()) + "\n"
                + "- cores: " + Runtime.getRuntime().availableProcessors() + ", max heap: "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB\n"
                + "- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "\n"
                + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch") + "\n"
                + "- Kafka: " + AppInfoParser.getVersion() + " (embedded KRaft broker, one node, same JVM)\n"
                + "- repetitions: " + reps + " interleaved after one warm-up each" + (quick ? " (quick run: a tenth of the work)" : "") + "\n";
    }

    private static final String HOW_TO_READ = """
            How to read it: each row is the median of its repetitions; the spread is half the interquartile
            range relative to the median. A ratio is this row's median divided by its baseline row's median
            from the same run on the same machine, so it holds across machines where absolute figures do not.
            Throughput ratios are better when higher; latency ratios (µs) and CPU per record (cpu µs/record: the
            stream threads' CPU time, which does not wait on the broker) are better when lower. A row marked
            (absolute) has no honest baseline to divide by (a latency from a commit in MariaDB): its goal is on
            the median itself, in the row's unit.
            """;
}
