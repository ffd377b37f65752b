package io.datamesh.sdk.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides, before anything else happens to a raw record, whether its source position may still be
 * published: <b>a position is published at most once, whatever path it takes</b> — the source,
 * a redelivery by the source, or any number of operator replays of its dead letters. Kept in a
 * logged store of the ingesting task, updated in the same exactly-once transaction as the output.
 *
 * <p>The guard is asked first ({@link #admit}); the record is then mapped and published, or
 * rejected to the DLQ, and the guard is told which ({@link #published}, {@link #rejected}). A
 * position the guard admitted once is never admitted again from its source, even if it was
 * rejected: a source that redelivers a poison record does not make a second dead letter. Only a
 * replay of a dead letter ({@link SourceHeaders#REPLAY_OF}) may go through a position again, and
 * only while that position is <em>open</em>: rejected and not published since. A replay that
 * publishes closes it; a replay that is rejected again leaves it open, with a new dead letter.
 * Open and closed positions are remembered for good (one small entry per dead letter), so a letter
 * can be replayed at any age and any number of times: it goes through once.
 *
 * <p><b>Ordered sources</b> (CDC binlog, Kafka partitions): a connector emits in source order and
 * Kafka keeps that order per partition, so each partition sees growing positions per stream; the
 * guard keeps one high-water mark per stream and drops anything at or below it. Memory: one entry
 * per stream, plus one per dead letter.
 *
 * <p><b>Unordered sources</b> (AMQP message ids, click ids): the guard keeps every id seen within a
 * window (default 7 days of recordedAt, measured against the newest recordedAt the ingest
 * accepted: stream time, not the wall clock; the ingest refuses a recordedAt too far ahead of the
 * wall clock, so one bad clock cannot move the window), then forgets it. This is safe because a
 * redelivery happens when a consumer did not acknowledge: RabbitMQ redelivers on reconnect,
 * within minutes, and the bridge acknowledges only after Kafka did; a message older than the
 * window would have to sit unacknowledged for a week. Ids of dead letters are never forgotten.
 * Memory: ids per window (rate × window), plus one per dead letter.
 *
 * <p><b>Keys</b> (one store): {@code m|<stream>} high-water mark; {@code i|<stream>|<id>} an
 * unordered id with the time it was seen, {@code open} or {@code done}; {@code t|<time>|<stream>|<id>}
 * the expiry index of seen ids; {@code d|<position>} an ordered position that is {@code open} or
 * {@code done}. A stream is {@code <kind>|<source>} (and {@code |<partition>} for Kafka); every
 * text part is escaped ({@code %} as {@code %25}, {@code |} as {@code %7C}), so no two streams or
 * ids share a key.
 */
public final class ReplayGuard {

    private static final String MARK = "m|";
    private static final String ID = "i|";
    private static final String BY_TIME = "t|";
    private static final String DEAD = "d|";
    private static final byte[] OPEN = "open".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE = "done".getBytes(StandardCharsets.UTF_8);
    private static final int TIME_HEX = 16;

    /** What the guard says of a position. */
    public enum Admission {
        /** Process it. */
        ADMITTED,
        /** Process it: the first position of an ordered stream the guard has not seen before (a new source, epoch or snapshot run). */
        NEW_STREAM,
        /** Drop it: at or below its stream's high-water mark, or an id seen before: the source sent it again. */
        REDELIVERY,
        /** Drop it: an operator's replay of a dead letter whose position was published since (or never dead-lettered). */
        REPLAY;

        /** Whether the record is to be processed. */
        public boolean admitted() {
            return this == ADMITTED || this == NEW_STREAM;
        }
    }

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

    /**
     * Whether the record at {@code position} may be processed now; if so, the guard remembers that it
     * was admitted.
     *
     * @param replay whether it is an operator's replay of a dead letter
     * @param seenAt the recordedAt an unordered id is remembered under (its window starts there)
     */
    public Admission admit(SourcePosition position, boolean replay, Instant seenAt) {
        return admit(position, null, replay, seenAt);
    }

    /**
     * The same, for a position read from a source header: {@code encoded} is that header's value,
     * which {@link SourceHeaders#decode} reads as {@code position}, and is kept as the stream's mark
     * as it is instead of encoding the position again (null: encode it).
     */
    public Admission admit(SourcePosition position, byte[] encoded, boolean replay, Instant seenAt) {
        if (position.kind().ordered()) {
            String markKey = markKey(position);
            SourcePosition mark = marks.get(markKey);
            if (mark == null) {
                byte[] stored = store.get(markKey);
                mark = stored == null ? null : SourceHeaders.decode(stored);
                if (mark != null) {
                    marks.put(markKey, mark);
                }
            }
            if (mark == null || position.isAfter(mark)) {
                store.put(markKey, encoded != null ? encoded : SourceHeaders.encode(position).getBytes(StandardCharsets.UTF_8));
                marks.put(markKey, position);
                return mark == null ? Admission.NEW_STREAM : Admission.ADMITTED;
            }
            if (!replay) {
                return Admission.REDELIVERY;
            }
            return isOpen(store.get(deadKey(position))) ? Admission.ADMITTED : Admission.REPLAY;
        }
        String idKey = idKey(position);
        byte[] state = store.get(idKey);
        if (state == null) {
            String time = time(seenAt);
            store.put(idKey, time.getBytes(StandardCharsets.UTF_8));
            store.put(BY_TIME + time + "|" + streamAndId(position), new byte[0]);
            return Admission.ADMITTED;
        }
        if (!replay) {
            return Admission.REDELIVERY;
        }
        return isOpen(state) ? Admission.ADMITTED : Admission.REPLAY;
    }

    /** The admitted record at {@code position} went to the DLQ: its position stays open for a replay, for good. */
    public void rejected(SourcePosition position) {
        if (position.kind().ordered()) {
            store.put(deadKey(position), OPEN);
            return;
        }
        String idKey = idKey(position);
        byte[] state = store.get(idKey);
        if (state != null && !isOpen(state) && !isDone(state)) {
            store.delete(BY_TIME + new String(state, StandardCharsets.UTF_8) + "|" + streamAndId(position));
        }
        store.put(idKey, OPEN);
    }

    /** The admitted record at {@code position} was published: if it was open (a replay), it is closed for good. */
    public void published(SourcePosition position, boolean replay) {
        if (!replay) {
            return; // a position admitted from its source is closed by the mark or the id admit() wrote
        }
        if (position.kind().ordered()) {
            String key = deadKey(position);
            if (isOpen(store.get(key))) {
                store.put(key, DONE);
            }
            return;
        }
        String idKey = idKey(position);
        if (isOpen(store.get(idKey))) {
            store.put(idKey, DONE);
        }
    }

    private static boolean isOpen(byte[] state) {
        return state != null && java.util.Arrays.equals(state, OPEN);
    }

    private static boolean isDone(byte[] state) {
        return state != null && java.util.Arrays.equals(state, DONE);
    }

    private String markKey(SourcePosition position) {
        if (lastStream == null || !lastStream.sameStream(position)) {
            lastStream = position;
            lastKey = MARK + stream(position);
        }
        return lastKey;
    }

    private static String deadKey(SourcePosition position) {
        return DEAD + SourceHeaders.encode(position);
    }

    private static String idKey(SourcePosition position) {
        return ID + streamAndId(position);
    }

    private static String streamAndId(SourcePosition position) {
        return stream(position) + "|" + escape(position.id());
    }

    /** The stream of a position with its text parts escaped: see the class comment. */
    static String stream(SourcePosition p) {
        String s = p.kind().name() + "|" + escape(p.source());
        return p.kind() == SourcePosition.Kind.KAFKA ? s + "|" + escape(p.segment()) : s;
    }

    /** {@code %} as {@code %25} and {@code |} as {@code %7C}; text without either (the usual case) as it is. */
    static String escape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('|') < 0) {
            return s;
        }
        return s.replace("%", "%25").replace("|", "%7C");
    }

    private static String time(Instant t) {
        String hex = Long.toHexString(Math.max(0, t.toEpochMilli()));
        return "0".repeat(TIME_HEX - hex.length()) + hex;
    }

    /** Forgets unordered ids recorded before {@code newestRecordedAt - window}; ids of dead letters stay. */
    public int expire(Instant newestRecordedAt) {
        String cutoff = BY_TIME + time(newestRecordedAt.minus(window));
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
            String idKey = ID + k.substring(BY_TIME.length() + TIME_HEX + 1);
            byte[] state = store.get(idKey);
            if (state != null && !isOpen(state) && !isDone(state)) {
                store.delete(idKey);
            }
        }
        return old.size();
    }
}
