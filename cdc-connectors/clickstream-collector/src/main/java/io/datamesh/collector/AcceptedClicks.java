package io.datamesh.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The click ids this collector has stored, for a window: a retry of a batch is answered
 * {@code duplicate} for what was stored, and stores nothing twice. A click being stored by one
 * request is claimed: a concurrent request with the same id waits for that outcome instead of
 * storing it again.
 *
 * <p>Bounded: ids older than the window, or beyond the most remembered, are forgotten oldest
 * first. Memory only: a restart forgets them. A click sent again after that (or after the window)
 * is stored again, and the clickstream domain's replay guard, which remembers click ids for seven
 * days in its changelogged store, drops the second copy: the product holds each click once.
 */
final class AcceptedClicks {

    /** What a request may do with a click id. */
    sealed interface Claim permits Mine, Stored, Pending {
    }

    /** This request stores the click, then calls {@link #stored} or {@link #failed}. */
    record Mine() implements Claim {
    }

    /** Already stored: a duplicate. */
    record Stored() implements Claim {
    }

    /** Another request is storing it: true once stored, false if that failed. */
    record Pending(CompletableFuture<Boolean> outcome) implements Claim {
    }

    private static final class Entry {
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        Instant storedAt;
    }

    private final Duration window;
    private final int maxIds;
    /** In order of claim; stored entries expire from the head. */
    private final LinkedHashMap<String, Entry> ids = new LinkedHashMap<>();

    AcceptedClicks(Duration window, int maxIds) {
        this.window = window;
        this.maxIds = maxIds;
    }

    synchronized Claim claim(String clickId, Instant now) {
        expire(now);
        Entry e = ids.get(clickId);
        if (e == null) {
            ids.put(clickId, new Entry());
            return new Mine();
        }
        return e.storedAt != null ? new Stored() : new Pending(e.outcome);
    }

    /** Kafka acknowledged the click: remembered from {@code now} for the window. */
    void stored(String clickId, Instant now) {
        Entry e;
        synchronized (this) {
            e = ids.get(clickId);
            if (e == null) {
                return;
            }
            e.storedAt = now;
        }
        e.outcome.complete(true);
    }

    /** Storing the click failed: nothing is remembered, the next request with it stores it. */
    void failed(String clickId) {
        Entry e;
        synchronized (this) {
            e = ids.get(clickId);
            if (e == null || e.storedAt != null) {
                return;
            }
            ids.remove(clickId);
        }
        e.outcome.complete(false);
    }

    synchronized int size() {
        return ids.size();
    }

    /** Forgets, oldest first, stored ids beyond the window or the most remembered; a pending one stays (its request waits for Kafka). */
    private void expire(Instant now) {
        Instant oldest = now.minus(window);
        Iterator<Entry> it = ids.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.storedAt == null) {
                continue;
            }
            if (ids.size() <= maxIds && !e.storedAt.isBefore(oldest)) {
                return;
            }
            it.remove();
        }
    }
}
