package io.datamesh.sdk.record;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.SourceOrder;
import io.datamesh.sources.SourcePosition;

/**
 * How versions of one entity with equal validFrom and recordedAt are told apart and ordered in the
 * platform's stores (views, aggregates, derivations): two changes of a row in the same second of a
 * binlog, two clicks in the same millisecond. A version's tie-break is its source position, in the
 * source's order ({@link SourceOrder}), so as-of answers the later one; a {@code CORRECTION} takes
 * the last place of its coordinates, one place for all of them, so it supersedes what was published
 * there and the latest correction (the last written: a coordinate's records are in one partition, in
 * order) is the one that holds.
 */
public final class TieBreak {

    /** The place of a correction: above every source position (whose first byte is a kind's ordinal). */
    private static final byte[] CORRECTION = {(byte) 0xFE};

    private TieBreak() {
    }

    /** The tie-break of a version with this operation and source position. */
    public static byte[] of(Operation operation, SourcePosition source) {
        return operation == Operation.CORRECTION ? CORRECTION.clone() : SourceOrder.of(source);
    }

    /** The same, followed by the entity: versions of several entities in one store (a derivation's group). */
    public static byte[] of(Operation operation, SourcePosition source, String entity) {
        if (operation != Operation.CORRECTION) {
            return SourceOrder.of(source, entity);
        }
        return SourceOrder.placed(CORRECTION[0], entity);
    }
}
