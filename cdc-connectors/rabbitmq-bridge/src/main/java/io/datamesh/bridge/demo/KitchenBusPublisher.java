package io.datamesh.bridge.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * The kitchen service of the demo, as it puts its events on the bus by the conventions: every step
 * of a pizza's life goes to the durable topic exchange {@value #EXCHANGE} with routing key
 * {@code pizza.<stage>} ({@code pizza.ordered}, {@code pizza.on-heat-shelf}, ...), {@code message_id}
 * {@code <pizza>:<STAGE>} (a step happens once per pizza), {@code timestamp} = when it was
 * published, persistent, {@code application/json}. The body is the JSON the kitchen domain reads
 * from {@code kitchen.raw.pizza-events}:
 *
 * <pre>{"pizza_id":"o1-1","order_id":"o1","pizzeria_id":"napoli-1","stage":"ON_HEAT_SHELF","at":"2026-12-01T19:10:00Z"}</pre>
 *
 * The bridge of {@code bridges/kitchen.properties} carries it there. Publisher confirms are on:
 * {@link #awaitConfirms} returns once the broker has every message published so far. One channel,
 * so calls are serialised; close it when done.
 */
public final class KitchenBusPublisher implements AutoCloseable {

    /** The kitchen's exchange: by the bus conventions, the domain's name. */
    public static final String EXCHANGE = "kitchen";
    private static final JsonFactory JSON = new JsonFactory();

    private final Connection connection;
    private final Channel channel;
    private final Clock clock;

    private KitchenBusPublisher(Connection connection, Clock clock) throws IOException {
        this.connection = connection;
        this.clock = clock;
        this.channel = connection.createChannel();
        channel.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.confirmSelect();
    }

    /**
     * Connects to the bus at {@code amqpUri} (e.g. {@code amqp://guest:guest@127.0.0.1:5672}) and
     * declares the kitchen's exchange.
     *
     * @throws IllegalStateException if the bus cannot be reached
     */
    public static KitchenBusPublisher connect(String amqpUri, Clock clock) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("AMQP URI is not valid: " + e.getMessage(), e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        try {
            Connection connection = factory.newConnection("kitchen-service-demo");
            try {
                return new KitchenBusPublisher(connection, Objects.requireNonNull(clock, "clock"));
            } catch (IOException e) {
                connection.abort();
                throw e;
            }
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("kitchen publisher cannot reach the bus: " + e, e);
        }
    }

    /** Same, on the system clock. */
    public static KitchenBusPublisher connect(String amqpUri) {
        return connect(amqpUri, Clock.systemUTC());
    }

    /**
     * Publishes that {@code pizzaId} of {@code orderId} reached {@code stage} (ORDERED, COOKING_STARTED,
     * BAKED, ON_HEAT_SHELF, PICKED_UP) in {@code pizzeriaId} at {@code at}.
     */
    public synchronized void publish(String pizzaId, String orderId, String pizzeriaId, String stage, Instant at) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId(messageId(pizzaId, stage))
                .timestamp(Date.from(clock.instant()))
                .contentType("application/json")
                .deliveryMode(2)
                .build();
        try {
            channel.basicPublish(EXCHANGE, routingKey(stage), props, body(pizzaId, orderId, pizzeriaId, stage, at));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish pizza " + pizzaId + " " + stage + " to exchange " + EXCHANGE, e);
        }
    }

    /**
     * Waits until the broker confirmed every message published so far.
     *
     * @throws IllegalStateException if it refused one or did not answer in time
     */
    public synchronized void awaitConfirms(Duration timeout) {
        try {
            channel.waitForConfirmsOrDie(timeout.toMillis());
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("the bus did not confirm the kitchen's messages within " + timeout + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the bus's confirms", e);
        }
    }

    /** {@code pizza.<stage>} in lowercase with dashes, e.g. {@code pizza.on-heat-shelf}: the event type. */
    public static String routingKey(String stage) {
        return "pizza." + stage.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code <pizza>:<STAGE>}: the event's identity, the same however often it is published. */
    public static String messageId(String pizzaId, String stage) {
        return pizzaId + ":" + stage;
    }

    /** The message body, the JSON the kitchen domain reads. */
    public static byte[] body(String pizzaId, String orderId, String pizzeriaId, String stage, Instant at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("pizza_id", pizzaId);
            g.writeStringField("order_id", orderId);
            g.writeStringField("pizzeria_id", pizzeriaId);
            g.writeStringField("stage", stage);
            g.writeStringField("at", at.toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a pizza event", e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            connection.close(5_000);
        } catch (ShutdownSignalException e) {
            // The broker closed the connection first (make run's embedded broker stops itself when the JVM does): nothing left to close.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the kitchen publisher's connection", e);
        }
    }
}
