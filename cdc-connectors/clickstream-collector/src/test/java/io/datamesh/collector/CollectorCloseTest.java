package io.datamesh.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.topics.TopicSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A closed collector leaves no thread of its own behind: a program that embeds it (make run, the
 * bench) ends when its main does, instead of a minute later when idle request threads time out.
 */
class CollectorCloseTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @Test
    void closingTheCollectorStopsTheThreadsThatServedItsRequests() throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put(CollectorConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        m.put(CollectorConfig.PORT, 0);
        m.put(CollectorConfig.RAW, "clicks-" + String.format("%08x", ThreadLocalRandom.current().nextInt()));
        try (ClickstreamCollector c = ClickstreamCollector.start(CollectorConfig.from(m), TopicSettings.defaults())) {
            for (int i = 0; i < 4; i++) {
                assertThat(CollectorTest.post(c, "application/json", CollectorTest.click("k" + i, "s1", "\"type\":\"page_view\",\"url\":\"/\"")
                        .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            }
            assertThat(requestThreads()).as("requests were served on the blocking executor").isNotEmpty();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!requestThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(requestThreads()).as("threads of the closed collector still alive: %s", stacks()).isEmpty();
    }

    private static String stacks() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
            if (requestThreads().contains(t.getName())) {
                b.append(t.getName()).append(" daemon=").append(t.isDaemon()).append('\n');
                for (StackTraceElement e : st) {
                    b.append("  ").append(e).append('\n');
                }
            }
        });
        return b.toString();
    }

    /** Micronaut's blocking executor's threads (the I/O executor on JDK 17), where the controller runs. */
    private static List<String> requestThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("io-executor-thread") || n.startsWith("blocking-executor")).toList();
    }
}
