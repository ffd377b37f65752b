package io.datamesh.sdk;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.datamesh.bitemporal.aggregate.BitemporalAggregation;
import io.datamesh.bitemporal.aggregate.BucketKey;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.sdk.record.AvroProductFormat;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecordBase;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.common.serialization.Serde;

/**
 * A domain's declaration: what it reads, what it publishes, what it materializes. Built by a
 * {@link DomainDefinition}; every name is checked against DESIGN's conventions as it is declared,
 * so a wrong one fails the team's build, not a deployment.
 */
public final class Domain {

    private final String name;
    private String owner = "unknown";
    private ZoneId zone = ZoneId.of("UTC");
    private String app = "pipeline";
    private final List<Raw<?>> raws = new ArrayList<>();
    private final List<Consumed<?>> consumed = new ArrayList<>();
    private final List<Product<?>> products = new ArrayList<>();
    private final List<Aggregate<?, ?, ?, ?>> aggregates = new ArrayList<>();
    private final List<Derived<?, ?>> derivations = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final SchemaRegistryClient registry;
    private final boolean autoRegister;

    Domain(String name, SchemaRegistryClient registry, boolean autoRegister) {
        TopicNames.deadLetters(name); // checks the domain name rule
        this.name = name;
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    /** Runs {@code definition} on a fresh declaration, with an in-memory registry that registers on first use (tests). */
    public static Domain of(DomainDefinition definition) {
        return of(definition, new InMemorySchemaRegistryClient(), true);
    }

    /** Runs {@code definition} with the platform's registry; {@code autoRegister} only in dev. */
    public static Domain of(DomainDefinition definition, SchemaRegistryClient registry, boolean autoRegister) {
        Domain d = new Domain(definition.name(), registry, autoRegister);
        definition.define(d);
        return d;
    }

    /** The Avro format of a product whose value schema is the generated envelope class {@code envelope}. */
    public <W extends SpecificRecordBase, P extends SpecificRecordBase> AvroProductFormat<W, P> avro(Class<W> envelope, Class<P> payload) {
        return autoRegister ? AvroProductFormat.autoRegistering(envelope, payload, registry) : AvroProductFormat.of(envelope, payload, registry);
    }

    /** The registry this declaration's formats use. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** The team that owns the domain, e.g. an e-mail address. */
    public Domain owner(String owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
        return this;
    }

    /** The time zone of the domain's business days (aggregate buckets). Default UTC. */
    public Domain timeZone(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
        return this;
    }

    /** The second part of the Kafka Streams application id {@code <domain>.<app>}. Default {@code pipeline}. */
    public Domain app(String app) {
        TopicNames.applicationId(name, app);
        this.app = app;
        return this;
    }

    /** A private raw input {@code <domain>.raw.<rawName>}, read with {@code serde}. */
    public <R> Raw<R> raw(String rawName, Serde<R> serde) {
        Raw<R> raw = new Raw<>(TopicNames.raw(name, rawName), Objects.requireNonNull(serde, "serde"));
        claim(raw.topic().value());
        raws.add(raw);
        return raw;
    }

    /** Another domain's public product, read as an input. */
    public <P> Consumed<P> consume(String productTopic, ProductFormat<P> format) {
        TopicName parsed = TopicNames.parse(productTopic);
        if (!(parsed instanceof TopicName.Product p)) {
            throw new IllegalArgumentException("a domain reads public products only: '" + productTopic
                    + "' is not '<domain>.product.<name>.v<major>'");
        }
        Consumed<P> c = new Consumed<>(p, Objects.requireNonNull(format, "format"));
        claim(productTopic);
        consumed.add(c);
        return c;
    }

    /** Publishes {@code <domain>.product.<productName>.v<major>}, mapped from a raw input. */
    public <R, P> Product<P> publish(String productName, int major, ProductFormat<P> format, Raw<R> from, Mapping<R, P> mapping) {
        Product<P> product = new Product<>(this, TopicNames.product(name, productName, major), format,
                new Mapped<>(Objects.requireNonNull(from, "from"), Objects.requireNonNull(mapping, "mapping")));
        claim(product.topic().value());
        products.add(product);
        return product;
    }

    /**
     * A bitemporal aggregate of a product (own or consumed), per group and valid-time bucket in the
     * domain's time zone, published as its own product.
     */
    public <P, C, A, Q> Aggregate<P, C, A, Q> aggregate(String aggregateName, Source<P> of, TimeBucket.Unit unit,
                                                       Function<P, String> group,
                                                       Function<ProductRecord<P>, Instant> bucketTime,
                                                       Function<P, C> contribution, BitemporalAggregation<C, A> aggregation,
                                                       String productName, int major, ProductFormat<Q> format,
                                                       BiFunction<BucketKey, A, Q> toPayload) {
        claim(aggregateName);
        Product<Q> published = new Product<>(this, TopicNames.product(name, productName, major), format, null);
        claim(published.topic().value());
        Aggregate<P, C, A, Q> a = new Aggregate<>(aggregateName, of, new TimeBucket(unit, zone), group, bucketTime,
                contribution, aggregation, published, toPayload);
        aggregates.add(a);
        products.add(published);
        return a;
    }

    /**
     * Publishes {@code <domain>.product.<productName>.v<major>}, derived from another product with
     * memory of each group's history. {@code regroup} (may be null) gives the group of a record when
     * it is not the record's entity key, e.g. the session of a click.
     */
    public <P, Q> Product<Q> derive(String productName, int major, ProductFormat<Q> format, Source<P> from,
                                    Function<ProductRecord<P>, String> regroup, Derivation<P, Q> derivation) {
        Product<Q> product = new Product<>(this, TopicNames.product(name, productName, major), format, null);
        claim(product.topic().value());
        products.add(product);
        derivations.add(new Derived<>(product, Objects.requireNonNull(from, "from"), regroup, Objects.requireNonNull(derivation, "derivation")));
        return product;
    }

    public String name() {
        return name;
    }

    List<Derived<?, ?>> derivations() {
        return List.copyOf(derivations);
    }

    public String owner() {
        return owner;
    }

    public ZoneId zone() {
        return zone;
    }

    /** {@code <domain>.<app>}. */
    public String applicationId() {
        return TopicNames.applicationId(name, app);
    }

    public TopicName.DeadLetters deadLetters() {
        return TopicNames.deadLetters(name);
    }

    public List<Raw<?>> raws() {
        return List.copyOf(raws);
    }

    public List<Consumed<?>> consumed() {
        return List.copyOf(consumed);
    }

    public List<Product<?>> products() {
        return List.copyOf(products);
    }

    public List<Aggregate<?, ?, ?, ?>> aggregates() {
        return List.copyOf(aggregates);
    }

    /** Every view of every product, in declaration order. */
    public List<View<?>> views() {
        List<View<?>> all = new ArrayList<>();
        products.forEach(p -> all.addAll(p.views));
        return all;
    }

    private void claim(String declared) {
        if (!names.add(declared)) {
            throw new IllegalArgumentException("domain " + name + " declares '" + declared + "' twice");
        }
    }

    /** Something a domain can read records of: its own product or another domain's. */
    public sealed interface Source<P> permits Product, Consumed {
        TopicName.Product topic();

        ProductFormat<P> format();
    }

    /** A raw input topic. */
    public record Raw<R>(TopicName.Raw topic, Serde<R> serde) {
    }

    /** Another domain's product this domain reads. */
    public record Consumed<P>(TopicName.Product topic, ProductFormat<P> format) implements Source<P> {
    }

    /** How a product is made from a raw input. */
    record Mapped<R, P>(Raw<R> raw, Mapping<R, P> mapping) {
    }

    /** A product this domain publishes. */
    public static final class Product<P> implements Source<P> {
        private final Domain domain;
        private final TopicName.Product topic;
        private final ProductFormat<P> format;
        private final Mapped<?, P> mapped;
        private Freshness freshness = new Freshness(Duration.ofMinutes(15));
        private final List<View<P>> views = new ArrayList<>();
        private final Set<String> readers = new LinkedHashSet<>();

        Product(Domain domain, TopicName.Product topic, ProductFormat<P> format, Mapped<?, P> mapped) {
            this.domain = domain;
            this.topic = topic;
            this.format = Objects.requireNonNull(format, "format");
            this.mapped = mapped;
        }

        /** The freshness objective (default 15 minutes). */
        public Product<P> freshness(Duration slo) {
            this.freshness = new Freshness(slo);
            return this;
        }

        /** Materializes the product as a bitemporal view named {@code viewName}, queryable over HTTP. */
        public Product<P> view(String viewName) {
            domain.claim(viewName);
            TopicNames.changelog(domain.name, domain.app, viewName); // checks the name
            views.add(new View<>(viewName, this));
            return this;
        }

        /** Restricts who may read the product to these domains (default: every domain). */
        public Product<P> readableBy(String... domains) {
            for (String d : domains) {
                TopicNames.deadLetters(d);
                readers.add(d);
            }
            return this;
        }

        @Override
        public TopicName.Product topic() {
            return topic;
        }

        @Override
        public ProductFormat<P> format() {
            return format;
        }

        public Freshness freshness() {
            return freshness;
        }

        public List<View<P>> views() {
            return List.copyOf(views);
        }

        /** Domains allowed to read; empty means every domain. */
        public Set<String> readers() {
            return Set.copyOf(readers);
        }

        Mapped<?, P> mapped() {
            return mapped;
        }

        /**
         * The product records this product's mapping makes of one raw record of its raw topic, checked and
         * hashed as the ingest does, published nowhere; empty for a product that is not mapped from a raw topic.
         */
        public List<io.datamesh.sdk.record.ProductRecord<P>> mapOnce(String key, byte[] value, org.apache.kafka.common.header.Headers headers,
                                                                    Instant recordedAt, io.datamesh.sources.SourcePosition position) {
            return mapped == null ? List.of() : mapOnce(mapped, key, value, headers, recordedAt, position);
        }

        private <R> List<io.datamesh.sdk.record.ProductRecord<P>> mapOnce(Mapped<R, P> m, String key, byte[] value,
                                                                          org.apache.kafka.common.header.Headers headers, Instant recordedAt,
                                                                          io.datamesh.sources.SourcePosition position) {
            return io.datamesh.sdk.ingest.MapOnce.apply(m.mapping(), m.raw().serde().deserializer(), format, m.raw().topic().value(), key, value,
                    headers, recordedAt, position);
        }

        /** The raw topic this product is mapped from; empty for a product an aggregate or a derivation publishes. */
        public java.util.Optional<TopicName.Raw> rawInput() {
            return mapped == null ? java.util.Optional.empty() : java.util.Optional.of(mapped.raw().topic());
        }
    }

    /** A derived product: from which source, grouped how, derived how. */
    record Derived<P, Q>(Product<Q> product, Source<P> from, Function<ProductRecord<P>, String> regroup, Derivation<P, Q> derivation) {
    }

    /** A bitemporal view of a product. */
    public record View<P>(String name, Product<P> product) {
    }

    /** A bitemporal aggregate and the product it publishes. */
    public record Aggregate<P, C, A, Q>(String name, Source<P> of, TimeBucket bucket, Function<P, String> group,
                                        Function<ProductRecord<P>, Instant> bucketTime, Function<P, C> contribution,
                                        BitemporalAggregation<C, A> aggregation, Product<Q> published,
                                        BiFunction<BucketKey, A, Q> toPayload) {
    }
}
