package io.datamesh.bridge;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The deliveries of one channel that are not acknowledged yet, and which of them may be: a message
 * is acknowledged only once Kafka acknowledged its record, and with multiple-acks one
 * {@code basic.ack(tag, multiple)} settles every delivery up to {@code tag}. So the window acks up
 * to just below the oldest delivery still waiting for Kafka (Kafka acknowledges records of
 * different partitions in any order).
 *
 * <p>Delivery tags grow per channel, also across a connection recovery (RabbitMQ's client offsets
 * the new channel's tags past the old ones and drops acks of old tags). After a recovery the broker
 * has returned every unacknowledged message to its queue, so the window forgets them:
 * {@link #forgetAll()}. Thread-safe: deliveries come from the consumer thread, Kafka's answers
 * from the producer's, acks are sent by the ack thread.
 */
final class AckWindow {

    /** Delivered, not in Kafka yet. */
    private final TreeSet<Long> pending = new TreeSet<>();
    /** Every delivery not acknowledged yet, with when it was delivered (System.nanoTime), for the ack latency. */
    private final TreeMap<Long, Long> deliveredAt = new TreeMap<>();
    private long highestDelivered;
    private long highestAcked;

    synchronized void delivered(long tag, long nanos) {
        pending.add(tag);
        deliveredAt.put(tag, nanos);
        highestDelivered = Math.max(highestDelivered, tag);
    }

    /**
     * Kafka acknowledged the record of {@code tag} (or the bridge settled it otherwise).
     *
     * @return false for a delivery the window forgot in a recovery: its message is back in the queue
     */
    synchronized boolean completed(long tag) {
        return pending.remove(tag);
    }

    /** The tag to acknowledge with multiple=true now, or 0 if nothing new may be. */
    synchronized long ackable() {
        long upTo = pending.isEmpty() ? highestDelivered : pending.first() - 1;
        return upTo > highestAcked ? upTo : 0;
    }

    /** When each delivery up to {@code tag} that is not acknowledged yet was delivered (System.nanoTime), oldest first. */
    synchronized long[] deliveredUpTo(long tag) {
        return deliveredAt.headMap(tag, true).values().stream().mapToLong(Long::longValue).toArray();
    }

    /** Records that every delivery up to {@code tag} was acknowledged. */
    synchronized void acked(long tag) {
        deliveredAt.headMap(tag, true).clear();
        highestAcked = Math.max(highestAcked, tag);
    }

    /** After a connection recovery: the broker requeued every unacknowledged delivery of the old channel. */
    synchronized void forgetAll() {
        pending.clear();
        deliveredAt.clear();
        highestAcked = highestDelivered;
    }

    /** Deliveries not acknowledged to the broker yet. */
    synchronized int unacked() {
        return deliveredAt.size();
    }

    /** Deliveries whose record Kafka has not acknowledged yet. */
    synchronized int waitingForKafka() {
        return pending.size();
    }
}
