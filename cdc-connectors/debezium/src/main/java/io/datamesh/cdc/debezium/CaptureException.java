package io.datamesh.cdc.debezium;

import java.util.Objects;

/**
 * A capture refused to start, or stopped, for a reason an operator must act on. The message says
 * what happened, with identifiers (domain, table, binlog file), and what to do; {@link #reason()}
 * classifies it for the CLI and the status.
 */
public final class CaptureException extends RuntimeException {

    /**
     * The command that re-snapshots a domain on purpose (it calls {@link Capture#resnapshot}); every
     * message that asks for a re-snapshot names it.
     */
    public static final String RESNAPSHOT_COMMAND = "bin/mesh cdc snapshot %s --reset";

    /** Why a capture does not run. */
    public enum Reason {
        /** The stored offset points into a binlog file the server no longer has. */
        BINLOG_PURGED,
        /** The offsets are gone but the schema history is there: the capture does not know where it was. */
        OFFSETS_LOST,
        /** The offsets are there but the schema history is gone: the capture cannot read the binlog. */
        HISTORY_LOST,
        /** The server's binlog is off or not ROW with full row images. */
        BINLOG_SETTINGS,
        /** A captured table is missing. */
        NO_TABLE,
        /** A captured table has no primary key: its raw records would have no key. */
        NO_PRIMARY_KEY,
        /** A captured column has a type the raw format cannot carry. */
        UNSUPPORTED_COLUMN,
        /** The capture user may not connect, replicate, or read a captured table. */
        ACCESS_DENIED,
        /** The database server cannot be reached. */
        UNREACHABLE,
        /** Debezium stopped with an error that is none of the above. */
        ENGINE_FAILED
    }

    private final Reason reason;

    public CaptureException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CaptureException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** The re-snapshot command for a domain, to end a message with. */
    static String resnapshotCommand(String domain) {
        return String.format(RESNAPSHOT_COMMAND, domain);
    }
}
