package io.datamesh.sdk.dlq;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' three error hooks (KIP-1033/1034) in one: a record that cannot be read,
 * processed or serialized becomes a dead letter in {@code errors.dead.letter.queue.topic.name}
 * (the domain's {@code <domain>.dlq}) with the original bytes and the reason, a counter goes up,
 * and processing resumes. The pipeline never dies from a record.
 *
 * <p>Only the record's own faults are dead letters ({@link Faults}): a full disk, a closed store or
 * an unreachable registry fails the task, which Kafka Streams restarts from its last commit, so
 * the record is tried again instead of skipped. So does a record the broker refuses after it was
 * handed to the producer: the platform checks sizes before it publishes, and a record that passed
 * them was accepted (its source position is spent), so dropping it would lose it.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String dlqTopic;
    private DeadLetterCounts counts = new DeadLetterCounts();
    private Clock clock = Clock.systemUTC();

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic,
                    "the platform's dead-letter handler needs the domain's DLQ topic, e.g. orders.dlq");
        }
        dlqTopic = topic.toString();
        if (configs.get(DeadLetterCounts.CONFIG_KEY) instanceof DeadLetterCounts shared) {
            counts = shared;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        if (Faults.notTheRecords(exception)) {
            log.warn("Deserialization error not caused by a record source={}-{}@{}: {}", context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, Stage.DESERIALIZE, exception, record.key(), record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (Faults.notTheRecords(exception)) {
            // E.g. a producer in an error state, a full disk: Kafka Streams recovers the task; no record is to blame.
            log.warn("Processing error not caused by a record source={}-{}@{}: {}", context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return ProcessingExceptionHandler.Response.fail();
        }
        Stage stage = exception instanceof PoisonRecordException p ? p.stage() : Stage.MAP;
        return ProcessingExceptionHandler.Response.resume(List.of(
                deadLetter(context, stage, exception, context.sourceRawKey(), context.sourceRawValue())));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        log.error("The broker refused a record the domain had accepted, topic={} source={}-{}@{}: {}; the task stops rather than"
                        + " drop it (a record too large for the topic: raise its max.message.bytes, or lower the runtime's record limit)",
                record.topic(), context.topic(), context.partition(), context.offset(), exception.toString());
        return ProductionExceptionHandler.Response.fail();
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                                        Exception exception, SerializationExceptionOrigin origin) {
        return ProductionExceptionHandler.Response.resume(List.of(
                deadLetter(context, Stage.PRODUCE, exception, context.sourceRawKey(), context.sourceRawValue())));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, Stage stage, Exception exception,
                                                      byte[] key, byte[] value) {
        Objects.requireNonNull(dlqTopic, "handler not configured");
        PoisonRecordException poison = poison(exception);
        Stage actualStage = poison != null ? poison.stage() : stage;
        ReasonClass reasonClass = poison != null ? poison.reasonClass() : ReasonClass.of(actualStage);
        String reason = reason(exception);
        counts.increment(actualStage, reasonClass);
        log.warn("To DLQ topic={} source={}-{}@{} stage={} reason={}", dlqTopic, context.topic(), context.partition(),
                context.offset(), actualStage.tag(), reason);
        return DeadLetters.of(dlqTopic, key, value, context.headers(), actualStage, reasonClass, reason, exception,
                context.topic(), context.partition(), context.offset(), context.timestamp(), context.processorNodeId(),
                clock.instant());
    }

    private static PoisonRecordException poison(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecordException p) {
                return p;
            }
        }
        return null;
    }

    /**
     * A poison reason if there is one in the chain; else the message of the first exception that is
     * not a Kafka Streams wrapper (serdes put what to fix there, e.g. "record of t is not JSON: ...").
     */
    static String reason(Throwable exception) {
        PoisonRecordException poison = poison(exception);
        if (poison != null) {
            return poison.reason();
        }
        Throwable t = exception;
        while (t instanceof org.apache.kafka.streams.errors.StreamsException && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
