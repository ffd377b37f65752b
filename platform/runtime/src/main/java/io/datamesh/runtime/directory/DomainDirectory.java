package io.datamesh.runtime.directory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domains running on a cluster, as they announce themselves ({@link DomainAnnouncer}): a reader of
 * the compacted topic {@value #TOPIC} that keeps every instance's latest {@link Announcement}. The query
 * router, {@code mesh domains} and the catalog read it, so a domain deployed at any time is answered
 * within seconds, and one that stops disappears (a clean stop withdraws it; a dead instance's
 * announcement goes stale after {@link #STALE_AFTER} and is shown as stopped).
 */
public final class DomainDirectory implements AutoCloseable {

    /** The directory topic: compacted, one partition, a record per running instance. */
    public static final String TOPIC = "_mesh.domains";
    /** How often an instance renews its announcement. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** An announcement not renewed for this long is of an instance that is gone (three heartbeats missed). */
    public static final Duration STALE_AFTER = HEARTBEAT.multipliedBy(3);

    private static final Logger log = LoggerFactory.getLogger(DomainDirectory.class);

    private final Map<String, Announcement> instances = new ConcurrentHashMap<>();
    /** Counts the records applied, so a snapshot of the live domains knows when it is out of date. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile LiveDomains live;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Clock clock;
    private final Thread reader;
    private volatile boolean closed;

    private DomainDirectory(String bootstrapServers, Clock clock) {
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::read, "mesh-domain-directory");
        this.reader.setDaemon(true);
    }

    /** Reads the directory up to its end (so the first answers are complete), then follows it. */
    public static DomainDirectory start(String bootstrapServers, Clock clock) {
        ensureTopic(bootstrapServers);
        DomainDirectory d = new DomainDirectory(bootstrapServers, clock);
        TopicPartition p = new TopicPartition(TOPIC, 0);
        d.consumer.assign(List.of(p));
        d.consumer.seekToBeginning(List.of(p));
        long end = d.consumer.endOffsets(List.of(p), Duration.ofSeconds(15)).get(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (d.consumer.position(p, Duration.ofSeconds(15)) < end && System.nanoTime() < deadline) {
            d.consumer.poll(Duration.ofMillis(200)).forEach(d::apply);
        }
        d.reader.start();
        return d;
    }

    /** Creates the directory topic if it does not exist yet: compacted, one partition. */
    static void ensureTopic(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) -1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the domain directory " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + TOPIC, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + bootstrapServers + " while creating " + TOPIC, e);
        }
    }

    private void read() {
        try {
            while (!closed) {
                consumer.poll(Duration.ofMillis(500)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("The domain directory stopped reading {}", TOPIC, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            instances.remove(r.key());
            changes.incrementAndGet();
            return;
        }
        try {
            instances.put(r.key(), Announcement.fromJson(r.value()));
            changes.incrementAndGet();
        } catch (IllegalArgumentException e) {
            log.warn("Skipping record {} of {} at offset {}: {}", r.key(), TOPIC, r.offset(), e.getMessage());
        }
    }

    /** Every announced instance, live or stale, by domain then instance. */
    public List<Announcement> announcements() {
        return new TreeMap<>(instances).values().stream().toList();
    }

    /** Whether {@code a} was renewed recently enough to be of a running instance. */
    public boolean live(Announcement a) {
        return live(a, clock.instant());
    }

    private static boolean live(Announcement a, java.time.Instant now) {
        return Duration.between(a.heartbeatAt(), now).compareTo(STALE_AFTER) <= 0;
    }

    /**
     * The query API addresses of each domain's live instances; a domain none of whose instances is live is absent.
     * Unmodifiable, and the same map until an announcement arrives or one of them goes stale: the router asks on
     * every request, and this answers without sorting the directory each time.
     */
    public Map<String, List<String>> liveDomains() {
        java.time.Instant now = clock.instant();
        LiveDomains l = live;
        if (l == null || l.changes() != changes.get() || now.isAfter(l.validUntil()) || now.isBefore(l.computedAt())) {
            l = liveDomains(now);
            live = l;
        }
        return l.domains();
    }

    private LiveDomains liveDomains(java.time.Instant now) {
        long seen = changes.get(); // read first: an announcement applied while this runs makes the snapshot out of date
        Map<String, List<String>> out = new LinkedHashMap<>();
        java.time.Instant validUntil = java.time.Instant.MAX;
        for (Announcement a : announcements()) {
            if (live(a, now)) {
                out.computeIfAbsent(a.domain(), d -> new ArrayList<>()).add(a.url());
                java.time.Instant staleAt = a.heartbeatAt().plus(STALE_AFTER);
                validUntil = staleAt.isBefore(validUntil) ? staleAt : validUntil;
            }
        }
        out.replaceAll((d, urls) -> List.copyOf(urls));
        return new LiveDomains(seen, now, validUntil, java.util.Collections.unmodifiableMap(out));
    }

    /** The live domains as computed at {@code computedAt}, true until {@code validUntil} unless {@code changes} moved. */
    private record LiveDomains(long changes, java.time.Instant computedAt, java.time.Instant validUntil, Map<String, List<String>> domains) {
    }

    /** The domains announced with no live instance left: stopped without withdrawing (killed, or their host is gone). */
    public Collection<String> stoppedDomains() {
        Map<String, Boolean> any = new TreeMap<>();
        for (Announcement a : announcements()) {
            any.merge(a.domain(), live(a), Boolean::logicalOr);
        }
        return any.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
