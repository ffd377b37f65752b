package io.datamesh.collector;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.datamesh.topics.TopicSettings;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the clickstream collector until SIGTERM (or Ctrl-C), which stops it cleanly: no new
 * requests, those in flight are answered, the producer sends what it holds.
 *
 * <pre>
 * java -cp ... io.datamesh.collector.ClickstreamCollectorMain --bootstrap-servers 127.0.0.1:9092 --port 8082 \
 *     --set collector.cors.allowed.origins=https://www.pizza.example
 * </pre>
 */
@Command(name = "mesh-clickstream-collector", mixinStandardHelpOptions = true,
        description = "Collects clicks from web pages and mobile apps (POST /collect) into the clickstream raw topic.")
public final class ClickstreamCollectorMain implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8082", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any collector setting (keys of CollectorConfig, e.g. collector.rate.limit.per.second=20) or topic setting"
                    + " (topics.*, e.g. topics.replication.factor=3).")
    Map<String, String> settings = new HashMap<>();

    public static void main(String[] args) {
        // Before the first logger: this class's loggers are created in call().
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/datamesh/collector/collector-logback.xml");
        }
        System.exit(new CommandLine(new ClickstreamCollectorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> collector = new HashMap<>();
        Map<String, Object> topics = new HashMap<>();
        settings.forEach((k, v) -> (k.startsWith("topics.") ? topics : collector).put(k, v));
        for (String key : collector.keySet()) {
            if (!CollectorConfig.DEFINITION.names().contains(key)) {
                throw new ConfigException("unknown collector setting '" + key + "'; the settings are "
                        + new java.util.TreeSet<>(CollectorConfig.DEFINITION.names()) + " and topics.*");
            }
        }
        collector.put(CollectorConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        collector.put(CollectorConfig.HOST, host);
        collector.put(CollectorConfig.PORT, port);
        ClickstreamCollector server = ClickstreamCollector.start(CollectorConfig.from(collector), TopicSettings.from(topics));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mesh-collector-shutdown"));
        System.out.println("mesh-clickstream-collector: POST " + server.url() + "/collect, health at " + server.url() + "/health");
        stopped.await();
        return 0;
    }
}
