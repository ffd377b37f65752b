package io.datamesh.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A team writes the payload; the build makes its envelope and the classes of both, and nothing of the platform's. */
class GenerateSchemasTest {

    static final String DELIVERY = """
            {"type": "record", "name": "Delivery", "namespace": "com.example.delivery",
             "doc": "A delivery of an order.",
             "mesh.envelope.doc": "Product delivery.product.deliveries.v1: deliveries.",
             "fields": [
               {"name": "deliveryId", "type": "string", "doc": "Delivery id."},
               {"name": "deliveredAt", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "When the rider handed it over."},
               {"name": "tip", "type": {"type": "bytes", "logicalType": "decimal", "precision": 8, "scale": 2}, "doc": "Tip in EUR."}
             ]}
            """;

    @TempDir
    Path dir;

    @Test
    void aPayloadGetsItsEnvelopeAndBothCompileAgainstThePlatformsSharedTypes() throws Exception {
        Path avro = write("src/main/avro/Delivery.avsc", DELIVERY);
        Path out = dir.resolve("generated");
        GenerateSchemas.main(new String[] {avro.getParent().toString(), out.toString()});

        assertThat(javaFiles(out)).containsExactly("com/example/delivery/Delivery.java", "com/example/delivery/DeliveryRecord.java");
        try (URLClassLoader classes = compile(out)) {
            Schema envelope = (Schema) classes.loadClass("com.example.delivery.DeliveryRecord").getMethod("getClassSchema").invoke(null);
            Schema payload = (Schema) classes.loadClass("com.example.delivery.Delivery").getMethod("getClassSchema").invoke(null);
            assertThat(envelope.getFields()).extracting(Schema.Field::name).containsExactlyElementsOf(EnvelopeSchema.FIELDS);
            assertThat(envelope.getDoc()).isEqualTo("Product delivery.product.deliveries.v1: deliveries.");
            assertThat(envelope.getField("source").schema().getFullName()).isEqualTo("io.datamesh.schemas.envelope.SourcePosition");
            assertThat(envelope.getField("payload").schema().getTypes().get(1)).isEqualTo(payload);
            assertThat(payload.getObjectProps()).as("the envelope's doc is taken off the payload").isEmpty();
            assertThat(payload.getField("tip").schema().getLogicalType().getName()).isEqualTo("decimal");
            assertThat(classes.loadClass("com.example.delivery.Delivery").getMethod("getTip").getReturnType()).isEqualTo(java.math.BigDecimal.class);
            assertThat(classes.loadClass("com.example.delivery.Delivery").getMethod("getDeliveryId").getReturnType()).isEqualTo(String.class);
        }
    }

    @Test
    void aPayloadWithoutADocAttributeGetsTheDefaultDoc() throws IOException {
        write("avro/Delivery.avsc", DELIVERY.replace("\"mesh.envelope.doc\": \"Product delivery.product.deliveries.v1: deliveries.\",", ""));
        DomainSchemas schemas = DomainSchemas.read(dir.resolve("avro"));
        assertThat(schemas.products()).singleElement().satisfies(p -> assertThat(p.envelope().getDoc())
                .isEqualTo("Versions of Delivery in the bitemporal envelope: entity key, valid time, recorded time, operation,"
                        + " source position and content hash around the payload."));
    }

    @Test
    void aConsumedProductIsCompiledAsPublishedWithoutThePlatformsTypes() throws Exception {
        Schema published = DomainSchemas.read(write("avro/Delivery.avsc", DELIVERY).getParent()).products().get(0).envelope();
        Files.delete(dir.resolve("avro/Delivery.avsc"));
        write("avro/consumed/delivery.product.deliveries.v1-value.avsc", published.toString(true));
        Path out = dir.resolve("generated");
        GenerateSchemas.generate(DomainSchemas.read(dir.resolve("avro")), out);
        assertThat(javaFiles(out)).containsExactly("com/example/delivery/Delivery.java", "com/example/delivery/DeliveryRecord.java");
    }

    @Test
    void onlyChangedFilesAreRewrittenAndThoseOfRemovedSchemasGo() throws Exception {
        Path avro = write("avro/Delivery.avsc", DELIVERY).getParent();
        Path out = dir.resolve("generated");
        assertThat(GenerateSchemas.generate(DomainSchemas.read(avro), out)).isEqualTo(2);
        assertThat(GenerateSchemas.generate(DomainSchemas.read(avro), out)).isZero();
        write("avro/Delivery.avsc", DELIVERY.replace("Tip in EUR.", "Tip in euros."));
        assertThat(GenerateSchemas.generate(DomainSchemas.read(avro), out)).as("the payload and its envelope, which inlines it").isEqualTo(2);
        Files.delete(avro.resolve("Delivery.avsc"));
        assertThat(GenerateSchemas.generate(DomainSchemas.read(avro), out)).isEqualTo(2);
        assertThat(javaFiles(out)).isEmpty();
    }

    @Test
    void aPayloadThatCannotBeOneIsRefusedNamingTheFileAndTheFix() throws IOException {
        Path avro = dir.resolve("avro");
        write("avro/Status.avsc", "{\"type\": \"enum\", \"name\": \"Status\", \"namespace\": \"com.example\", \"symbols\": [\"A\"]}");
        assertThatThrownBy(() -> DomainSchemas.read(avro)).hasMessageStartingWith(avro.resolve("Status.avsc")
                + ": a payload schema is one Avro record");
        Files.delete(avro.resolve("Status.avsc"));

        write("avro/Delivery.avsc", DELIVERY.replace("\"namespace\": \"com.example.delivery\",", ""));
        assertThatThrownBy(() -> DomainSchemas.read(avro)).hasMessage(avro.resolve("Delivery.avsc")
                + ": record Delivery needs a \"namespace\", the Java package of its class (e.g. the package of the domain's definition)");

        write("avro/Delivery.avsc", DELIVERY.replace("\"name\": \"Delivery\"", "\"name\": \"Drop\""));
        assertThatThrownBy(() -> DomainSchemas.read(avro)).hasMessage(avro.resolve("Delivery.avsc") + " defines record Drop: name the file Drop.avsc");

        write("avro/Delivery.avsc", DELIVERY.replace("\"string\"", "\"strin\""));
        assertThatThrownBy(() -> DomainSchemas.read(avro)).hasMessageStartingWith(avro.resolve("Delivery.avsc") + " is not a valid Avro schema:")
                .hasMessageContaining("strin");

        write("avro/Delivery.avsc", DELIVERY.replace("com.example.delivery", "io.datamesh.schemas.envelope"));
        assertThatThrownBy(() -> DomainSchemas.read(avro)).hasMessageContaining("is the platform's shared envelope");
    }

    private Path write(String path, String text) throws IOException {
        Path f = dir.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    private static List<String> javaFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /** Compiles generated sources against this test's class path (Avro and the platform's envelope). */
    private URLClassLoader compile(Path sources) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "-nowarn"));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac").isZero();
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    }
}
