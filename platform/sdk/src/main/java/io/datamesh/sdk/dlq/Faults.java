package io.datamesh.sdk.dlq;

import io.datamesh.serde.SerdeFailure;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Tells a record's own faults from the platform's. Only the first go to the DLQ: a record that
 * failed because a disk is full, a store is closed or the schema registry is unreachable is not
 * poison, and dead-lettering it would skip it for good. Those failures fail the task instead;
 * Kafka Streams restarts it from its last commit and the record is tried again.
 */
public final class Faults {

    private Faults() {
    }

    /**
     * Whether {@code exception} says nothing about the record being processed: storage (a state
     * store's failure, e.g. RocksDB out of space), an unreachable registry, or Kafka's own client
     * errors (not serialization).
     */
    public static boolean notTheRecords(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof ProcessorStateException || t instanceof InvalidStateStoreException
                    || t.getClass().getName().equals("org.rocksdb.RocksDBException")
                    || t instanceof SerdeFailure f && f.reason() == SerdeFailure.Reason.REGISTRY_UNAVAILABLE) {
                return true;
            }
        }
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecordException || t instanceof SerializationException) {
                return false;
            }
        }
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof KafkaException && !(t instanceof StreamsException)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What to throw when the team's code ({@code what}: its mapping, derivation, an aggregate's function)
     * threw {@code e}: the same exception when it is not the record's fault, else a poison record at the
     * stage {@code map} whose reason starts with {@code what}.
     */
    public static RuntimeException teamCodeFailed(ReasonClass reasonClass, String what, Exception e) {
        if (e instanceof PoisonRecordException p) {
            return p;
        }
        if (e instanceof RuntimeException r && notTheRecords(r)) {
            return r;
        }
        return new PoisonRecordException(Stage.MAP, reasonClass,
                what + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
}
