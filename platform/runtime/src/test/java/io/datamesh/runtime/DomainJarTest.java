package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schemas.orders.OrderRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainManifest;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Deploying a feature team's jar: its manifest and schemas are checked before anything runs. */
class DomainJarTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path dir;

    /** The orders domain's jar as its build made it (from the classes on the test classpath). */
    Path ordersJar() throws IOException, URISyntaxException {
        Path location = Path.of(OrdersDomain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = dir.resolve("orders.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(location)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new ZipEntry(location.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    Path jarWith(String name, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    static String manifest(String domain, String output) {
        return "{\"domain\":\"" + domain + "\",\"owner\":\"t\",\"definitionClass\":\"x.Y\",\"applicationId\":\"" + domain + ".pipeline\","
                + "\"rawInputs\":[],\"consumedProducts\":[],\"outputs\":[{\"topic\":\"" + output + "\",\"freshnessSeconds\":60}],\"views\":[]}";
    }

    @Test
    void theOrdersJarDeclaresWhatItsManifestSaysRegistersItsSchemasAndRuns() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        try (DomainJar jar = DomainJar.open(ordersJar())) {
            DomainManifest m = jar.manifest();
            assertThat(m.domain()).isEqualTo("orders");
            assertThat(m.outputs()).extracting(DomainManifest.Output::topic)
                    .containsExactly("orders.product.orders.v1", "orders.product.order-lines.v1");
            Domain domain = jar.declare(registry, false);
            DomainJar.registerSchemas(domain, registry);
            assertThat(registry.subjects()).containsExactly("orders.product.order-lines.v1-value", "orders.product.orders.v1-value");

            try (DomainRuntime runtime = DomainRuntime.of(domain, RuntimeSettings.builder(KAFKA.bootstrapServers(), dir.resolve("state"))
                    .startTimeout(Duration.ofSeconds(60)).build()).start()) {
                assertThat(runtime.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    @Test
    void anIncompatibleSchemaStopsTheDeploymentWithFieldAndRule() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Schema published = new Schema.Parser().parse(OrderRecord.getClassSchema().toString()
                .replace("{\"name\":\"key\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}", "{\"name\":\"key\",\"type\":\"int\""));
        registry.setCompatibility("orders.product.orders.v1-value", "NONE");
        registry.register("orders.product.orders.v1-value", published);
        registry.setCompatibility("orders.product.orders.v1-value", "BACKWARD_TRANSITIVE");

        try (DomainJar jar = DomainJar.open(ordersJar())) {
            Domain domain = jar.declare(registry, false);
            assertThatThrownBy(() -> DomainJar.registerSchemas(domain, registry))
                    .isInstanceOf(RuntimeStartException.class)
                    .hasMessageContaining("domain orders not started: its schemas would break consumers: orders.product.orders.v1-value: field key: the type changed")
                    .hasMessageContaining("topic orders.product.orders.v2");
            assertThat(registry.versions("orders.product.orders.v1-value")).hasSize(1);
            assertThat(registry.subjects()).doesNotContain("orders.product.order-lines.v1-value");
        }
    }

    @Test
    void badJarsAreRefusedWithTheReason() throws Exception {
        assertThatThrownBy(() -> DomainJar.open(dir.resolve("nope.jar"))).hasMessage("no domain jar at " + dir.resolve("nope.jar"));
        assertThatThrownBy(() -> DomainJar.open(jarWith("empty.jar", Map.of("README", "hi"))))
                .isInstanceOf(RuntimeStartException.class)
                .hasMessageStartingWith("empty.jar has no META-INF/mesh/domain.json");
        assertThatThrownBy(() -> DomainJar.open(jarWith("broken.jar", Map.of(DomainManifest.PATH, "{\"domain\": "))))
                .hasMessageStartingWith("broken.jar!META-INF/mesh/domain.json is not valid JSON");
        assertThatThrownBy(() -> DomainJar.open(jarWith("thief.jar", Map.of(DomainManifest.PATH, manifest("sales", "orders.product.orders.v1")))))
                .hasMessage("thief.jar!META-INF/mesh/domain.json: output orders.product.orders.v1 is not a product of domain sales"
                        + " (a domain publishes only its own products, e.g. sales.product.<name>.v1)");
        assertThatThrownBy(() -> DomainJar.open(jarWith("misnamed.jar", Map.of(DomainManifest.PATH, manifest("sales", "sales.product.Pizzas.v1")))))
                .hasMessageStartingWith("misnamed.jar!META-INF/mesh/domain.json: topic 'sales.product.Pizzas.v1' breaks naming rule name");
        assertThatThrownBy(() -> DomainJar.open(jarWith("lacking.jar", Map.of(DomainManifest.PATH, "{\"domain\":\"sales\"}"))))
                .hasMessage("lacking.jar!META-INF/mesh/domain.json lacks the list \"outputs\"");
    }

    @Test
    void aClassThatCannotBeCreatedIsRefusedNamingIt() throws Exception {
        try (DomainJar jar = DomainJar.open(jarWith("ghost.jar", Map.of(DomainManifest.PATH, manifest("ghost", "ghost.product.things.v1"))))) {
            assertThatThrownBy(() -> jar.declare(new InMemorySchemaRegistryClient(), false))
                    .isInstanceOf(RuntimeStartException.class)
                    .hasMessageStartingWith("domain ghost: cannot create x.Y: java.lang.ClassNotFoundException: x.Y");
        }
    }

}
