package io.datamesh.sources;

import java.util.Objects;

/**
 * Where a record came from in its source: the identity that makes replays idempotent.
 *
 * <ul>
 *   <li>{@link Kind#CDC}: {@code source} = the capture's name of the database server, {@code segment}
 *       = binlog file, {@code offset} = position in it, {@code row} = row within the event, {@code id}
 *       = GTID if any. Ordered ({@link #isAfter}): by GTID where both positions have one of the same
 *       replication domain (so a failover to a replica, whose binlog files have other names and
 *       positions, continues the stream), else by binlog file — its sequence number, not its name as
 *       text ({@code mariadb-bin.1000000} comes after {@code mariadb-bin.999999}) — then position and
 *       row. A capture that starts a new stream on purpose (a re-snapshot after a binlog reset) names
 *       its source {@code <server>@<epoch>}; its snapshot reads come as {@code <server>/snapshot-<run>}
 *       with an empty segment and the record's number in the run as offset: each is a stream of its
 *       own, so a reader tells a re-read from a change, and a new stream never looks like a replay
 *       of an old one.</li>
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
        // Without GTIDs and in one binlog file (nearly every record of a stream), the file's order is not asked:
        // the coordinates decide, as below, without parsing the file name again for every record.
        if (kind == Kind.CDC && !(id == null && other.id == null && segment.equals(other.segment))) {
            Gtid mine = Gtid.parse(id);
            Gtid theirs = Gtid.parse(other.id);
            BinlogFile file = BinlogFile.parse(segment);
            BinlogFile otherFile = BinlogFile.parse(other.segment);
            if (mine != null && theirs != null && mine.domain().equals(theirs.domain())) {
                if (mine.sequence() != theirs.sequence()) {
                    return mine.sequence() > theirs.sequence();
                }
                if (!file.basename().equals(otherFile.basename())) {
                    return false; // the same transaction, read again from another server: published already
                }
            }
            int byFile = file.compareTo(otherFile);
            if (byFile != 0) {
                return byFile > 0;
            }
        }
        return offset != other.offset ? offset > other.offset : row > other.row;
    }

    /**
     * A global transaction id: MariaDB's {@code domain-server-sequence} or MySQL's {@code uuid:sequence}.
     * Transactions of one replication domain (MariaDB) or one originating server (MySQL) are ordered by
     * sequence, on every server that has them.
     *
     * @param domain MariaDB's domain id, or MySQL's server uuid
     */
    public record Gtid(String domain, long sequence) {

        /** The GTID in {@code id}, or null when it is none (absent, or another form). */
        public static Gtid parse(String id) {
            if (id == null || id.isEmpty()) {
                return null;
            }
            try {
                int colon = id.lastIndexOf(':');
                if (colon > 0) {
                    return new Gtid(id.substring(0, colon), Long.parseLong(id.substring(colon + 1)));
                }
                int first = id.indexOf('-');
                int last = id.lastIndexOf('-');
                if (first > 0 && last > first) {
                    Long.parseLong(id.substring(first + 1, last)); // the server id: a number, or this is no GTID
                    return new Gtid(id.substring(0, first), Long.parseLong(id.substring(last + 1)));
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return null;
        }
    }

    /**
     * A binlog file name as its base name and sequence number: {@code mariadb-bin.000042} is
     * ({@code mariadb-bin}, 42). Ordered by base name, then number; a name without a numeric
     * extension has number -1 and is ordered by its name.
     */
    public record BinlogFile(String basename, long sequence) implements Comparable<BinlogFile> {

        public static BinlogFile parse(String file) {
            int dot = file.lastIndexOf('.');
            if (dot >= 0 && dot < file.length() - 1 && file.length() - dot - 1 <= 18) {
                boolean digits = true;
                for (int i = dot + 1; i < file.length() && digits; i++) {
                    digits = Character.isDigit(file.charAt(i));
                }
                if (digits) {
                    return new BinlogFile(file.substring(0, dot), Long.parseLong(file.substring(dot + 1)));
                }
            }
            return new BinlogFile(file, -1);
        }

        @Override
        public int compareTo(BinlogFile o) {
            int byName = basename.compareTo(o.basename);
            return byName != 0 ? byName : Long.compare(sequence, o.sequence);
        }
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
