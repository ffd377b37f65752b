package io.datamesh.bridge;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.datamesh.bridge.BridgeConfig.Feed;
import io.datamesh.bridge.MessageTranslator.Dead;
import io.datamesh.bridge.MessageTranslator.Translation;
import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one feed's queue on a channel of its own: each delivery becomes its raw record (or dead
 * letter), sent to Kafka; once Kafka acknowledged it, the bridge writes its {@link Receipt} (the
 * message id and where Kafka stored it) to the domain's receipts topic, and once Kafka acknowledged
 * that too, the delivery is settled in the {@link AckWindow} and the ack thread acknowledges, to the
 * bus, everything settled so far in one multiple-ack. Nothing is acknowledged that Kafka has not, and
 * every acknowledged message id has its receipt: what {@code mesh audit} holds against the product.
 */
final class QueueConsumer extends DefaultConsumer {

    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    /** What happens to a delivery Kafka can never take (larger than it accepts): moved to the bus's dead-letter queue. */
    interface Parking {
        void park(QueueConsumer consumer, long tag, Envelope envelope, AMQP.BasicProperties props, byte[] body, String reason);
    }

    private final Feed feed;
    private final MessageTranslator translator;
    private final KafkaSender sender;
    private final BridgeMetrics metrics;
    private final Clock clock;
    private final Executor ackThread;
    private final Parking parking;
    private final Runnable afterKafkaAck;
    private final String receipts;
    private final AckWindow window = new AckWindow();
    private final AtomicBoolean ackScheduled = new AtomicBoolean();
    private volatile String cancelledBy;
    private volatile boolean stopping;

    QueueConsumer(Channel channel, Feed feed, KafkaSender sender, BridgeMetrics metrics, Clock clock, Executor ackThread,
                  Parking parking, Runnable afterKafkaAck) {
        super(channel);
        this.feed = feed;
        this.translator = new MessageTranslator(feed);
        this.receipts = TopicNames.receipts(feed.domain()).value();
        this.sender = sender;
        this.metrics = metrics;
        this.clock = clock;
        this.ackThread = ackThread;
        this.parking = parking;
        this.afterKafkaAck = afterKafkaAck;
        metrics.register(feed, window::unacked);
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        long tag = envelope.getDeliveryTag();
        window.delivered(tag, System.nanoTime());
        metrics.messageIn(feed.queue(), envelope.isRedeliver());
        Translation t = translator.translate(envelope, props, body, clock.instant(), clock.instant());
        if (t instanceof Dead dead) {
            metrics.deadLetter(dead.reason());
            log.warn("To DLQ topic={} queue={} messageId={} reason={}", dead.record().topic(), feed.queue(), props.getMessageId(), dead.text());
        }
        sender.send(t.record(), stored -> {
            afterKafkaAck.run();
            if (t instanceof Dead) {
                settled(tag); // a letter has no message id to vouch for, or its id is what is wrong
                return;
            }
            sender.sendNext(receipt(t, stored), receiptStored -> {
                afterKafkaAck.run();
                settled(tag);
            }, (KafkaException refused) -> log.error("Kafka refuses the receipt of queue={} messageId={}: {}; the message stays unacknowledged",
                    feed.queue(), props.getMessageId(), refused.getMessage()));
        }, (KafkaException refused) -> {
            log.error("Kafka refuses the record of queue={} messageId={} for good: {}; moving the message to {}",
                    feed.queue(), props.getMessageId(), refused.getMessage(), "mesh." + feed.domain() + ".dlx");
            try {
                ackThread.execute(() -> parking.park(this, tag, envelope, props, body, refused.getMessage()));
            } catch (RejectedExecutionException closing) {
                // Unacknowledged: the bus delivers it again to the next bridge.
            }
        });
    }

    private ProducerRecord<byte[], byte[]> receipt(Translation t, RecordMetadata stored) {
        return new Receipt(SourceHeaders.position(t.record().headers(), null), stored.topic(), stored.partition(), stored.offset(),
                clock.instant()).toRecord(receipts);
    }

    /** The delivery is dealt with (in Kafka, or parked): acknowledge what can be. */
    void settled(long tag) {
        if (!window.completed(tag)) {
            return; // a delivery of the channel before a recovery: the bus has requeued it
        }
        if (ackScheduled.compareAndSet(false, true)) {
            try {
                ackThread.execute(this::ackSettled);
            } catch (RejectedExecutionException closing) {
                ackScheduled.set(false);
            }
        }
    }

    /** On the ack thread: one multiple-ack for every delivery up to the oldest one still waiting for Kafka. */
    void ackSettled() {
        ackScheduled.set(false);
        long upTo = window.ackable();
        if (upTo == 0) {
            return;
        }
        try {
            long[] deliveredAt = window.deliveredUpTo(upTo);
            getChannel().basicAck(upTo, true);
            // Metrics first: once the window says nothing is unacknowledged, they count it.
            metrics.acked(feed.queue(), deliveredAt, System.nanoTime());
            window.acked(upTo);
        } catch (IOException | ShutdownSignalException e) {
            // The channel is gone: the broker requeues what was unacknowledged; the recovered channel delivers it again.
            log.debug("Cannot acknowledge queue={} upTo={}: {}", feed.queue(), upTo, e.toString());
        }
    }

    @Override
    public void handleCancel(String consumerTag) {
        cancelledBy = "the broker cancelled the consumer of " + feed.queue() + " (was the queue deleted?)";
        log.error("Bus consumer cancelled queue={}: {}", feed.queue(), cancelledBy);
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
        // A lost connection is recovered with the consumer; a channel closed on its own (the client closes it
        // when a delivery fails in the bridge's code, the broker on a channel error) is not, and says so.
        if (!sig.isHardError() && !stopping) {
            cancelledBy = "the channel of " + feed.queue() + " was closed: " + sig.getMessage() + "; the bridge needs a restart";
            log.error("Bus channel closed queue={}: {}", feed.queue(), sig.getMessage());
        }
    }

    /** The bridge is closing: channel closes from now on are its own. */
    void stopping() {
        stopping = true;
    }

    /** After a connection recovery: what was unacknowledged is back in the queue. */
    void forgetUnacked() {
        window.forgetAll();
    }

    Feed feed() {
        return feed;
    }

    AckWindow window() {
        return window;
    }

    /** Why the consumer no longer consumes, or null. */
    String cancelled() {
        return cancelledBy;
    }
}
