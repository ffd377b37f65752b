package io.datamesh.topics;

/** A topic name breaks one of DESIGN's {@link NamingRule}s; the message names the rule and shows a correct example. */
public final class InvalidTopicNameException extends IllegalArgumentException {

    private final String topic;
    private final NamingRule rule;

    InvalidTopicNameException(String topic, NamingRule rule) {
        this(topic, rule, null);
    }

    InvalidTopicNameException(String topic, NamingRule rule, String segment) {
        super("topic '" + topic + "' breaks naming rule " + rule.name().toLowerCase(java.util.Locale.ROOT)
                + (segment == null ? "" : " at '" + segment + "'") + ": " + rule.rule()
                + "; for example '" + rule.example() + "'");
        this.topic = topic;
        this.rule = rule;
    }

    /** The refused name. */
    public String topic() {
        return topic;
    }

    /** The rule it breaks. */
    public NamingRule rule() {
        return rule;
    }
}
