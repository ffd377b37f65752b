package io.datamesh.topics;

/** The kinds of topic DESIGN names, each with its own settings. */
public enum TopicKind {
    /** Private source data of a domain; expires after the raw retention. */
    RAW,
    /** Public data product; {@code cleanup.policy=delete}, {@code retention.ms=-1}: never expires. */
    PRODUCT,
    /** Dead letters of a domain; expires after the DLQ retention. */
    DLQ,
    /** Changelog of a view's state store; compacted. */
    CHANGELOG,
    /** Repartition topic of a Kafka Streams application; managed by Kafka Streams. */
    REPARTITION
}
