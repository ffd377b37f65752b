package io.datamesh.topics;

import java.util.regex.Pattern;

/**
 * The rules a topic name must follow, each with the sentence a refused name is told and a correct
 * example. A rule's name appears in every refusal so that a person can look it up.
 */
public enum NamingRule {
    /** The name has one of the shapes DESIGN allows. */
    SHAPE("a topic is '<domain>.raw.<name>', '<domain>.product.<name>.v<major>', '<domain>.dlq'"
            + " or a Kafka Streams topic '<domain>.<app>-<store>-changelog'", "orders.product.order-lines.v1"),
    /** The first segment is a domain name. */
    DOMAIN("a domain is 1 to 40 lowercase letters, digits and '-', starting with a letter and not ending with '-'",
            "orders.raw.orders"),
    /** Every other segment is a name of the same alphabet. */
    NAME("a name is 1 to 100 lowercase letters, digits and '-', starting with a letter and not ending with '-'",
            "kitchen.raw.pizza-events"),
    /** The second segment says what the topic is. */
    KIND("the second segment is 'raw' or 'product' (or the name is '<domain>.dlq')", "inventory.raw.write-offs"),
    /** A product ends with its major version. */
    MAJOR_VERSION("a product topic ends with '.v<major>', a whole number from 1 without leading zeros",
            "orders.product.orders.v1"),
    /** Kafka's own limit. */
    LENGTH("a topic name has at most 249 characters", "sales.product.pizzas-sold.v1");

    private static final Pattern DOMAIN_PATTERN = Pattern.compile("[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?");
    private static final Pattern NAME_PATTERN = Pattern.compile("[a-z](?:[a-z0-9-]{0,98}[a-z0-9])?");

    private final String rule;
    private final String example;

    NamingRule(String rule, String example) {
        this.rule = rule;
        this.example = example;
    }

    /** The sentence that states the rule. */
    public String rule() {
        return rule;
    }

    /** A name that follows the rule. */
    public String example() {
        return example;
    }

    void check(String segment, String fullName) {
        Pattern p = switch (this) {
            case DOMAIN -> DOMAIN_PATTERN;
            case NAME -> NAME_PATTERN;
            default -> throw new IllegalStateException("rule " + this + " is not a segment rule");
        };
        if (segment == null || !p.matcher(segment).matches()) {
            throw new InvalidTopicNameException(fullName, this, segment);
        }
    }
}
