package io.datamesh.topics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DESIGN's topic names as code: builds them from their parts and parses (validates) a full name.
 * A name is either accepted as a typed {@link TopicName} or refused with an
 * {@link InvalidTopicNameException} naming the rule it breaks.
 */
public final class TopicNames {

    private static final Pattern MAJOR = Pattern.compile("v([1-9][0-9]{0,8})");
    private static final Pattern INTERNAL = Pattern.compile("([^.]+)\\.(.+)-(changelog|repartition)");

    private TopicNames() {
    }

    /** {@code <domain>.raw.<name>}. */
    public static TopicName.Raw raw(String domain, String name) {
        return new TopicName.Raw(domain, name);
    }

    /** {@code <domain>.product.<name>.v<major>}. */
    public static TopicName.Product product(String domain, String name, int major) {
        return new TopicName.Product(domain, name, major);
    }

    /** {@code <domain>.dlq}. */
    public static TopicName.DeadLetters deadLetters(String domain) {
        return new TopicName.DeadLetters(domain);
    }

    /** {@code <domain>.<app>-<store>-changelog}: the changelog Kafka Streams keeps for a view's store. */
    public static TopicName.Internal changelog(String domain, String app, String store) {
        NamingRule.NAME.check(app, domain + "." + app + "-" + store + "-changelog");
        NamingRule.NAME.check(store, domain + "." + app + "-" + store + "-changelog");
        return new TopicName.Internal(domain, app + "-" + store, TopicKind.CHANGELOG);
    }

    /** {@code <domain>.receipts}: what the domain's bus bridge and clickstream collector acknowledged as stored. */
    public static TopicName.Receipts receipts(String domain) {
        return new TopicName.Receipts(domain);
    }

    /** {@code <domain>.cdc.offsets}: the binlog positions the domain's CDC capture has delivered. */
    public static TopicName.Cdc cdcOffsets(String domain) {
        return new TopicName.Cdc(domain, "offsets");
    }

    /** {@code <domain>.cdc.schema-history}: the DDL history of the domain's captured database. */
    public static TopicName.Cdc cdcSchemaHistory(String domain) {
        return new TopicName.Cdc(domain, "schema-history");
    }

    /** {@code <domain>.cdc.signals}: signals to the domain's CDC capture, e.g. an incremental snapshot. */
    public static TopicName.Cdc cdcSignals(String domain) {
        return new TopicName.Cdc(domain, "signals");
    }

    /** The Kafka Streams application id of a domain's app: {@code <domain>.<app>}. */
    public static String applicationId(String domain, String app) {
        String id = domain + "." + app;
        NamingRule.DOMAIN.check(domain, id);
        NamingRule.NAME.check(app, id);
        return id;
    }

    /**
     * Parses a full topic name.
     *
     * @throws InvalidTopicNameException naming the broken rule and a correct example
     */
    public static TopicName parse(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new InvalidTopicNameException(String.valueOf(topic), NamingRule.SHAPE);
        }
        if (topic.length() > 249) {
            throw new InvalidTopicNameException(topic, NamingRule.LENGTH);
        }
        String[] parts = topic.split("\\.", -1);
        if (parts.length == 2 && parts[1].equals("dlq")) {
            return new TopicName.DeadLetters(parts[0]);
        }
        if (parts.length == 2 && parts[1].equals("receipts")) {
            return new TopicName.Receipts(parts[0]);
        }
        if (parts.length == 3 && parts[1].equals("cdc")) {
            return new TopicName.Cdc(parts[0], parts[2]);
        }
        if (parts.length >= 2 && (parts[1].equals("raw") || parts[1].equals("product"))) {
            NamingRule.DOMAIN.check(parts[0], topic);
            return parts[1].equals("raw") ? parseRaw(topic, parts) : parseProduct(topic, parts);
        }
        Matcher internal = INTERNAL.matcher(topic);
        if (internal.matches() && !internal.group(2).contains(".")) {
            return parseInternal(topic, internal);
        }
        if (parts.length == 3 || parts.length == 4) {
            NamingRule.DOMAIN.check(parts[0], topic);
            throw new InvalidTopicNameException(topic, NamingRule.KIND, parts[1]);
        }
        throw new InvalidTopicNameException(topic, NamingRule.SHAPE);
    }

    /** Whether {@code topic} follows the conventions. */
    public static boolean isValid(String topic) {
        try {
            parse(topic);
            return true;
        } catch (InvalidTopicNameException e) {
            return false;
        }
    }

    private static TopicName parseRaw(String topic, String[] parts) {
        if (parts.length != 3) {
            throw new InvalidTopicNameException(topic, parts.length == 4 && MAJOR.matcher(parts[3]).matches()
                    ? NamingRule.KIND : NamingRule.SHAPE);
        }
        NamingRule.NAME.check(parts[2], topic);
        return new TopicName.Raw(parts[0], parts[2]);
    }

    private static TopicName parseProduct(String topic, String[] parts) {
        if (parts.length != 4) {
            if (parts.length == 3) {
                NamingRule.NAME.check(parts[2], topic);
                throw new InvalidTopicNameException(topic, NamingRule.MAJOR_VERSION);
            }
            throw new InvalidTopicNameException(topic, NamingRule.SHAPE);
        }
        NamingRule.NAME.check(parts[2], topic);
        Matcher major = MAJOR.matcher(parts[3]);
        if (!major.matches()) {
            throw new InvalidTopicNameException(topic, NamingRule.MAJOR_VERSION, parts[3]);
        }
        return new TopicName.Product(parts[0], parts[2], Integer.parseInt(major.group(1)));
    }

    private static TopicName parseInternal(String topic, Matcher m) {
        TopicKind kind = m.group(3).equals("changelog") ? TopicKind.CHANGELOG : TopicKind.REPARTITION;
        return new TopicName.Internal(m.group(1), m.group(2), kind);
    }
}
