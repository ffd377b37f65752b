package io.datamesh.bridge;

import java.util.HashMap;
import java.util.Map;

/**
 * What the AMQP broker can do for the bridge's queues, read from the server properties it sends
 * when a connection opens ({@code product}, {@code version}).
 */
enum BrokerKind {
    /** RabbitMQ 3.8 or later: quorum queues with {@code x-delivery-limit} and {@code x-dead-letter-exchange}. */
    RABBITMQ_QUORUM,
    /**
     * Apache Qpid Broker-J (the embedded broker of {@code make run}): no quorum queues; a classic durable
     * queue whose {@code alternateExchange} takes a message once it was given up on
     * {@code x-qpid-maximum-delivery-count} times.
     */
    QPID,
    /** Any other AMQP 0-9-1 broker (or a RabbitMQ before 3.8): a classic durable queue with {@code x-dead-letter-exchange}, no delivery limit. */
    CLASSIC;

    /** The broker's kind from the connection's server properties. */
    static BrokerKind of(Map<String, Object> serverProperties) {
        String product = String.valueOf(serverProperties.get("product"));
        String version = String.valueOf(serverProperties.get("version"));
        if (product.contains("RabbitMQ")) {
            return atLeast(version, 3, 8) ? RABBITMQ_QUORUM : CLASSIC;
        }
        return product.toLowerCase(java.util.Locale.ROOT).contains("qpid") ? QPID : CLASSIC;
    }

    /** "RabbitMQ 3.10.8": what the log and the endpoint table say. */
    static String describe(Map<String, Object> serverProperties) {
        return serverProperties.get("product") + " " + serverProperties.get("version");
    }

    /** The arguments of a feed's queue on this broker. */
    Map<String, Object> queueArguments(String deadLetterExchange, int deliveryLimit) {
        Map<String, Object> args = new HashMap<>();
        switch (this) {
            case RABBITMQ_QUORUM -> {
                args.put("x-queue-type", "quorum");
                args.put("x-delivery-limit", deliveryLimit);
                args.put("x-dead-letter-exchange", deadLetterExchange);
            }
            case QPID -> {
                args.put("x-qpid-maximum-delivery-count", deliveryLimit);
                args.put("alternateExchange", deadLetterExchange);
            }
            case CLASSIC -> args.put("x-dead-letter-exchange", deadLetterExchange);
        }
        return args;
    }

    /** The arguments of the domain's dead-letter queue: replicated where the broker can. */
    Map<String, Object> deadLetterQueueArguments() {
        return this == RABBITMQ_QUORUM ? Map.of("x-queue-type", "quorum") : Map.of();
    }

    private static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("[.\\-+]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
