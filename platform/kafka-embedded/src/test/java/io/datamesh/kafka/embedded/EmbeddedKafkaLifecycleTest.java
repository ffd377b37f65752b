package io.datamesh.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaLifecycleTest {

    @Test
    void closeStopsTheBrokerFreesItsPortAndDeletesItsTemporaryFolder() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
        Path dataDir = kafka.dataDir();
        int port = kafka.brokerPort();
        int controllerPort = kafka.controllerPort();
        TestClients.createTopic(kafka, "life.raw.one");
        assertThat(dataDir).isDirectory();

        kafka.close();

        assertThat(kafka.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
        assertThat(canBind(port)).as("broker port %s free", port).isTrue();
        assertThat(canBind(controllerPort)).as("controller port %s free", controllerPort).isTrue();
        assertThat(leftoverBrokerThreads(before)).isEmpty();
    }

    @Test
    void aRestartOnTheSameFolderKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            TestClients.createTopic(first, "life.raw.kept");
            TestClients.send(first, "life.raw.kept", "k", "survives a restart");
        }
        assertThat(dir).isNotEmptyDirectory();

        try (EmbeddedKafka second = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            assertThat(TestClients.readAll(second, "life.raw.kept", "read_committed", 1, Duration.ofSeconds(30)))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("survives a restart");
        }
        assertThat(dir).as("a folder given by the caller is kept").isNotEmptyDirectory();
    }

    @Test
    void aTakenFixedPortIsRefusedInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafka kafka = EmbeddedKafka.builder().brokerPort(taken.getLocalPort()).build();
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessage("Kafka broker port 127.0.0.1:" + taken.getLocalPort()
                            + " is already in use; stop whatever listens there or choose another port");
            kafka.close();
            assertThat(kafka.dataDir()).doesNotExist();
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Threads started by the broker that are still alive some seconds after close. */
    private static Set<String> leftoverBrokerThreads(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive())
                    .filter(t -> !t.isDaemon())
                    .map(Thread::getName)
                    .collect(Collectors.toSet());
            if (alive.isEmpty()) {
                return alive;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return alive;
    }
}
