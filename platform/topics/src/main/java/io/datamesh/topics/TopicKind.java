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
    REPARTITION,
    /** Where a domain's CDC capture keeps its offsets (binlog positions); compacted, one partition. */
    CDC_OFFSETS,
    /** A domain's CDC capture's database schema history; kept forever, never compacted, one partition (Debezium's requirement). */
    CDC_SCHEMA_HISTORY,
    /** Signals to a domain's CDC capture (e.g. an incremental snapshot of a table); short-lived, one partition. */
    CDC_SIGNALS,
    /** What a domain's sources (bus bridge, clickstream collector) acknowledged as stored, one record per source id; compacted, one partition. */
    RECEIPTS
}
