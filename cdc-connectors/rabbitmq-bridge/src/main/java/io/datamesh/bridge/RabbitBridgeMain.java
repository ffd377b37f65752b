package io.datamesh.bridge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.datamesh.topics.TopicSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the bus bridge of one domain until SIGTERM (or Ctrl-C), which stops it cleanly: no new
 * deliveries, the records in flight reach Kafka and their messages are acknowledged, then it exits.
 *
 * <pre>
 * java -cp ... io.datamesh.bridge.RabbitBridgeMain --config classpath:bridges/kitchen.properties \
 *     --bootstrap-servers 127.0.0.1:9092 --amqp-uri amqp://guest:guest@127.0.0.1:5672 --http-port 8083
 * </pre>
 */
@Command(name = "mesh-rabbitmq-bridge", mixinStandardHelpOptions = true,
        description = "Bridges a domain's events on the AMQP bus into its raw Kafka topics.")
public final class RabbitBridgeMain implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The domain's bridge config: a properties file, or classpath:<resource> (e.g. classpath:bridges/kitchen.properties).")
    String config;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--amqp-uri", defaultValue = RabbitBridge.DEFAULT_AMQP_URI, description = "The bus (default: ${DEFAULT-VALUE}).")
    String amqpUri;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "Address of /health, /ready, /metrics (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8083", description = "Port of /health, /ready, /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--topic-setting", paramLabel = "KEY=VALUE",
            description = "A setting of the topics the bridge creates, e.g. topics.replication.factor=3 (keys of TopicSettings).")
    Map<String, String> topicSettings = new HashMap<>();

    @Option(names = "--shutdown-timeout-ms", defaultValue = "30000",
            description = "How long a stop waits for records in flight to reach Kafka (default: ${DEFAULT-VALUE}).")
    long shutdownTimeoutMs;

    public static void main(String[] args) {
        // Before the first logger: this class's loggers are created in call().
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/datamesh/bridge/bridge-logback.xml");
        }
        System.exit(new CommandLine(new RabbitBridgeMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        BridgeConfig domain = config.startsWith("classpath:") ? BridgeConfig.fromResource(config.substring("classpath:".length()))
                : BridgeConfig.load(Path.of(config));
        RabbitBridge bridge = RabbitBridge.builder(domain, bootstrapServers)
                .amqpUri(amqpUri)
                .topicSettings(TopicSettings.from(topicSettings))
                .httpHost(httpHost)
                .httpPort(httpPort)
                .shutdownTimeout(Duration.ofMillis(shutdownTimeoutMs))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            stopped.countDown();
        }, "mesh-bridge-shutdown"));
        System.out.println("mesh-rabbitmq-bridge: domain " + domain.domain() + " running on " + bridge.broker() + ", health at "
                + bridge.httpUrl() + "/health");
        stopped.await();
        return 0;
    }
}
