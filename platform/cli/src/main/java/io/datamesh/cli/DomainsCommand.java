package io.datamesh.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.datamesh.runtime.directory.DomainDirectory;
import io.datamesh.topics.TopicKind;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code mesh domains}: every domain on the cluster, read from Kafka alone — whether its topology
 * runs (its consumer group, how many instances), how far behind its inputs it is, how many dead
 * letters it has, and each product's freshness (now − the newest {@code recordedAt} in it, which
 * is the records' timestamp).
 */
@Command(name = "domains", mixinStandardHelpOptions = true,
        description = "What runs: each domain's instances, input lag, dead letters, and each product's freshness.")
final class DomainsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<String, List<TopicName>> byDomain = new TreeMap<>();
            for (String name : admin.listTopics().names().get(15, TimeUnit.SECONDS)) {
                try {
                    TopicName t = TopicNames.parse(name);
                    byDomain.computeIfAbsent(t.domain(), d -> new ArrayList<>()).add(t);
                } catch (IllegalArgumentException e) {
                    // internal or misnamed topics belong to no domain: mesh topics lists them
                }
            }
            Map<String, ConsumerGroupDescription> groups = groups(admin);
            // Where each domain answers, as its instances announce themselves (a domain deployed anywhere shows up).
            Map<String, String> answers = new TreeMap<>();
            try (DomainDirectory directory = DomainDirectory.start(kafka.bootstrap, java.time.Clock.systemUTC())) {
                directory.liveDomains().forEach((d, urls) -> answers.put(d, String.join(",", urls)));
                directory.stoppedDomains().forEach(d -> answers.put(d, "stopped"));
                answers.keySet().forEach(d -> byDomain.computeIfAbsent(d, x -> new ArrayList<>()));
            }
            List<List<String>> rows = new ArrayList<>();
            Instant now = Instant.now();
            try (Progress progress = new Progress(spec.commandLine().getErr(), "domains read", byDomain.size())) {
                for (Map.Entry<String, List<TopicName>> d : byDomain.entrySet()) {
                    progress.step();
                    String domain = d.getKey();
                    List<ConsumerGroupDescription> mine = groups.values().stream()
                            .filter(g -> g.groupId().startsWith(domain + ".")).toList();
                    int members = mine.stream().mapToInt(g -> g.members().size()).sum();
                    String state = mine.isEmpty() ? "never ran" : members > 0 ? "RUNNING" : "STOPPED";
                    String lag = mine.isEmpty() ? "-" : String.valueOf(lag(admin, mine));
                    String dlq = partitions(admin, TopicNames.deadLetters(domain).value()).isEmpty() ? "-"
                            : String.valueOf(DlqCommand.read(kafka.bootstrap, PlatformLocation.describe(spec, "--bootstrap-servers", kafka.bootstrap), domain).size());
                    List<TopicName> products = d.getValue().stream().filter(t -> t.kind() == TopicKind.PRODUCT)
                            .sorted(java.util.Comparator.comparing(TopicName::value)).toList();
                    String api = answers.getOrDefault(domain, "-");
                    if (products.isEmpty()) {
                        rows.add(List.of(domain, state, String.valueOf(members), api, lag, dlq, "-", "-"));
                    }
                    boolean first = true;
                    for (TopicName p : products) {
                        String fresh = newest(admin, p.value()).map(t -> age(Duration.between(t, now))).orElse("empty");
                        rows.add(first ? List.of(domain, state, String.valueOf(members), api, lag, dlq, p.value(), fresh)
                                : List.of("", "", "", "", "", "", p.value(), fresh));
                        first = false;
                    }
                }
            }
            table(List.of("domain", "state", "instances", "query API", "lag", "dlq", "product", "freshness"), rows);
            spec.commandLine().getOut().println(byDomain.size() + " domains; lag = records of its inputs not processed yet; "
                    + "freshness = now − newest recordedAt");
        }
        return 0;
    }

    private static Map<String, ConsumerGroupDescription> groups(Admin admin) throws Exception {
        Collection<String> ids = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(15, TimeUnit.SECONDS).stream()
                .map(g -> g.groupId()).toList();
        return ids.isEmpty() ? Map.of() : admin.describeConsumerGroups(ids).all().get(15, TimeUnit.SECONDS);
    }

    /** Σ (end offset − committed offset) over the groups' partitions. */
    private static long lag(Admin admin, List<ConsumerGroupDescription> groups) throws Exception {
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (ConsumerGroupDescription g : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata()
                    .get(15, TimeUnit.SECONDS);
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    committed.put(tp, o.offset());
                }
            });
        }
        if (committed.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get(15, TimeUnit.SECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> c : committed.entrySet()) {
            lag += Math.max(0, end.get(c.getKey()).offset() - c.getValue());
        }
        return lag;
    }

    /**
     * The newest record timestamp among the last records of each partition (a product record's
     * timestamp is its recordedAt). Read, not asked for with {@code OffsetSpec.maxTimestamp()}: the
     * commit markers of exactly-once topics carry the time of the commit.
     */
    private java.util.Optional<Instant> newest(Admin admin, String topic) throws Exception {
        Set<TopicPartition> partitions = partitions(admin, topic);
        if (partitions.isEmpty()) {
            return java.util.Optional.empty();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, Math.max(begin.get(p), end.get(p) - 10)));
            long newest = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    newest = Math.max(newest, r.timestamp());
                }
            }
            return newest < 0 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(newest));
        }
    }

    private static Set<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toCollection(
                            () -> new TreeSet<>(java.util.Comparator.comparingInt(TopicPartition::partition))));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return Set.of();
            }
            throw e;
        }
    }

    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " days";
    }

    private void table(List<String> header, List<List<String>> rows) {
        TextTable.print(spec.commandLine().getOut(), header, rows);
    }
}
