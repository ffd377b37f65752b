package io.datamesh.sdk.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.sdk.record.SourceHeaders;
import io.datamesh.sdk.record.SourcePosition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers which source positions a product has already published, so a replayed source record
 * produces nothing new. Kept in a logged store of the ingesting task, updated in the same
 * exactly-once transaction as the output.
 *
 * <p><b>Ordered sources</b> (CDC binlog, Kafka partitions): a connector emits in source order and
 * Kafka keeps that order per partition, so each partition sees growing positions per stream; the
 * guard keeps one high-water mark per stream and drops anything at or below it. Memory: one entry
 * per stream.
 *
 * <p><b>Unordered sources</b> (AMQP message ids, click ids): the guard keeps every id seen within a
 * window (default 7 days of recordedAt, measured against the newest recordedAt seen: stream time,
 * not the wall clock), then forgets it. This is safe because a redelivery happens when a consumer
 * did not acknowledge: RabbitMQ redelivers on reconnect, within minutes, and the bridge acknowledges
 * only after Kafka did; a message older than the window would have to sit unacknowledged for a week.
 * Memory: ids per window (rate × window).
 */
public final class ReplayGuard {

    private static final String MARK = "m|";
    private static final String ID = "i|";
    private static final String BY_TIME = "t|";

    private final KeyValueStore<String, byte[]> store;
    private final Duration window;
    /** The high-water marks read or written by this task since it was initialised: the store stays the truth. */
    private final Map<String, SourcePosition> marks = new HashMap<>();
    /** The store key of the last ordered stream seen: consecutive records mostly come from one stream. */
    private SourcePosition lastStream;
    private String lastKey;

    public ReplayGuard(KeyValueStore<String, byte[]> store, Duration window) {
        this.store = store;
        this.window = window;
    }

    /** Whether {@code position} was published already; if not, remembers it. */
    public boolean seenBefore(SourcePosition position, Instant recordedAt) {
        if (position.kind().ordered()) {
            String key = markKey(position);
            SourcePosition mark = marks.get(key);
            if (mark == null) {
                byte[] stored = store.get(key);
                mark = stored == null ? null : SourceHeaders.decode(stored);
            }
            if (mark != null && !position.isAfter(mark)) {
                marks.put(key, mark);
                return true;
            }
            store.put(key, SourceHeaders.encode(position).getBytes(StandardCharsets.UTF_8));
            marks.put(key, position);
            return false;
        }
        String key = ID + position.stream() + "|" + position.id();
        if (store.get(key) != null) {
            return true;
        }
        String time = String.format("%016x", recordedAt.toEpochMilli());
        store.put(key, time.getBytes(StandardCharsets.UTF_8));
        store.put(BY_TIME + time + "|" + position.stream() + "|" + position.id(), new byte[0]);
        return false;
    }

    private String markKey(SourcePosition position) {
        if (lastStream == null || !lastStream.sameStream(position)) {
            lastStream = position;
            lastKey = MARK + position.stream();
        }
        return lastKey;
    }

    /** Forgets unordered ids recorded before {@code newestRecordedAt - window}. */
    public int expire(Instant newestRecordedAt) {
        String cutoff = BY_TIME + String.format("%016x", Math.max(0, newestRecordedAt.minus(window).toEpochMilli()));
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(BY_TIME, cutoff)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.key.compareTo(cutoff) < 0) {
                    old.add(kv.key);
                }
            }
        }
        for (String k : old) {
            store.delete(k);
            store.delete(ID + k.substring(BY_TIME.length() + 17));
        }
        return old.size();
    }
}
