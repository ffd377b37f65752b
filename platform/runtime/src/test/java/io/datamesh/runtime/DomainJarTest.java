package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;

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
    void aJarWithoutTheClassesItsManifestNamesIsRefusedBeforeItsCodeRuns() throws Exception {
        assertThatThrownBy(() -> DomainJar.open(jarWith("ghost.jar", Map.of(DomainManifest.PATH, manifest("ghost", "ghost.product.things.v1")))))
                .isInstanceOf(RuntimeStartException.class)
                .hasMessage("ghost.jar lacks class x.Y, the DomainDefinition its manifest names: " + DomainJar.REBUILD);

        Path withoutSchema = copyWithout(ordersJar(), "io/datamesh/schemas/orders/OrderLineRecord.class");
        assertThatThrownBy(() -> DomainJar.open(withoutSchema))
                .isInstanceOf(RuntimeStartException.class)
                .hasMessage(withoutSchema.getFileName() + " lacks class io.datamesh.schemas.orders.OrderLineRecord,"
                        + " a schema class its manifest names: " + DomainJar.REBUILD)
                .hasMessageNotContaining("\n");

        String squatter = manifest("ghost", "ghost.product.things.v1").replace("x.Y", "io.datamesh.sdk.GhostDomain");
        assertThatThrownBy(() -> DomainJar.open(jarWith("squatter.jar", Map.of(DomainManifest.PATH, squatter,
                "io/datamesh/sdk/GhostDomain.class", "not really a class"))))
                .hasMessageStartingWith("squatter.jar: class io.datamesh.sdk.GhostDomain, the DomainDefinition its manifest names,"
                        + " is in the platform's package io.datamesh.sdk.*");
    }

    @Test
    void aClassMissingFromTheJarAndThePlatformStopsTheDeclarationNamingIt() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createDirectories(src.resolve("com/example/ghost"));
        Files.writeString(src.resolve("com/example/ghost/Owner.java"), """
                package com.example.ghost;
                final class Owner {
                    static String of() { return "team-ghost"; }
                }
                """);
        Files.writeString(src.resolve("com/example/ghost/GhostDomain.java"), """
                package com.example.ghost;
                import io.datamesh.sdk.Domain;
                import io.datamesh.sdk.DomainDefinition;
                public final class GhostDomain implements DomainDefinition {
                    public String name() { return "ghost"; }
                    public void define(Domain d) { d.owner(Owner.of()); }
                }
                """);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), src.resolve("com/example/ghost/Owner.java").toString(),
                src.resolve("com/example/ghost/GhostDomain.java").toString());
        assertThat(rc).as("javac").isZero();
        String manifest = "{\"domain\":\"ghost\",\"owner\":\"t\",\"definitionClass\":\"com.example.ghost.GhostDomain\","
                + "\"applicationId\":\"ghost.pipeline\",\"rawInputs\":[],\"consumedProducts\":[],\"outputs\":[],\"views\":[]}";
        Path jar = dir.resolve("ghost.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry(DomainManifest.PATH));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("com/example/ghost/GhostDomain.class")); // Owner.class left out
            zip.write(Files.readAllBytes(classes.resolve("com/example/ghost/GhostDomain.class")));
            zip.closeEntry();
        }
        try (DomainJar ghost = DomainJar.open(jar)) {
            assertThatThrownBy(() -> ghost.declare(new InMemorySchemaRegistryClient(), false))
                    .isInstanceOf(RuntimeStartException.class)
                    .hasMessage("domain ghost: class com.example.ghost.Owner, needed to declare it, is in neither ghost.jar nor the platform: "
                            + DomainJar.REBUILD);
        }
    }

    /** A copy of {@code jar} without the entry {@code left}, as a jar whose build lost a class. */
    private Path copyWithout(Path jar, String left) throws IOException {
        Path copy = dir.resolve("without-" + left.substring(left.lastIndexOf('/') + 1).replace(".class", "") + ".jar");
        try (ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            assertThat(in.getEntry(left)).as(left + " in " + jar).isNotNull();
            for (ZipEntry e : Collections.list(in.entries())) {
                if (!e.getName().equals(left)) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

}
