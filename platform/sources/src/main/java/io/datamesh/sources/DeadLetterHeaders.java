package io.datamesh.sources;

/**
 * The header names of a dead letter in {@code <domain>.dlq}, the contract between everything that
 * writes letters (a domain's exception handlers, the bus bridge) and what reads them
 * ({@code mesh dlq list|show|replay}). A letter is the original key and value bytes, the original
 * headers, and these (UTF-8 text).
 */
public final class DeadLetterHeaders {

    /** Why, in one line a person can act on. */
    public static final String REASON = "mesh.dlq.reason";
    /** The reason's class: one of a fixed set, for filters and metrics. */
    public static final String REASON_CLASS = "mesh.dlq.reason.class";
    /** Where it was rejected: {@code deserialize}, {@code map}, {@code verify}, {@code produce}, or {@code bridge}. */
    public static final String STAGE = "mesh.dlq.stage";
    /** The exception's class, if any. */
    public static final String EXCEPTION = "mesh.dlq.exception";
    /** The topic (or, for the bridge, the queue) the rejected record was read from. */
    public static final String SOURCE_TOPIC = "mesh.dlq.source.topic";
    /** Its partition there (-1 when it never was in Kafka). */
    public static final String SOURCE_PARTITION = "mesh.dlq.source.partition";
    /** Its offset there (-1 when it never was in Kafka). */
    public static final String SOURCE_OFFSET = "mesh.dlq.source.offset";
    /** Its Kafka timestamp, epoch ms: its recordedAt when it had no {@code mesh.recorded.at} header. */
    public static final String SOURCE_TIMESTAMP = "mesh.dlq.source.timestamp";
    /** The processor or component that rejected it. */
    public static final String PROCESSOR = "mesh.dlq.processor";
    /** The wall-clock time of rejection, for operators. */
    public static final String REJECTED_AT = "mesh.dlq.rejected.at";

    private DeadLetterHeaders() {
    }
}
