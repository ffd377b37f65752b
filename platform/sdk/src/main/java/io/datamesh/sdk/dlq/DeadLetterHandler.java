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
 * processed or produced becomes a dead letter in {@code errors.dead.letter.queue.topic.name}
 * (the domain's {@code <domain>.dlq}) with the original bytes and the reason, a counter goes up,
 * and processing resumes. The pipeline never dies from a record.
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
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, Stage.DESERIALIZE, exception, record.key(), record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (notTheRecordsFault(exception)) {
            // E.g. a producer in an error state: Kafka Streams recovers the task; no record is to blame.
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
        return ProductionExceptionHandler.Response.resume(List.of(
                deadLetter(context, Stage.PRODUCE, exception, context.sourceRawKey(), context.sourceRawValue())));
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
        Stage actualStage = exception instanceof PoisonRecordException p ? p.stage() : stage;
        String reason = reason(exception);
        counts.increment(actualStage, reason);
        log.warn("To DLQ topic={} source={}-{}@{} stage={} reason={}", dlqTopic, context.topic(), context.partition(),
                context.offset(), actualStage.tag(), reason);
        return DeadLetters.of(dlqTopic, key, value, context.headers(), actualStage, reason, exception,
                context.topic(), context.partition(), context.offset(), context.processorNodeId(), clock.instant());
    }

    /** Kafka's own failures (not serialization) say nothing about the record being processed. */
    static boolean notTheRecordsFault(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecordException || t instanceof org.apache.kafka.common.errors.SerializationException) {
                return false;
            }
        }
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.KafkaException && !(t instanceof org.apache.kafka.streams.errors.StreamsException)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A poison reason if there is one in the chain; else the message of the first exception that is
     * not a Kafka Streams wrapper (serdes put what to fix there, e.g. "record of t is not JSON: ...").
     */
    static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecordException p) {
                return p.reason();
            }
        }
        Throwable t = exception;
        while (t instanceof org.apache.kafka.streams.errors.StreamsException && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
