package io.datamesh.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics by their {@link TopicSpec}, idempotently. A topic that exists is compared with its
 * spec (partitions, replication, each config of the spec) and every difference is reported as a
 * {@link TopicDrift}; an existing topic is never altered.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final long timeoutMs;

    /**
     * @param admin an admin client the caller owns and closes
     * @param timeoutMs how long one call to the cluster may take, in milliseconds
     */
    public TopicProvisioner(Admin admin, long timeoutMs) {
        this.admin = Objects.requireNonNull(admin, "admin");
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive, was " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
    }

    /** Creates the missing topics and checks the existing ones; see the class comment. */
    public ProvisionReport ensure(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            TopicSpec previous = byName.put(spec.name().value(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalArgumentException("two different specs for topic " + spec.name().value());
            }
        }
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(byName.values().stream()
                .map(s -> new NewTopic(s.name().value(), s.partitions(), s.replicationFactor()).configs(s.configs()))
                .toList()).values();
        for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
            try {
                await(r.getValue(), "create topic " + r.getKey());
                created.add(r.getKey());
                log.info("Created topic={} spec={}", r.getKey(), byName.get(r.getKey()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new TopicProvisioningException("cannot create topic " + r.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                }
                existing.add(r.getKey());
            }
        }
        List<TopicDrift> drifts = existing.isEmpty() ? List.of() : compare(existing, byName);
        List<String> unchanged = existing.stream()
                .filter(t -> drifts.stream().noneMatch(d -> d.topic().equals(t)))
                .toList();
        drifts.forEach(d -> log.warn("Topic drift topic={} setting={} expected={} actual={}",
                d.topic(), d.setting(), d.expected(), d.actual()));
        return new ProvisionReport(created, unchanged, drifts);
    }

    private List<TopicDrift> compare(List<String> topics, Map<String, TopicSpec> specs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                return compareOnce(topics, specs);
            } catch (ExecutionException e) {
                // A topic created a moment ago (by another instance, or just before us) exists for the
                // controller before the broker answering has loaded it: ask again until the deadline.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new TopicProvisioningException("cannot describe existing topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while waiting to describe topics " + topics, ie);
            }
        }
    }

    private List<TopicDrift> compareOnce(List<String> topics, Map<String, TopicSpec> specs) throws ExecutionException {
        List<TopicDrift> drifts = new ArrayList<>();
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(topics).allTopicNames(), "describe topics");
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all(), "describe topic configs");
        for (String topic : topics) {
            TopicSpec spec = specs.get(topic);
            TopicDescription d = descriptions.get(topic);
            if (d.partitions().size() != spec.partitions()) {
                drifts.add(new TopicDrift(topic, "partitions", String.valueOf(spec.partitions()), String.valueOf(d.partitions().size())));
            }
            int replicas = d.partitions().get(0).replicas().size();
            if (replicas != spec.replicationFactor()) {
                drifts.add(new TopicDrift(topic, "replication.factor", String.valueOf(spec.replicationFactor()), String.valueOf(replicas)));
            }
            Map<String, String> actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).entries().stream()
                    .filter(e -> e.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
            spec.configs().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(want -> {
                String have = actual.get(want.getKey());
                if (!want.getValue().equals(have)) {
                    drifts.add(new TopicDrift(topic, want.getKey(), want.getValue(), String.valueOf(have)));
                }
            });
        }
        return drifts;
    }

    private <T> T await(KafkaFuture<T> future, String what) throws ExecutionException {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("interrupted while waiting to " + what, e);
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("no answer from the cluster within " + timeoutMs + " ms to " + what, e);
        }
    }
}
