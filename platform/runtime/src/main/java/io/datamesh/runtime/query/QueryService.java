package io.datamesh.runtime.query;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.aggregate.AggregateView;
import io.datamesh.bitemporal.aggregate.BucketKey;
import io.datamesh.bitemporal.aggregate.BucketValue;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.ViewStores;
import io.datamesh.sdk.record.AvroProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.Instants;
import io.datamesh.topics.TopicName;
import io.netty.channel.EventLoop;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers the query API for one domain instance: the catalog, a key as of a time, a key's
 * history, a range of keys and an aggregate's buckets, as JSON.
 *
 * <p><b>Where data is read.</b> A key lives in one partition of the view's store; Kafka Streams'
 * metadata names the instance that owns it (its {@code application.server}). A request for a key
 * owned elsewhere is forwarded there and its answer returned as is. When the owner does not
 * answer (it was killed, the group has not noticed yet), a standby replica of the partition
 * answers, saying so in {@value #SERVED_BY} and how far behind it is in {@value #STANDBY_LAG};
 * without a standby the answer is 503 with {@code Retry-After}. Ranges and aggregates span all
 * partitions: each instance reads the partitions it owns, and the one asked merges them in key
 * order. An answer is never assembled from partitions that could not be read: that is a 503.
 *
 * <p><b>Only committed data.</b> Under exactly-once, a store can hold writes of a transaction that
 * is not committed yet (Kafka 4.3 has no transactional stores; KIP-892 is not released). The
 * views here never show such a version: a view is fed from its product <em>topic</em>, read
 * {@code read_committed}, so every version it holds was committed to that topic first; and a
 * version's key is its source coordinates (entity, validFrom, recordedAt), so if the view's own
 * transaction aborts, the replay writes back exactly the same version. Aggregates are computed
 * from committed product records the same way, deterministically, at source recorded times.
 */
public final class QueryService {

    /** {@code active} or {@code standby}: which replica of the partition answered. */
    public static final String SERVED_BY = "Mesh-Served-By";
    /** {@code host:port} of the instance whose store answered. */
    public static final String INSTANCE = "Mesh-Instance";
    /** The partition (of the view's store) that answered a key request. */
    public static final String PARTITION = "Mesh-Partition";
    /** When a standby answered: how many changelog records it is behind the active. */
    public static final String STANDBY_LAG = "Mesh-Standby-Lag-Records";
    /** {@code local}: answer from this instance's stores, never forward (instance-to-instance requests). */
    public static final String SCOPE = "Mesh-Scope";
    /** Which partitions an instance-to-instance request reads, comma separated. */
    public static final String PARTITIONS = "Mesh-Partitions";
    /** {@code true}: a standby store may answer (the active does not). */
    public static final String STALE = "Mesh-Stale";

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_BUCKETS = 1000;
    static final int MAX_KEY_LENGTH = 1024;
    /**
     * The longest request line an instance or the router reads, in bytes: room for the longest
     * request the API takes (two key bounds of {@value #MAX_KEY_LENGTH} characters, each up to 9 bytes
     * once UTF-8 is percent-encoded, and the times and limit), so that a request is refused for what it
     * asks, never for its length. Micronaut's default is 4096.
     */
    public static final int MAX_REQUEST_LINE_BYTES = 32 * 1024;
    private static final Serializer<String> KEYS = Serdes.String().serializer();
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Domain domain;
    private final Supplier<KafkaStreams> streams;
    private final ViewStores views;
    private volatile Map<String, Domain.View<?>> viewsByName;
    private final HostInfo self;
    private final Forwarder forwarder;
    private final QueryTime time;
    private final Function<String, Integer> partitionCount;
    private final Function<String, Optional<Duration>> freshness;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Serde<?>> serdes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param domain the domain this instance runs
     * @param streams its Kafka Streams (null while it starts)
     * @param self this instance's {@code application.server}
     * @param forwarder how to reach the other instances
     * @param clock the clock that says what "now" is
     * @param partitionCount partitions of a topic
     * @param freshness now − newest recordedAt of a product topic this instance published
     * @param views the view stores this instance's active tasks have open (read without asking Kafka Streams again)
     */
    public QueryService(Domain domain, Supplier<KafkaStreams> streams, HostInfo self, Forwarder forwarder, Clock clock,
                        Function<String, Integer> partitionCount, Function<String, Optional<Duration>> freshness, ViewStores views) {
        this.domain = domain;
        this.streams = streams;
        this.views = views;
        this.self = self;
        this.forwarder = forwarder;
        this.time = new QueryTime(domain.zone(), clock);
        this.partitionCount = partitionCount;
        this.freshness = freshness;
    }

    /** What an instance-to-instance request asks: local reads only, of which partitions, standbys allowed. */
    public record Scope(boolean local, Set<Integer> partitions, boolean stale) {

        public static final Scope CLIENT = new Scope(false, Set.of(), false);

        /** Reads the scope from request headers. */
        public static Scope of(Function<String, String> header) {
            if (!"local".equals(header.apply(SCOPE))) {
                return CLIENT;
            }
            Set<Integer> partitions = new TreeSet<>();
            String list = header.apply(PARTITIONS);
            if (list != null && !list.isBlank()) {
                for (String p : list.split(",")) {
                    try {
                        partitions.add(Integer.parseInt(p.trim()));
                    } catch (NumberFormatException e) {
                        throw QueryException.badParameter(PARTITIONS, "header " + PARTITIONS + " must list partition numbers, was '" + list + "'", "0,2");
                    }
                }
            }
            return new Scope(true, partitions, "true".equals(header.apply(STALE)));
        }
    }

    // ---------------------------------------------------------------- catalog

    /** {@code GET /domains}: this instance's domain (a router lists all of them). */
    public Answer domains() {
        return ok(List.of(describe()));
    }

    /** {@code GET /domains/{d}}. */
    public Answer domain(String name) {
        requireDomain(name);
        return ok(describe());
    }

    private Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", domain.name());
        out.put("owner", domain.owner());
        out.put("applicationId", domain.applicationId());
        out.put("timeZone", domain.zone().getId());
        KafkaStreams s = streams.get();
        out.put("state", s == null ? "STARTING" : s.state().name());
        out.put("instance", self.host() + ":" + self.port());
        List<Map<String, Object>> products = new ArrayList<>();
        for (Domain.Product<?> p : domain.products()) {
            Map<String, Object> m = new LinkedHashMap<>();
            String topic = p.topic().value();
            m.put("topic", topic);
            m.put("subject", topic + "-value");
            m.put("raw", p.rawInput().map(TopicName::value).orElse(null)); // what mesh audit reconciles the product with
            if (p.format() instanceof AvroProductFormat<?, ?> avro) {
                m.put("schema", parse(avro.schema().toString()));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("slo", p.freshness().slo().toString());
            Optional<Duration> age = freshness.apply(topic);
            f.put("ageSeconds", age.map(Duration::toSeconds).orElse(null));
            f.put("withinSlo", age.map(a -> a.compareTo(p.freshness().slo()) <= 0).orElse(null));
            m.put("freshness", f);
            m.put("readableBy", p.readers().isEmpty() ? List.of("*") : List.copyOf(p.readers()));
            products.add(m);
        }
        out.put("products", products);
        out.put("consumes", domain.consumed().stream().map(c -> c.topic().value()).toList());
        List<Map<String, Object>> views = new ArrayList<>();
        for (Domain.View<?> v : domain.views()) {
            views.add(Map.of("name", v.name(), "product", v.product().topic().value(),
                    "keys", "/domains/" + domain.name() + "/views/" + v.name() + "/keys"));
        }
        out.put("views", views);
        List<Map<String, Object>> aggregates = new ArrayList<>();
        for (Domain.Aggregate<?, ?, ?, ?> a : domain.aggregates()) {
            aggregates.add(Map.of("name", a.name(), "of", a.of().topic().value(), "bucket", a.bucket().unit().name(),
                    "timeZone", a.bucket().zone().getId(), "product", a.published().topic().value(),
                    "url", "/domains/" + domain.name() + "/aggregates/" + a.name()));
        }
        out.put("aggregates", aggregates);
        return out;
    }

    // ---------------------------------------------------------------- keys

    /** {@code GET /domains/{d}/views/{v}/keys/{key}?validAt&knownAt}: the version in force. */
    public Answer key(String d, String viewName, String key, String validAtRaw, String knownAtRaw, Scope scope) {
        return join(keyAsync(d, viewName, key, validAtRaw, knownAtRaw, scope, null));
    }

    /**
     * {@link #key} without blocking: a key owned here is read at once; one owned elsewhere completes when its
     * owner (or a standby) answers, on {@code loop} (the caller's event loop; the forwarder's when null).
     * Bad parameters are thrown at once.
     */
    public CompletableFuture<Answer> keyAsync(String d, String viewName, String key, String validAtRaw, String knownAtRaw, Scope scope,
                                              EventLoop loop) {
        requireDomain(d);
        Domain.View<?> view = view(viewName);
        requireKey(key);
        Instant validAt = time.validAt(validAtRaw);
        Instant knownAt = time.knownAt(knownAtRaw);
        // Built only when the key is owned elsewhere: URL-encoding allocates more than the read it would forward.
        Supplier<String> path = () -> viewPath(view) + "/keys/" + encode(key) + "?validAt=" + encode(validAt.toString())
                + "&knownAt=" + encode(knownAt.toString());
        return routeKey(view.name(), key, path, scope, loop, store -> {
            Optional<? extends Version<? extends ProductRecord<?>>> version = bitemporal(view, store).asOfVersion(key, validAt, knownAt);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("domain", domain.name());
            body.put("view", view.name());
            body.put("key", key);
            body.put("validAt", Instants.format(validAt));
            body.put("knownAt", Instants.format(knownAt));
            if (version.isEmpty()) {
                body.put("message", "key '" + key + "' of " + view.name() + " has no version valid at " + validAt + " as known at " + knownAt);
                return new Answer(404, Map.of(), write(error("not_found", body)));
            }
            if (!version.get().operation().hasValue()) {
                body.put("message", "key '" + key + "' of " + view.name() + " ended at " + version.get().validFrom()
                        + " (deleted, recorded " + version.get().recordedAt() + ")");
                body.put("version", JsonRendering.version(version.get()));
                return new Answer(404, Map.of(), write(error("not_found", body)));
            }
            body.put("version", JsonRendering.version(version.get()));
            return new Answer(200, Map.of(), write(body));
        });
    }

    /** {@code GET /domains/{d}/views/{v}/keys/{key}/history?order=valid|recorded}. */
    public Answer history(String d, String viewName, String key, String orderRaw, Scope scope) {
        return join(historyAsync(d, viewName, key, orderRaw, scope, null));
    }

    /** {@link #history} without blocking, as {@link #keyAsync}. */
    public CompletableFuture<Answer> historyAsync(String d, String viewName, String key, String orderRaw, Scope scope, EventLoop loop) {
        requireDomain(d);
        Domain.View<?> view = view(viewName);
        requireKey(key);
        HistoryOrder order = order(orderRaw);
        Supplier<String> path = () -> viewPath(view) + "/keys/" + encode(key) + "/history?order=" + order.name().toLowerCase();
        return routeKey(view.name(), key, path, scope, loop, store -> {
            List<Map<String, Object>> versions = new ArrayList<>();
            for (Version<? extends ProductRecord<?>> v : bitemporal(view, store).history(key, order)) {
                versions.add(JsonRendering.version(v));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("domain", domain.name());
            body.put("view", view.name());
            body.put("key", key);
            body.put("order", order.name().toLowerCase());
            if (versions.isEmpty()) {
                body.put("message", "key '" + key + "' of " + view.name() + " has no versions");
                return new Answer(404, Map.of(), write(error("not_found", body)));
            }
            body.put("versions", versions);
            return new Answer(200, Map.of(), write(body));
        });
    }

    /** {@code GET /domains/{d}/views/{v}/keys?from&to&validAt&knownAt&limit&page}: live keys in key order, paged. */
    public Answer range(String d, String viewName, String fromRaw, String toRaw, String validAtRaw, String knownAtRaw,
                        String limitRaw, String pageRaw, Scope scope) {
        requireDomain(d);
        Domain.View<?> view = view(viewName);
        int limit = limit(limitRaw);
        PageToken page;
        if (pageRaw != null && !pageRaw.isBlank()) {
            // A token carries the question of the first page; it is checked as that question was, so a forged one asks nothing more.
            page = PageToken.decode(pageRaw);
            if (page.from().length() > MAX_KEY_LENGTH || page.to() != null && page.to().length() > MAX_KEY_LENGTH) {
                throw QueryException.badParameter("page", "the page token carries a key bound longer than " + MAX_KEY_LENGTH
                        + " characters; 'page' must be the 'next' token of a previous answer, unchanged", null);
            }
            time.requireKnownAtOfPage(page.knownAt());
        } else {
            requireKeyBound("from", fromRaw);
            requireKeyBound("to", toRaw);
            page = new PageToken(fromRaw == null ? "" : fromRaw, false, emptyToNull(toRaw), time.validAt(validAtRaw), time.knownAt(knownAtRaw));
        }
        String start = page.exclusive() ? page.from() + "\0" : page.from();
        String path = viewPath(view) + "/keys?page=" + page.encode() + "&limit=" + limit;
        FanOut merged = fanOut(view.name(), view.product().topic().value(), path, scope, limit, UTF8_ORDER, item -> (String) item.get("key"),
                store -> bitemporal(view, store).rangeAsOf(start, page.to(), page.validAt(), page.knownAt(), limit + 1).stream()
                        .map(JsonRendering::version).toList());
        if (scope.local()) {
            return merged.internal(this);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("domain", domain.name());
        body.put("view", view.name());
        body.put("validAt", page.validAt().toString());
        body.put("knownAt", page.knownAt().toString());
        body.put("items", merged.items());
        body.put("next", merged.more() && !merged.items().isEmpty()
                ? new PageToken((String) merged.items().get(merged.items().size() - 1).get("key"), true, page.to(), page.validAt(), page.knownAt()).encode()
                : null);
        return new Answer(200, merged.headers(), write(body));
    }

    /**
     * {@code GET /domains/{d}/views/{v}/partitions/{p}/versions?after&limit}: every version the view
     * holds in partition {@code p} (the product topic's partition), as stored, paged ({@link VersionPages}).
     * Read from the partition's active owner, never a standby: an audit compares what users are served.
     */
    public Answer versions(String d, String viewName, String partitionRaw, String afterRaw, String limitRaw, Scope scope) {
        requireDomain(d);
        Domain.View<?> view = view(viewName);
        String topic = view.product().topic().value();
        int partitions = partitionCount.apply(topic);
        int partition;
        try {
            partition = Integer.parseInt(partitionRaw);
        } catch (NumberFormatException e) {
            partition = -1;
        }
        if (partition < 0 || partition >= partitions) {
            throw QueryException.badParameter("partition", "'partition' is a partition of " + topic + ", 0 to " + (partitions - 1)
                    + ", was '" + partitionRaw + "'", "0");
        }
        int limit = limit(limitRaw);
        org.apache.kafka.common.utils.Bytes after = afterRaw == null || afterRaw.isBlank() ? null : VersionPages.decode(afterRaw);
        String path = viewPath(view) + "/partitions/" + partition + "/versions?limit=" + limit + (after == null ? "" : "&after=" + afterRaw);
        KafkaStreams s = running(scope);
        Function<ReadOnlyKeyValueStore<Bytes, byte[]>, Answer> read = store -> {
            List<Map<String, Object>> items = VersionPages.read(store, after, limit + 1);
            boolean more = items.size() > limit;
            if (more) {
                items = items.subList(0, limit);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("domain", domain.name());
            body.put("view", view.name());
            body.put("partition", partitionRaw.trim());
            body.put("items", items);
            body.put("next", more ? items.get(items.size() - 1).get("id") : null);
            return new Answer(200, Map.of(), write(body));
        };
        if (scope.local()) {
            return local(s, view.name(), partition, false, read);
        }
        Map<HostInfo, Set<Integer>> owners = new LinkedHashMap<>();
        placement(s, view.name(), topic, owners, new TreeMap<>());
        int p = partition;
        HostInfo owner = owners.entrySet().stream().filter(e -> e.getValue().contains(p)).map(Map.Entry::getKey).findFirst().orElseThrow();
        if (self.equals(owner)) {
            return local(s, view.name(), partition, false, read);
        }
        try {
            Answer forwarded = forwarder.get(owner, path, Map.of(SCOPE, "local", PARTITIONS, String.valueOf(partition)));
            if (forwarded.status() < 500) {
                return forwarded;
            }
        } catch (IOException e) {
            // as a 503 below
        }
        throw QueryException.unavailable("partition " + partition + " of " + view.name() + " is owned by " + owner.host() + ":" + owner.port()
                + ", which does not answer; retry when the group has rebalanced", 5);
    }

    // ---------------------------------------------------------------- aggregates

    /** {@code GET /domains/{d}/aggregates/{a}?group&from&to&knownAt}: the group's buckets in [from, to) as known at knownAt. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Answer aggregate(String d, String aggregateName, String group, String fromRaw, String toRaw, String knownAtRaw, Scope scope) {
        requireDomain(d);
        Domain.Aggregate a = domain.aggregates().stream().filter(x -> x.name().equals(aggregateName)).findFirst()
                .orElseThrow(() -> QueryException.unknown("aggregate", aggregateName, domain.aggregates().stream().map(Domain.Aggregate::name).toList()));
        if (group == null || group.isBlank()) {
            throw QueryException.badParameter("group", "'group' is required: the group whose buckets to read", "42");
        }
        if (group.length() > MAX_KEY_LENGTH || group.indexOf('\0') >= 0) {
            throw QueryException.badParameter("group", "a group is at most " + MAX_KEY_LENGTH + " characters, without NUL", "42");
        }
        TimeBucket bucket = a.bucket();
        Instant from = bucketBound("from", fromRaw, bucket);
        Instant to = bucketBound("to", toRaw, bucket);
        if (!to.isAfter(from)) {
            throw QueryException.badParameter("to", "'to' (" + to + ") must be after 'from' (" + from + ")", "from=2018-07-08&to=2018-07-09");
        }
        int buckets = 0;
        for (Instant b = bucket.start(from); b.isBefore(to) && buckets <= MAX_BUCKETS; b = bucket.next(b)) {
            buckets++;
        }
        if (buckets > MAX_BUCKETS) {
            throw QueryException.badParameter("to", "the range holds more than " + MAX_BUCKETS + " " + bucket.unit().name().toLowerCase()
                    + " buckets; ask for at most " + MAX_BUCKETS + " at a time", "from=2018-07-01&to=2018-08-01");
        }
        Instant knownAt = time.knownAt(knownAtRaw);
        String path = "/domains/" + encode(domain.name()) + "/aggregates/" + encode(a.name()) + "?group=" + encode(group)
                + "&from=" + encode(from.toString()) + "&to=" + encode(to.toString()) + "&knownAt=" + encode(knownAt.toString());
        String repartition = domain.applicationId() + "-" + a.name() + "-by-bucket-repartition";
        FanOut merged = fanOut(a.name(), repartition, path, scope, MAX_BUCKETS,
                Comparator.comparing((String s) -> Instant.parse(s)), item -> (String) item.get("start"), store -> {
                    BitemporalView<Object> values = new BitemporalView<>(store, a.aggregation().aggregateSerde(), a.name());
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (BucketValue<Object> v : new AggregateView<>(values, bucket).buckets(group, from, to, knownAt, MAX_BUCKETS)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("bucket", v.label());
                        m.put("start", v.start().toString());
                        m.put("recordedAt", v.recordedAt().toString());
                        m.put("value", JsonRendering.value(a.toPayload().apply(new BucketKey(group, v.label()), v.value())));
                        out.add(m);
                    }
                    return out;
                });
        if (scope.local()) {
            return merged.internal(this);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("domain", domain.name());
        body.put("aggregate", a.name());
        body.put("group", group);
        body.put("bucket", bucket.unit().name());
        body.put("timeZone", bucket.zone().getId());
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("knownAt", knownAt.toString());
        body.put("buckets", merged.items());
        return new Answer(200, merged.headers(), write(body));
    }

    // ---------------------------------------------------------------- placement

    /**
     * Reads a key's partition here, or forwards to its owner, or to a standby when the owner is down. Forwarding
     * never blocks: the answer completes on {@code loop} (or the forwarder's), so an instance's event loop goes on
     * serving while the owner thinks.
     */
    private CompletableFuture<Answer> routeKey(String store, String key, Supplier<String> pathOf, Scope scope, EventLoop loop,
                                               Function<ReadOnlyKeyValueStore<Bytes, byte[]>, Answer> read) {
        KafkaStreams s = running(scope);
        KeyQueryMetadata m = s.queryMetadataForKey(store, key, KEYS);
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m) || m.activeHost() == null || m.partition() < 0) {
            throw QueryException.unavailable("the owner of key '" + key + "' is not known yet (the group is rebalancing)", 1);
        }
        int partition = m.partition();
        if (scope.local()) {
            return CompletableFuture.completedFuture(local(s, store, partition, scope.stale(), read));
        }
        if (self.equals(m.activeHost())) {
            return CompletableFuture.completedFuture(local(s, store, partition, false, read));
        }
        String path = pathOf.get();
        return forwarder.getAsync(loop, url(m.activeHost()), path, Map.of(SCOPE, "local", PARTITIONS, String.valueOf(partition)))
                .handle((forwarded, e) -> {
                    if (e == null && forwarded.status() < 500) {
                        return CompletableFuture.completedFuture(forwarded);
                    }
                    String failure = e == null ? "answered " + forwarded.status() : "does not answer (" + cause(e).getClass().getSimpleName() + ")";
                    return standby(s, store, partition, path, m, m.standbyHosts().iterator(), failure, loop, read);
                })
                .thenCompose(answer -> answer);
    }

    /** Asks the next standby of the key's partition (this instance's own copy is read here), or refuses with 503. */
    private CompletableFuture<Answer> standby(KafkaStreams s, String store, int partition, String path, KeyQueryMetadata m,
                                              java.util.Iterator<HostInfo> standbys, String failure, EventLoop loop,
                                              Function<ReadOnlyKeyValueStore<Bytes, byte[]>, Answer> read) {
        if (!standbys.hasNext()) {
            return CompletableFuture.failedFuture(QueryException.unavailable("partition " + partition + " of " + store + " is owned by "
                    + m.activeHost().host() + ":" + m.activeHost().port() + ", which " + failure
                    + ", and no standby replica answers; retry when the group has rebalanced", 5));
        }
        HostInfo standby = standbys.next();
        if (self.equals(standby)) {
            try {
                return CompletableFuture.completedFuture(local(s, store, partition, true, read));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return forwarder.getAsync(loop, url(standby), path, Map.of(SCOPE, "local", PARTITIONS, String.valueOf(partition), STALE, "true"))
                .handle((a, e) -> e == null && a.status() < 500 ? CompletableFuture.completedFuture(a)
                        : standby(s, store, partition, path, m, standbys, failure, loop, read))
                .thenCompose(answer -> answer);
    }

    private static String url(HostInfo host) {
        return "http://" + host.host() + ":" + host.port();
    }

    private static Throwable cause(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The answer of a future that is complete or completes on another thread; its refusal thrown as it was. */
    private static Answer join(CompletableFuture<Answer> answer) {
        try {
            return answer.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** One read of partition {@code partition} of {@code store} on this instance: the active store, or a standby's when allowed. */
    private Answer local(KafkaStreams s, String store, int partition, boolean stale, Function<ReadOnlyKeyValueStore<Bytes, byte[]>, Answer> read) {
        Read r = open(s, store, partition, stale);
        try {
            return r.decorate(read.apply(r.store()));
        } catch (InvalidStateStoreException e) {
            throw notReadable(store, partition, e);
        }
    }

    private record Read(ReadOnlyKeyValueStore<Bytes, byte[]> store, Map<String, String> headers) {
        Answer decorate(Answer a) {
            Map<String, String> h = new LinkedHashMap<>(a.headers());
            h.putAll(headers);
            return new Answer(a.status(), h, a.json());
        }
    }

    private Read open(KafkaStreams s, String store, int partition, boolean stale) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(INSTANCE, self.host() + ":" + self.port());
        headers.put(PARTITION, String.valueOf(partition));
        KeyValueStore<Bytes, byte[]> own = s.state().isRunningOrRebalancing() ? views.active(store, partition) : null;
        if (own != null) {
            // The partition's store as its view writer holds it: what Kafka Streams would hand out, not looked up again.
            headers.put(SERVED_BY, "active");
            return new Read(own, headers);
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> active =
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()).withPartition(partition);
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> st = s.store(active);
            if (stale) {
                // The store handed out is resolved at each read: resolve it now, to fall back to a standby's copy here.
                // Without that fallback the read itself fails the same way (local() turns it into the same 503),
                // so the common path resolves the partition's store once, not twice.
                st.approximateNumEntries();
            }
            headers.put(SERVED_BY, "active");
            return new Read(st, headers);
        } catch (InvalidStateStoreException e) {
            if (!stale) {
                throw notReadable(store, partition, e);
            }
        }
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> st = s.store(active.enableStaleStores());
            st.approximateNumEntries();
            headers.put(SERVED_BY, "standby");
            LagInfo lag = Optional.ofNullable(s.allLocalStorePartitionLags().get(store)).map(l -> l.get(partition)).orElse(null);
            headers.put(STANDBY_LAG, lag == null ? "unknown" : String.valueOf(lag.offsetLag()));
            return new Read(st, headers);
        } catch (InvalidStateStoreException e) {
            throw notReadable(store, partition, e);
        }
    }

    private static QueryException notReadable(String store, int partition, InvalidStateStoreException e) {
        return QueryException.unavailable("partition " + partition + " of " + store + " cannot be read here now (it is moving between "
                + "instances or being restored): " + e.getMessage(), 1);
    }

    /** Items of every partition of a store, merged in order; each instance reads the partitions it owns. */
    private record FanOut(List<Map<String, Object>> items, boolean more, Map<String, String> headers) {
        Answer internal(QueryService q) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("more", more);
            return new Answer(200, headers, q.write(body));
        }
    }

    private FanOut fanOut(String store, String sourceTopic, String path, Scope scope, int limit, Comparator<String> order,
                          Function<Map<String, Object>, String> sortKey,
                          Function<ReadOnlyKeyValueStore<Bytes, byte[]>, List<Map<String, Object>>> read) {
        KafkaStreams s = running(scope);
        List<Map<String, Object>> items = new ArrayList<>();
        boolean more = false;
        boolean standby = false;
        if (scope.local()) {
            for (int p : scope.partitions()) {
                Read r = open(s, store, p, scope.stale());
                standby |= "standby".equals(r.headers().get(SERVED_BY));
                try {
                    List<Map<String, Object>> part = read.apply(r.store());
                    more |= part.size() > limit;
                    items.addAll(part);
                } catch (InvalidStateStoreException e) {
                    throw notReadable(store, p, e);
                }
            }
        } else {
            Map<HostInfo, Set<Integer>> owners = new LinkedHashMap<>();
            Map<Integer, List<HostInfo>> standbys = new TreeMap<>();
            placement(s, store, sourceTopic, owners, standbys);
            for (Map.Entry<HostInfo, Set<Integer>> owner : owners.entrySet()) {
                Set<Integer> partitions = owner.getValue();
                if (self.equals(owner.getKey())) {
                    FanOut here = fanOut(store, sourceTopic, path, new Scope(true, partitions, false), limit, order, sortKey, read);
                    items.addAll(here.items());
                    more |= here.more();
                    continue;
                }
                FanOut there = ask(owner.getKey(), path, partitions, false);
                if (there == null) { // the owner does not answer: each of its partitions from a standby, or nothing
                    for (int p : partitions) {
                        FanOut fromStandby = null;
                        for (HostInfo h : standbys.getOrDefault(p, List.of())) {
                            fromStandby = self.equals(h)
                                    ? fanOut(store, sourceTopic, path, new Scope(true, Set.of(p), true), limit, order, sortKey, read)
                                    : ask(h, path, Set.of(p), true);
                            if (fromStandby != null) {
                                break;
                            }
                        }
                        if (fromStandby == null) {
                            throw QueryException.unavailable("partition " + p + " of " + store + " is owned by " + owner.getKey().host() + ":"
                                    + owner.getKey().port() + ", which does not answer, and no standby replica does; retry when the group has rebalanced", 5);
                        }
                        standby = true;
                        items.addAll(fromStandby.items());
                        more |= fromStandby.more();
                    }
                } else {
                    items.addAll(there.items());
                    more |= there.more();
                    standby |= "standby".equals(there.headers().get(SERVED_BY));
                }
            }
        }
        items.sort(Comparator.comparing(sortKey, order));
        if (items.size() > limit) {
            more = true;
            items = new ArrayList<>(items.subList(0, limit));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SERVED_BY, standby ? "standby" : "active");
        headers.put(INSTANCE, self.host() + ":" + self.port());
        return new FanOut(items, more, headers);
    }

    /** Asks another instance for its part of a fan-out; null when it does not answer truthfully. */
    private FanOut ask(HostInfo host, String path, Set<Integer> partitions, boolean stale) {
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(SCOPE, "local");
            headers.put(PARTITIONS, partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
            if (stale) {
                headers.put(STALE, "true");
            }
            Answer a = forwarder.get(host, path, headers);
            if (a.status() != 200) {
                return null;
            }
            Map<String, Object> body = json.readValue(a.json(), new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
            return new FanOut(items, Boolean.TRUE.equals(body.get("more")), a.headers());
        } catch (IOException e) {
            return null;
        }
    }

    /** Which instance owns each partition of the store's source topic, and which hold standbys; 503 if a partition has no owner. */
    private void placement(KafkaStreams s, String store, String sourceTopic, Map<HostInfo, Set<Integer>> owners,
                           Map<Integer, List<HostInfo>> standbys) {
        Map<Integer, HostInfo> active = new TreeMap<>();
        for (StreamsMetadata m : s.streamsMetadataForStore(store)) {
            m.topicPartitions().stream().filter(tp -> tp.topic().equals(sourceTopic)).forEach(tp -> active.put(tp.partition(), m.hostInfo()));
            m.standbyTopicPartitions().stream().filter(tp -> tp.topic().equals(sourceTopic))
                    .forEach(tp -> standbys.computeIfAbsent(tp.partition(), k -> new ArrayList<>()).add(m.hostInfo()));
        }
        int partitions = partitionCount.apply(sourceTopic);
        for (int p = 0; p < partitions; p++) {
            HostInfo owner = active.get(p);
            if (owner == null) {
                throw QueryException.unavailable("partition " + p + " of " + store + " has no owner right now (the group is rebalancing)", 1);
            }
            owners.computeIfAbsent(owner, h -> new TreeSet<>()).add(p);
        }
    }

    private KafkaStreams running(Scope scope) {
        KafkaStreams s = streams.get();
        if (s == null) {
            throw QueryException.unavailable("domain " + domain.name() + " is starting", 1);
        }
        KafkaStreams.State state = s.state();
        if (state == KafkaStreams.State.RUNNING || scope.stale() && state == KafkaStreams.State.REBALANCING) {
            return s;
        }
        if (state == KafkaStreams.State.REBALANCING || state == KafkaStreams.State.CREATED) {
            throw QueryException.unavailable("domain " + domain.name() + " is rebalancing its partitions between instances", 1);
        }
        throw QueryException.unavailable("domain " + domain.name() + " is " + state + " on this instance", 5);
    }

    // ---------------------------------------------------------------- parameters

    private void requireDomain(String name) {
        if (!domain.name().equals(name)) {
            throw QueryException.unknown("domain", name, List.of(domain.name()));
        }
    }

    private Domain.View<?> view(String name) {
        Map<String, Domain.View<?>> byName = viewsByName;
        if (byName == null) {
            // The domain is declared before its runtime serves queries: its views are looked up by name, not listed anew each time.
            byName = domain.views().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Domain.View::name, v -> v));
            viewsByName = byName;
        }
        Domain.View<?> view = byName.get(name);
        if (view == null) {
            throw QueryException.unknown("view", name, domain.views().stream().map(Domain.View::name).toList());
        }
        return view;
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.indexOf('\0') >= 0) {
            throw QueryException.badParameter("key", "a key is 1 to " + MAX_KEY_LENGTH + " characters, without NUL", "o1001");
        }
    }

    private static void requireKeyBound(String parameter, String raw) {
        if (raw != null && raw.length() > MAX_KEY_LENGTH) {
            throw QueryException.badParameter(parameter, "a key bound is at most " + MAX_KEY_LENGTH + " characters", "o100");
        }
    }

    /**
     * An aggregate's range bound: a bucket label sorts in time order only while its year has four
     * digits, so a bound lies in the years 0000 to 9999 of the aggregate's zone (see {@link AggregateView}).
     */
    private Instant bucketBound(String parameter, String raw, TimeBucket bucket) {
        Instant t = time.bound(parameter, raw);
        Instant earliest = AggregateView.earliestFrom(bucket);
        Instant latest = AggregateView.latestTo(bucket);
        if (t.isBefore(earliest) || t.isAfter(latest)) {
            throw QueryException.badParameter(parameter, "'" + parameter + "' must lie between " + local(earliest, bucket) + " and "
                    + local(latest, bucket) + " in " + bucket.zone() + " (" + bucket.unit().name().toLowerCase()
                    + " buckets are labelled by four-digit years), was '" + raw + "'", "2018-07-08");
        }
        return t;
    }

    private static String local(Instant t, TimeBucket bucket) {
        LocalDateTime local = LocalDateTime.ofInstant(t, bucket.zone());
        return local.toLocalTime().equals(LocalTime.MIDNIGHT) ? local.toLocalDate().toString() : local.toString();
    }

    private static HistoryOrder order(String raw) {
        if (raw == null || raw.isBlank() || raw.equalsIgnoreCase("valid")) {
            return HistoryOrder.VALID;
        }
        if (raw.equalsIgnoreCase("recorded")) {
            return HistoryOrder.RECORDED;
        }
        throw QueryException.badParameter("order", "'order' is 'valid' or 'recorded', was '" + raw + "'", "recorded");
    }

    private static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw QueryException.badParameter("limit", "'limit' must be a whole number, was '" + raw + "'", "100");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw QueryException.badParameter("limit", "'limit' must be between 1 and " + MAX_LIMIT + ", was " + limit
                    + "; page through larger ranges with 'next'", "100");
        }
        return limit;
    }

    @SuppressWarnings("unchecked")
    private BitemporalView<ProductRecord<Object>> bitemporal(Domain.View<?> view, ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        Domain.Product<Object> product = (Domain.Product<Object>) view.product();
        String topic = product.topic().value();
        // A serde resolves its schemas when made: one per view, not one per request.
        Serde<ProductRecord<Object>> serde = (Serde<ProductRecord<Object>>) (Serde<?>) serdes.computeIfAbsent(view.name(),
                v -> product.format().serde(topic));
        return new BitemporalView<>(store, serde, topic);
    }

    private String viewPath(Domain.View<?> view) {
        return "/domains/" + encode(domain.name()) + "/views/" + encode(view.name());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Map<String, Object> error(String error, Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", error);
        out.putAll(body);
        return out;
    }

    private Answer ok(Object body) {
        return new Answer(200, Map.of(), write(body));
    }

    String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer as JSON", e);
        }
    }

    private Object parse(String text) {
        try {
            return json.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    /**
     * Where the next page of a range starts, pinned to the first page's times so that all pages
     * answer the same question: {@code base64url(v2 NUL from NUL exclusive NUL to NUL validAt NUL knownAt NUL crc)}.
     * In {@code from} and {@code to}, {@code %} is written {@code %25} and NUL {@code %00}, so that any key
     * travels; {@code crc} (CRC-32 of what precedes it, hex) makes a garbled token one that does not
     * decode, rather than another question.
     */
    record PageToken(String from, boolean exclusive, String to, Instant validAt, Instant knownAt) {

        String encode() {
            String raw = String.join("\0", "v2", escape(from), exclusive ? "x" : "i", to == null ? "" : "=" + escape(to),
                    String.valueOf(validAt.toEpochMilli()), String.valueOf(knownAt.toEpochMilli()));
            raw = raw + "\0" + crc(raw);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** The token's question; a token that does not decode is a 400 naming {@code page}. */
        static PageToken decode(String token) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int crcAt = raw.lastIndexOf('\0');
                String[] parts = raw.substring(0, Math.max(crcAt, 0)).split("\0", -1);
                if (crcAt < 0 || !raw.substring(crcAt + 1).equals(crc(raw.substring(0, crcAt))) || parts.length != 6 || !parts[0].equals("v2")
                        || !(parts[2].equals("x") || parts[2].equals("i")) || !(parts[3].isEmpty() || parts[3].startsWith("="))) {
                    throw new IllegalArgumentException("not a page token");
                }
                return new PageToken(unescape(parts[1]), parts[2].equals("x"), parts[3].isEmpty() ? null : unescape(parts[3].substring(1)),
                        Instant.ofEpochMilli(Long.parseLong(parts[4])), Instant.ofEpochMilli(Long.parseLong(parts[5])));
            } catch (IllegalArgumentException e) {
                throw QueryException.badParameter("page", "'page' must be the 'next' token of a previous answer, unchanged", null);
            }
        }

        private static String escape(String s) {
            return s.replace("%", "%25").replace("\0", "%00");
        }

        private static String unescape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c != '%') {
                    out.append(c);
                } else if (s.startsWith("%25", i) || s.startsWith("%00", i)) {
                    out.append(s.charAt(i + 2) == '5' ? '%' : '\0');
                    i += 2;
                } else {
                    throw new IllegalArgumentException("bad escape in a page token");
                }
            }
            return out.toString();
        }

        private static String crc(String s) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(s.getBytes(StandardCharsets.UTF_8));
            return Long.toHexString(crc.getValue());
        }
    }
}
