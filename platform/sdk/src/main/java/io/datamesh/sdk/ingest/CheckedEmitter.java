package io.datamesh.sdk.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.Emitter;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;

/**
 * Collects what a team's mapping or derivation emits, checking each output, so that one bad output
 * rejects the whole input before anything of it is published.
 */
final class CheckedEmitter<P> implements Emitter<P> {

    /** One checked output. */
    record Emitted<P>(String key, Instant validFrom, Operation operation, P payload) {
    }

    private final String who;
    private final List<Emitted<P>> emitted = new ArrayList<>();

    /** @param who "mapping" or "derivation", for the reasons of rejected outputs */
    CheckedEmitter(String who) {
        this.who = who;
    }

    @Override
    public void upsert(String key, Instant validFrom, P payload) {
        add(key, validFrom, Operation.UPSERT, payload);
    }

    @Override
    public void delete(String key, Instant validFrom) {
        add(key, validFrom, Operation.DELETE, null);
    }

    @Override
    public void correct(String key, Instant validFrom, P payload) {
        add(key, validFrom, Operation.CORRECTION, payload);
    }

    /** What was emitted, in order: the emitter's own list, for the caller to read once the mapping has returned. */
    List<Emitted<P>> emitted() {
        return emitted;
    }

    private void add(String key, Instant validFrom, Operation op, P payload) {
        if (key == null || key.isEmpty()) {
            throw new PoisonRecordException(Stage.MAP, ReasonClass.INVALID_OUTPUT, who + " emitted a record without an entity key");
        }
        if (validFrom == null) {
            throw new PoisonRecordException(Stage.MAP, ReasonClass.INVALID_OUTPUT, who + " emitted entity " + key + " without a valid time");
        }
        if (op.hasValue() && payload == null) {
            throw new PoisonRecordException(Stage.MAP, ReasonClass.INVALID_OUTPUT, who + " emitted entity " + key + " without a payload");
        }
        emitted.add(new Emitted<>(key, validFrom, op, payload));
    }
}
