package io.datamesh.sources;

import java.util.Objects;

/**
 * Where a record came from in its source: the identity that makes replays idempotent.
 *
 * <ul>
 *   <li>{@link Kind#CDC}: {@code source} = database server, {@code segment} = binlog file,
 *       {@code offset} = position in it, {@code row} = row within the event, {@code id} = GTID if any.
 *       Ordered: a later change has a greater (segment, offset, row).</li>
 *   <li>{@link Kind#KAFKA}: {@code source} = topic, {@code segment} = partition, {@code offset} = offset.
 *       Ordered within the partition.</li>
 *   <li>{@link Kind#BUS}: {@code source} = queue, {@code id} = AMQP message id. Not ordered.</li>
 *   <li>{@link Kind#CLICK}: {@code source} = collector, {@code id} = click id. Not ordered.</li>
 * </ul>
 */
public record SourcePosition(Kind kind, String source, String segment, long offset, int row, String id) {

    /** Source kinds; ordered kinds are deduplicated by high-water mark, the others by id within a window. */
    public enum Kind {
        CDC(true), KAFKA(true), BUS(false), CLICK(false),
        /** A dead letter re-injected by an operator: {@code source} = DLQ topic, {@code id} = its DLQ offset. */
        REPLAY(false);

        private final boolean ordered;

        Kind(boolean ordered) {
            this.ordered = ordered;
        }

        /** Whether positions of one source stream only grow. */
        public boolean ordered() {
            return ordered;
        }
    }

    public SourcePosition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        segment = segment == null ? "" : segment;
        if (!kind.ordered() && (id == null || id.isEmpty())) {
            throw new IllegalArgumentException(kind + " position of " + source + " needs an id");
        }
    }

    public static SourcePosition cdc(String server, String binlogFile, long position, int row, String gtid) {
        return new SourcePosition(Kind.CDC, server, binlogFile, position, row, gtid);
    }

    public static SourcePosition kafka(String topic, int partition, long offset) {
        return new SourcePosition(Kind.KAFKA, topic, String.valueOf(partition), offset, 0, null);
    }

    public static SourcePosition bus(String queue, String messageId) {
        return new SourcePosition(Kind.BUS, queue, "", 0, 0, messageId);
    }

    public static SourcePosition click(String collector, String clickId) {
        return new SourcePosition(Kind.CLICK, collector, "", 0, 0, clickId);
    }

    /** The identity of an operator's replay of the dead letter at {@code offset} of {@code dlqTopic}. */
    public static SourcePosition replay(String dlqTopic, long offset) {
        return new SourcePosition(Kind.REPLAY, dlqTopic, "", 0, 0, String.valueOf(offset));
    }

    /** The stream within which ordered positions grow: a CDC server, or one Kafka partition. */
    public String stream() {
        return kind == Kind.KAFKA ? kind + "|" + source + "|" + segment : kind + "|" + source;
    }

    /** Whether {@code other} is a position of the same {@link #stream()}. */
    public boolean sameStream(SourcePosition other) {
        return kind == other.kind && source.equals(other.source) && (kind != Kind.KAFKA || segment.equals(other.segment));
    }

    /** Whether this ordered position comes after {@code other} of the same stream. */
    public boolean isAfter(SourcePosition other) {
        if (!kind.ordered() || !sameStream(other)) {
            throw new IllegalArgumentException("positions " + this + " and " + other + " are not of one ordered stream");
        }
        if (kind == Kind.CDC) {
            int bySegment = segment.compareTo(other.segment);
            if (bySegment != 0) {
                return bySegment > 0;
            }
        }
        return offset != other.offset ? offset > other.offset : row > other.row;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CDC -> "cdc:" + source + "/" + segment + ":" + offset + "#" + row + (id == null ? "" : " gtid " + id);
            case KAFKA -> "kafka:" + source + "-" + segment + "@" + offset;
            case BUS -> "bus:" + source + "/" + id;
            case CLICK -> "click:" + source + "/" + id;
            case REPLAY -> "replay:" + source + "@" + id;
        };
    }
}
