package io.datamesh.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.bridge.BridgeConfig;
import io.datamesh.bridge.RabbitBridge;
import io.datamesh.collector.ClickstreamCollector;
import io.datamesh.collector.CollectorConfig;
import io.datamesh.topics.TopicSettings;

/**
 * The two other sources: the bus bridge (the kitchen's events, from exchange {@code kitchen} into
 * {@code kitchen.raw.pizza-events}) and the clickstream collector ({@code POST /collect} into
 * {@code clickstream.raw.clicks}).
 */
final class SourcesComponent implements DevComponent {

    private final DevSettings settings;
    private final KafkaComponent kafka;
    private final BusComponent bus;
    private RabbitBridge bridge;
    private ClickstreamCollector collector;

    SourcesComponent(DevSettings settings, KafkaComponent kafka, BusComponent bus) {
        this.settings = settings;
        this.kafka = kafka;
        this.bus = bus;
    }

    @Override
    public String name() {
        return "sources";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(new PortClaim("clickstream collector", settings.collectorPort()));
    }

    @Override
    public void start() {
        String bootstrap = kafka.broker().bootstrapServers();
        TopicSettings topics = TopicSettings.from(Map.of());
        bridge = RabbitBridge.builder(BridgeConfig.fromResource("bridges/kitchen.properties"), bootstrap).amqpUri(bus.uri())
                .topicSettings(topics).httpPort(0).build().start();
        collector = ClickstreamCollector.start(CollectorConfig.from(Map.of(CollectorConfig.BOOTSTRAP_SERVERS, bootstrap,
                CollectorConfig.PORT, String.valueOf(settings.collectorPort()))), topics);
    }

    /** The collector's base URL, for the demo's click generator. */
    String collectorUrl() {
        return collector.url();
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> rows = new ArrayList<>();
        rows.add(new Endpoint("bus bridge kitchen", bridge.httpUrl() + "/metrics", "exchange kitchen → kitchen.raw.pizza-events, via queue"
                + " mesh.kitchen.pizza-events on " + bridge.broker()));
        rows.add(new Endpoint("clickstream collector", collector.url() + "/collect", "POST clicks (JSON, a batch, gzip) → clickstream.raw.clicks"));
        return rows;
    }

    @Override
    public Map<String, String> location() {
        return Map.of("collector.url", collector.url());
    }

    @Override
    public void close() {
        if (collector != null) {
            collector.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }
}
