package io.datamesh.topics;

/**
 * A topic name that follows DESIGN's conventions. Obtain one from {@link TopicNames#parse(String)}
 * or from the factory methods there; the record constructors check their parts too.
 */
public sealed interface TopicName permits TopicName.Raw, TopicName.Product, TopicName.DeadLetters, TopicName.Internal, TopicName.Cdc,
        TopicName.Receipts {

    /** The domain that owns the topic (the first segment). */
    String domain();

    /** The full topic name as it appears on the broker. */
    String value();

    /** What the topic is for; decides its settings. */
    TopicKind kind();

    /** {@code <domain>.raw.<name>}: a domain's private source topic. */
    record Raw(String domain, String name) implements TopicName {
        public Raw {
            NamingRule.DOMAIN.check(domain, domain + ".raw." + name);
            NamingRule.NAME.check(name, domain + ".raw." + name);
        }

        @Override
        public String value() {
            return domain + ".raw." + name;
        }

        @Override
        public TopicKind kind() {
            return TopicKind.RAW;
        }
    }

    /** {@code <domain>.product.<name>.v<major>}: a public, append-only, never-expiring data product. */
    record Product(String domain, String name, int major) implements TopicName {
        public Product {
            String full = domain + ".product." + name + ".v" + major;
            NamingRule.DOMAIN.check(domain, full);
            NamingRule.NAME.check(name, full);
            if (major < 1) {
                throw new InvalidTopicNameException(full, NamingRule.MAJOR_VERSION);
            }
        }

        @Override
        public String value() {
            return domain + ".product." + name + ".v" + major;
        }

        @Override
        public TopicKind kind() {
            return TopicKind.PRODUCT;
        }

        /** The same product's next major version: the way out of a breaking schema change. */
        public Product nextMajor() {
            return new Product(domain, name, major + 1);
        }
    }

    /** {@code <domain>.dlq}: the domain's dead letters. */
    record DeadLetters(String domain) implements TopicName {
        public DeadLetters {
            NamingRule.DOMAIN.check(domain, domain + ".dlq");
        }

        @Override
        public String value() {
            return domain + ".dlq";
        }

        @Override
        public TopicKind kind() {
            return TopicKind.DLQ;
        }
    }

    /**
     * {@code <domain>.receipts}: what a domain's sources told their senders they stored. The bus
     * bridge and the clickstream collector write one receipt per source id once Kafka has the raw
     * record and before they acknowledge it to the bus or answer the client; {@code mesh audit} holds
     * the receipts against the product. Compacted by source id, private to the domain's sources.
     */
    record Receipts(String domain) implements TopicName {
        public Receipts {
            NamingRule.DOMAIN.check(domain, domain + ".receipts");
        }

        @Override
        public String value() {
            return domain + ".receipts";
        }

        @Override
        public TopicKind kind() {
            return TopicKind.RECEIPTS;
        }
    }

    /**
     * A topic Kafka Streams creates for an application {@code <domain>.<app>}:
     * {@code <domain>.<app>-<store>-changelog} (a view's changelog, compacted) or
     * {@code <domain>.<app>-<name>-repartition}. Since app and store names may both contain '-',
     * the part between the domain and the suffix is kept whole as {@code qualifier}.
     */
    record Internal(String domain, String qualifier, TopicKind kind) implements TopicName {
        public Internal {
            if (kind != TopicKind.CHANGELOG && kind != TopicKind.REPARTITION) {
                throw new IllegalArgumentException("an internal topic is a changelog or a repartition topic, not " + kind);
            }
            String full = domain + "." + qualifier + suffix(kind);
            NamingRule.DOMAIN.check(domain, full);
            NamingRule.NAME.check(qualifier, full);
            if (qualifier.indexOf('-') < 0) {
                throw new InvalidTopicNameException(full, NamingRule.SHAPE);
            }
        }

        @Override
        public String value() {
            return domain + "." + qualifier + suffix(kind);
        }

        private static String suffix(TopicKind kind) {
            return kind == TopicKind.REPARTITION ? "-repartition" : "-changelog";
        }
    }

    /**
     * {@code <domain>.cdc.<what>}: the state of a domain's CDC capture, private to its sources:
     * {@code offsets}, {@code schema-history} or {@code signals}.
     */
    record Cdc(String domain, String what) implements TopicName {
        /** The three topics a capture keeps. */
        public static final java.util.List<String> WHATS = java.util.List.of("offsets", "schema-history", "signals");

        public Cdc {
            NamingRule.DOMAIN.check(domain, domain + ".cdc." + what);
            if (!WHATS.contains(what)) {
                throw new InvalidTopicNameException(domain + ".cdc." + what, NamingRule.KIND, what);
            }
        }

        @Override
        public String value() {
            return domain + ".cdc." + what;
        }

        @Override
        public TopicKind kind() {
            return switch (what) {
                case "offsets" -> TopicKind.CDC_OFFSETS;
                case "schema-history" -> TopicKind.CDC_SCHEMA_HISTORY;
                default -> TopicKind.CDC_SIGNALS;
            };
        }
    }
}
