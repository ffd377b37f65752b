package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainManifest;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two teams' jars ship two versions of the same library class ({@code com.example.lib.Greeting},
 * 1.0 and 2.0), and the platform's class path has a third (0.9). Deployed side by side in one JVM,
 * each domain runs with its own version: the runtime loads every jar in a class loader of its own,
 * jar first, only the platform API from the parent.
 */
class LibraryIsolationTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    @Test
    void twoDomainsWithDifferentVersionsOfALibraryRunSideBySide() throws Exception {
        assertThat(com.example.lib.Greeting.VERSION).isEqualTo("0.9 (the platform's)");
        Path alpha = domainJar("alpha", "1.0");
        Path beta = domainJar("beta", "2.0");
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        try (DomainJar a = DomainJar.open(alpha); DomainJar b = DomainJar.open(beta)) {
            Domain da = a.declare(registry, true);
            Domain db = b.declare(registry, true);
            assertThat(da.owner()).isEqualTo("team-alpha, library 1.0");
            assertThat(db.owner()).isEqualTo("team-beta, library 2.0");
            try (DomainRuntime ra = DomainRuntime.of(da, RuntimeSettings.builder(KAFKA.bootstrapServers(), dir.resolve("state-a")).build()).start();
                 DomainRuntime rb = DomainRuntime.of(db, RuntimeSettings.builder(KAFKA.bootstrapServers(), dir.resolve("state-b")).build()).start();
                 KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerConfig(), new StringSerializer(), new StringSerializer())) {
                for (String domain : List.of("alpha", "beta")) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(domain + ".raw.names", "k1", "world");
                    SourceHeaders.write(r.headers(), Instant.parse("2018-07-08T10:00:00Z"), SourcePosition.kafka(domain + ".raw.names", 0, 0));
                    producer.send(r).get();
                }
                assertThat(firstValue("alpha.product.greetings.v1")).endsWith("hello world (library 1.0)");
                assertThat(firstValue("beta.product.greetings.v1")).endsWith("hi world (library 2.0)");
            }
        }
    }

    private static String firstValue(String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "isolation-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    return r.value();
                }
            }
        }
        throw new AssertionError("nothing on " + topic + " within 60 s");
    }

    /** Compiles a domain and its own version of the library, and packs them with their manifest. */
    private Path domainJar(String domain, String libraryVersion) throws Exception {
        String cls = Character.toUpperCase(domain.charAt(0)) + domain.substring(1) + "Domain";
        String greeting = libraryVersion.equals("1.0") ? "hello" : "hi";
        Path src = Files.createDirectories(dir.resolve("src-" + domain));
        Path classes = Files.createDirectories(dir.resolve("classes-" + domain));
        Path lib = write(src, "com/example/lib/Greeting.java", """
                package com.example.lib;
                public final class Greeting {
                    public static final String VERSION = "%s";
                    public static String greet(String name) { return "%s " + name + " (library " + VERSION + ")"; }
                }
                """.formatted(libraryVersion, greeting));
        Path def = write(src, "com/example/" + domain + "/" + cls + ".java", """
                package com.example.%1$s;
                import com.example.lib.Greeting;
                import io.datamesh.sdk.Domain;
                import io.datamesh.sdk.DomainDefinition;
                import io.datamesh.sdk.StringProductFormat;
                import org.apache.kafka.common.serialization.Serdes;
                public final class %2$s implements DomainDefinition {
                    public String name() { return "%1$s"; }
                    public void define(Domain d) {
                        d.owner("team-%1$s, library " + Greeting.VERSION);
                        Domain.Raw<String> names = d.raw("names", Serdes.String());
                        d.publish("greetings", 1, StringProductFormat.INSTANCE, names,
                                (in, out) -> out.upsert(in.key(), in.recordedAt(), Greeting.greet(in.value())));
                    }
                }
                """.formatted(domain, cls));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                lib.toString(), def.toString());
        assertThat(rc).as("javac of " + domain).isZero();
        String definitionClass = "com.example." + domain + "." + cls;
        String manifest;
        try (URLClassLoader probe = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> c = probe.loadClass(definitionClass);
            Domain declared = Domain.of((DomainDefinition) c.getDeclaredConstructor().newInstance());
            manifest = DomainManifest.of(declared, c).toJson();
        }
        Path jar = dir.resolve(domain + ".jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            zip.putNextEntry(new ZipEntry(DomainManifest.PATH));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            for (Path f : all) {
                zip.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static Path write(Path root, String path, String text) throws IOException {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }
}
