package io.datamesh.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mesh dlq list|show|replay <domain>}: see dead letters and re-inject them after a fix. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "See and replay a domain's dead letters.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Every dead letter of {@code <domain>.dlq}, oldest first. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String where, String domain) {
        String topic = TopicNames.deadLetters(domain).value();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("no topic " + topic + " at " + where
                        + ": is domain " + domain + " deployed there?");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    abstract static class Base {
        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain, e.g. orders.")
        String domain;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** The Kafka asked, and where its address came from. */
        String where() {
            return PlatformLocation.describe(spec, "--bootstrap-servers", kafka.bootstrap);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per dead letter: offset, stage, source, reason.")
    static final class ListLetters extends Base implements Callable<Integer> {
        @Override
        public Integer call() {
            List<ConsumerRecord<byte[], byte[]>> letters = read(kafka.bootstrap, where(), domain);
            out().printf("%-8s %-12s %-40s %s%n", "offset", "stage", "source", "reason");
            for (ConsumerRecord<byte[], byte[]> r : letters) {
                String reason = String.valueOf(DeadLetters.header(r.headers(), DeadLetters.REASON));
                int newline = reason.indexOf('\n');
                out().printf("%-8d %-12s %-40s %s%n", r.offset(), DeadLetters.header(r.headers(), DeadLetters.STAGE),
                        DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC) + "-" + DeadLetters.header(r.headers(), DeadLetters.SOURCE_PARTITION)
                                + "@" + DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET),
                        newline < 0 ? reason : reason.substring(0, newline) + " …"); // the whole reason: mesh dlq show
            }
            out().println(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s") + " in " + TopicNames.deadLetters(domain).value());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A dead letter whole: headers and value.")
    static final class Show extends Base implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "OFFSET", description = "Its offset in the DLQ.")
        long offset;

        @Override
        public Integer call() {
            ConsumerRecord<byte[], byte[]> r = read(kafka.bootstrap, where(), domain).stream().filter(x -> x.offset() == offset).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no dead letter at offset " + offset + " of " + TopicNames.deadLetters(domain).value()));
            out().println("offset: " + r.offset());
            for (Header h : r.headers()) {
                out().println(h.key() + ": " + new String(h.value(), StandardCharsets.UTF_8));
            }
            out().println("key: " + (r.key() == null ? "(none)" : new String(r.key(), StandardCharsets.UTF_8)));
            out().println("value: " + render(r.value()));
            return 0;
        }

        private static String render(byte[] v) {
            if (v == null) {
                return "(none)";
            }
            String s = new String(v, StandardCharsets.UTF_8);
            boolean printable = s.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t') && !s.contains("\uFFFD");
            return printable ? s : "hex " + HexFormat.of().formatHex(v);
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Re-inject dead letters into the raw topic they were read from, after a fix; a letter replayed any number"
                    + " of times goes through once.")
    static final class Replay extends Base implements Callable<Integer> {
        @Option(names = "--offset", description = "Only this dead letter (default: all).")
        Long offset;

        @Option(names = "--reason", description = "Only dead letters whose reason contains this text.")
        String reason;

        @Override
        public Integer call() throws Exception {
            String dlq = TopicNames.deadLetters(domain).value();
            List<ConsumerRecord<byte[], byte[]>> letters = read(kafka.bootstrap, where(), domain).stream()
                    .filter(r -> offset == null || r.offset() == offset)
                    .filter(r -> reason == null || String.valueOf(DeadLetters.header(r.headers(), DeadLetters.REASON)).contains(reason))
                    .toList();
            int replayed = 0;
            int skipped = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
                 Progress progress = new Progress(spec.commandLine().getErr(), "dead letters replayed", letters.size())) {
                for (ConsumerRecord<byte[], byte[]> r : letters) {
                    progress.step();
                    String refusal = DeadLetters.replayRefusal(domain, r.headers());
                    if (refusal != null) {
                        out().println("skipped offset " + r.offset() + ": " + refusal);
                        skipped++;
                        continue;
                    }
                    producer.send(DeadLetters.replay(dlq, r.offset(), r.headers(), r.key(), r.value())).get(30, TimeUnit.SECONDS);
                    replayed++;
                }
            }
            out().println("replayed " + replayed + " dead letter" + (replayed == 1 ? "" : "s") + " from " + dlq
                    + (skipped == 0 ? "" : ", skipped " + skipped));
            return 0;
        }
    }
}
