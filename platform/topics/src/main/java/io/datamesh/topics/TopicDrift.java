package io.datamesh.topics;

/**
 * An existing topic whose setting differs from what the conventions want. The platform reports it
 * and leaves the topic alone: changing a live topic is an operator's decision.
 */
public record TopicDrift(String topic, String setting, String expected, String actual) {

    @Override
    public String toString() {
        return "topic " + topic + ": " + setting + " is " + actual + ", conventions want " + expected;
    }
}
