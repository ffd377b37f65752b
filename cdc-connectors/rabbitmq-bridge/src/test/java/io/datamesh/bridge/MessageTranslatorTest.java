package io.datamesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.datamesh.bridge.BridgeConfig.BodyFormat;
import io.datamesh.bridge.BridgeConfig.Feed;
import io.datamesh.bridge.MessageTranslator.Dead;
import io.datamesh.bridge.MessageTranslator.Raw;
import io.datamesh.bridge.MessageTranslator.Translation;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/** A bus message in, a raw record or a dead letter out. */
class MessageTranslatorTest {

    private static final Feed FEED = new Feed("kitchen", "pizza-events", "kitchen", List.of("pizza.#"), "pizza_id", BodyFormat.JSON);
    private static final Envelope ENVELOPE = new Envelope(7, false, "kitchen", "pizza.on-heat-shelf");
    private static final Instant RECEIVED = Instant.parse("2026-12-01T19:10:00.123Z");
    private static final Instant NOW = Instant.parse("2026-12-01T19:10:00.200Z");
    private static final String PIZZA = "{\"pizza_id\":\"o1-1\",\"order_id\":\"o1\",\"pizzeria_id\":\"napoli-1\",\"stage\":\"ON_HEAT_SHELF\","
            + "\"at\":\"2026-12-01T19:09:58Z\",\"nested\":{\"pizza_id\":\"not this one\"}}";

    private final MessageTranslator translator = new MessageTranslator(FEED);

    private static AMQP.BasicProperties props(String messageId, Instant timestamp) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).timestamp(timestamp == null ? null : Date.from(timestamp))
                .contentType("application/json").headers(Map.of("trace", "t-1")).build();
    }

    private Translation translate(AMQP.BasicProperties props, String body) {
        return translator.translate(ENVELOPE, props, body.getBytes(StandardCharsets.UTF_8), RECEIVED, NOW);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aMessageBecomesItsRawRecordKeyedByEntityWithItsBodyAsItCameAndItsSourceHeaders() {
        Translation t = translate(props("o1-1:ON_HEAT_SHELF", Instant.parse("2026-12-01T19:09:59Z")), PIZZA);

        assertThat(t).isInstanceOf(Raw.class);
        ProducerRecord<byte[], byte[]> r = t.record();
        assertThat(r.topic()).isEqualTo("kitchen.raw.pizza-events");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("o1-1");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(PIZZA);
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-12-01T19:09:59Z").toEpochMilli());
        assertThat(SourceHeaders.recordedAt(r.headers(), null)).isEqualTo(Instant.parse("2026-12-01T19:09:59Z"));
        assertThat(SourceHeaders.position(r.headers(), null)).isEqualTo(SourcePosition.bus("kitchen", "o1-1:ON_HEAT_SHELF"));
        assertThat(r.headers().toArray()).extracting(Header::key).containsExactly(SourceHeaders.RECORDED_AT, SourceHeaders.SOURCE);
    }

    @Test
    void withoutATimestampPropertyTheRecordIsRecordedWhenTheBridgeReceivedIt() {
        ProducerRecord<byte[], byte[]> r = translate(props("o1-1:ON_HEAT_SHELF", null), PIZZA).record();

        assertThat(SourceHeaders.recordedAt(r.headers(), null)).isEqualTo(RECEIVED);
        assertThat(r.timestamp()).isEqualTo(RECEIVED.toEpochMilli());
    }

    @Test
    void aNumericKeyIsItsText() {
        ProducerRecord<byte[], byte[]> r = translate(props("m1", null), "{\"pizza_id\": 42}").record();

        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void aMessageWithoutMessageIdIsADeadLetterWithTheReasonTheBodyAndItsAmqpProperties() {
        Translation t = translate(props(null, Instant.parse("2026-12-01T19:09:59Z")), PIZZA);

        assertThat(t).isInstanceOfSatisfying(Dead.class, d -> assertThat(d.reason()).isEqualTo(BusDeadLetters.Reason.NO_MESSAGE_ID));
        ProducerRecord<byte[], byte[]> letter = t.record();
        assertThat(letter.topic()).isEqualTo("kitchen.dlq");
        assertThat(letter.key()).isNull();
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo(PIZZA);
        Headers h = letter.headers();
        assertThat(header(h, DeadLetters.REASON)).contains("no message_id").contains("exchange kitchen").contains("pizza.on-heat-shelf");
        assertThat(header(h, DeadLetters.REASON_CLASS)).isEqualTo("no-message-id");
        assertThat(header(h, DeadLetters.STAGE)).isEqualTo("bridge");
        assertThat(header(h, DeadLetters.SOURCE_TOPIC)).isEqualTo("mesh.kitchen.pizza-events");
        assertThat(header(h, DeadLetters.SOURCE_PARTITION)).isEqualTo("-1");
        assertThat(header(h, DeadLetters.SOURCE_OFFSET)).isEqualTo("-1");
        assertThat(header(h, DeadLetters.SOURCE_TIMESTAMP)).isEqualTo(String.valueOf(Instant.parse("2026-12-01T19:09:59Z").toEpochMilli()));
        assertThat(header(h, DeadLetters.PROCESSOR)).isEqualTo("rabbitmq-bridge");
        assertThat(header(h, DeadLetters.REJECTED_AT)).isEqualTo(NOW.toString());
        assertThat(header(h, "amqp.exchange")).isEqualTo("kitchen");
        assertThat(header(h, "amqp.routing-key")).isEqualTo("pizza.on-heat-shelf");
        assertThat(header(h, "amqp.timestamp")).isEqualTo("2026-12-01T19:09:59Z");
        assertThat(header(h, "amqp.content-type")).isEqualTo("application/json");
        assertThat(header(h, "amqp.header.trace")).isEqualTo("t-1");
        assertThat(h.lastHeader(SourceHeaders.SOURCE)).as("no identity, no source position").isNull();
        assertThat(DeadLetters.replayRefusal("kitchen", h)).as("fixed by republishing, not by a replay").isNotNull();
    }

    @Test
    void aBodyThatIsNotJsonIsADeadLetterWithTheParsersReasonAndItsSourcePosition() {
        for (String body : List.of("pizza o1-1 is on the shelf", "{\"pizza_id\":\"o1-1\"", "{\"pizza_id\":\"o1-1\"} trailing", "")) {
            Translation t = translate(props("o1-1:ON_HEAT_SHELF", null), body);

            assertThat(t).as(body).isInstanceOfSatisfying(Dead.class, d -> {
                assertThat(d.reason()).isEqualTo(BusDeadLetters.Reason.UNREADABLE);
                assertThat(d.text()).contains("o1-1:ON_HEAT_SHELF is not JSON").contains("line 1");
            });
            assertThat(t.record().value()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
            assertThat(SourceHeaders.position(t.record().headers(), null)).isEqualTo(SourcePosition.bus("kitchen", "o1-1:ON_HEAT_SHELF"));
            assertThat(header(t.record().headers(), DeadLetters.EXCEPTION)).startsWith("com.fasterxml.jackson");
        }
    }

    @Test
    void aBodyWithoutAUsableKeyIsADeadLetterThatSaysWhatIsWrong() {
        Map<String, String> cases = Map.of(
                "{\"order_id\":\"o1\"}", "has no key field pizza_id",
                "{\"pizza_id\":null}", "is null, not a text or a number",
                "{\"pizza_id\":\"\"}", "is empty",
                "{\"pizza_id\":{\"id\":1}}", "is object, not a text or a number",
                "[{\"pizza_id\":\"o1-1\"}]", "is a JSON array, not an object");
        cases.forEach((body, reason) -> {
            Translation t = translate(props("m1", null), body);
            assertThat(t).as(body).isInstanceOfSatisfying(Dead.class, d -> {
                assertThat(d.reason()).isEqualTo(BusDeadLetters.Reason.NO_KEY);
                assertThat(d.text()).contains(reason);
            });
            assertThat(header(t.record().headers(), DeadLetters.REASON_CLASS)).isEqualTo("no-key");
        });
    }

    @Test
    void theLetterHeadersAreThePlatformsContract() {
        assertThat(List.of(BusDeadLetters.REASON, BusDeadLetters.REASON_CLASS, BusDeadLetters.STAGE, BusDeadLetters.EXCEPTION,
                BusDeadLetters.SOURCE_TOPIC, BusDeadLetters.SOURCE_PARTITION, BusDeadLetters.SOURCE_OFFSET, BusDeadLetters.SOURCE_TIMESTAMP,
                BusDeadLetters.PROCESSOR, BusDeadLetters.REJECTED_AT))
                .containsExactly(DeadLetters.REASON, DeadLetters.REASON_CLASS, DeadLetters.STAGE, DeadLetters.EXCEPTION,
                        DeadLetters.SOURCE_TOPIC, DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET, DeadLetters.SOURCE_TIMESTAMP,
                        DeadLetters.PROCESSOR, DeadLetters.REJECTED_AT);
        assertThat(BusDeadLetters.Reason.UNREADABLE.tag()).isEqualTo(io.datamesh.sdk.dlq.ReasonClass.UNREADABLE.tag());
    }
}
