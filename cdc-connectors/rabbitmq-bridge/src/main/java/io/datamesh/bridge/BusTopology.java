package io.datamesh.bridge;

import java.io.IOException;
import java.util.Map;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.datamesh.bridge.BridgeConfig.Feed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares on the bus what a domain's bridge consumes, idempotently: each feed's durable topic
 * exchange (the service's, declared here too so that the bindings exist before its first message),
 * the feed's durable queue {@code mesh.<domain>.<raw>} bound with each routing-key pattern, and the
 * domain's dead-letter exchange and queue {@code mesh.<domain>.dlx}. A name that exists with other
 * settings (an exchange of another type, a queue with another delivery limit) stops the start with
 * the broker's reason: the bridge never deletes or changes what it finds.
 */
final class BusTopology {

    private static final Logger log = LoggerFactory.getLogger(BusTopology.class);

    private BusTopology() {
    }

    static void declare(Channel channel, BridgeConfig config, BrokerKind kind, String brokerName) {
        String dlx = config.deadLetterExchange();
        declare("dead-letter exchange " + dlx, () -> channel.exchangeDeclare(dlx, BuiltinExchangeType.FANOUT, true));
        declare("dead-letter queue " + config.deadLetterQueue(),
                () -> channel.queueDeclare(config.deadLetterQueue(), true, false, false, kind.deadLetterQueueArguments()));
        declare("binding of " + config.deadLetterQueue(), () -> channel.queueBind(config.deadLetterQueue(), dlx, ""));
        for (Feed feed : config.feeds()) {
            declare("exchange " + feed.exchange(), () -> channel.exchangeDeclare(feed.exchange(), BuiltinExchangeType.TOPIC, true));
            Map<String, Object> args = kind.queueArguments(dlx, config.deliveryLimit());
            declare("queue " + feed.queue(), () -> channel.queueDeclare(feed.queue(), true, false, false, args));
            for (String pattern : feed.routingKeys()) {
                declare("binding of " + feed.queue() + " to " + feed.exchange() + " with " + pattern,
                        () -> channel.queueBind(feed.queue(), feed.exchange(), pattern));
            }
            switch (kind) {
                case RABBITMQ_QUORUM -> log.info("Bus queue={} type=quorum deliveryLimit={} deadLetterExchange={} bindings={}:{}",
                        feed.queue(), config.deliveryLimit(), dlx, feed.exchange(), feed.routingKeys());
                case QPID -> log.info("Bus queue={} type=classic (broker {} has no quorum queues) deliveryLimit={}"
                                + " (Qpid's maximum delivery count, counted on rejections) alternateExchange={} bindings={}:{}",
                        feed.queue(), brokerName, config.deliveryLimit(), dlx, feed.exchange(), feed.routingKeys());
                case CLASSIC -> log.warn("Bus queue={} type=classic (broker {} has no quorum queues) deadLetterExchange={}"
                                + " and NO delivery limit: a message that keeps failing is redelivered until it is dealt with; bindings={}:{}",
                        feed.queue(), brokerName, dlx, feed.exchange(), feed.routingKeys());
            }
        }
    }

    private interface Declaration {
        void run() throws IOException;
    }

    private static void declare(String what, Declaration declaration) {
        try {
            declaration.run();
        } catch (IOException e) {
            String reason = e.getCause() instanceof ShutdownSignalException s && s.getReason() != null
                    ? s.getReason().protocolMethodName() + ": " + s.getMessage() : e.toString();
            throw new IllegalStateException("cannot declare " + what + " on the bus: " + reason
                    + " (an existing one with other settings is never changed by the bridge: delete it, or keep its settings)", e);
        }
    }
}
