package io.datamesh.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

/**
 * The Avro schemas of a domain's module, read from its {@code src/main/avro}:
 * <ul>
 *   <li>every {@code *.avsc} directly in the folder is the payload of one of the domain's products, a
 *       record with its nested types inline; its envelope {@code <Payload>Record} is made here
 *       ({@link EnvelopeSchema});</li>
 *   <li>every {@code *.avsc} in {@code consumed/} is another domain's published product that this
 *       domain reads (its value schema as published, envelope included), compiled as it is.</li>
 * </ul>
 * Errors name the file and what to change.
 */
public record DomainSchemas(List<Product> products, List<Schema> consumed) {

    /** The folder, under the module's Avro folder, of the products a domain reads. */
    public static final String CONSUMED = "consumed";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A payload as its team wrote it, and the envelope generated around it. */
    public record Product(Path file, Schema payload, Schema envelope) {
    }

    public DomainSchemas {
        products = List.copyOf(products);
        consumed = List.copyOf(consumed);
    }

    /** Every schema to compile: payloads, their envelopes, the consumed products. */
    public List<Schema> all() {
        List<Schema> all = new ArrayList<>();
        products.forEach(p -> {
            all.add(p.payload());
            all.add(p.envelope());
        });
        all.addAll(consumed);
        return all;
    }

    /** Reads {@code avroFolder}; a missing folder holds no schemas. */
    public static DomainSchemas read(Path avroFolder) {
        List<Product> products = new ArrayList<>();
        for (Path file : avscFiles(avroFolder)) {
            products.add(payload(file));
        }
        List<Schema> consumed = new ArrayList<>();
        for (Path file : avscFiles(avroFolder.resolve(CONSUMED))) {
            consumed.add(parse(file, text(file)));
        }
        List<String> names = new ArrayList<>();
        products.forEach(p -> {
            names.add(p.payload().getFullName());
            names.add(p.envelope().getFullName());
        });
        for (String name : names) {
            if (names.indexOf(name) != names.lastIndexOf(name)) {
                throw new IllegalArgumentException(avroFolder + ": two payloads define " + name
                        + " (a payload Foo gets the envelope FooRecord): rename one of them");
            }
        }
        return new DomainSchemas(products, consumed);
    }

    private static Product payload(Path file) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode node) || !"record".equals(node.path("type").asText())) {
            throw new IllegalArgumentException(file + ": a payload schema is one Avro record, {\"type\": \"record\", \"name\": …}"
                    + " (another domain's product that this domain reads goes in " + CONSUMED + "/)");
        }
        JsonNode doc = node.remove(EnvelopeSchema.DOC_ATTRIBUTE);
        if (doc != null && !doc.isTextual()) {
            throw new IllegalArgumentException(file + ": \"" + EnvelopeSchema.DOC_ATTRIBUTE + "\" must be a string, the doc of the envelope record");
        }
        Schema payload = parse(file, node.toString());
        if (payload.getNamespace() == null || payload.getNamespace().isEmpty()) {
            throw new IllegalArgumentException(file + ": record " + payload.getName()
                    + " needs a \"namespace\", the Java package of its class (e.g. the package of the domain's definition)");
        }
        if (payload.getNamespace().equals(EnvelopeSchema.SHARED_NAMESPACE)) {
            throw new IllegalArgumentException(file + ": namespace " + EnvelopeSchema.SHARED_NAMESPACE
                    + " is the platform's shared envelope; give the payload the domain's own namespace");
        }
        if (!file.getFileName().toString().equals(payload.getName() + ".avsc")) {
            throw new IllegalArgumentException(file + " defines record " + payload.getName() + ": name the file " + payload.getName() + ".avsc");
        }
        String envelopeDoc = doc != null ? doc.asText() : EnvelopeSchema.defaultDoc(payload);
        return new Product(file, payload, EnvelopeSchema.around(payload, envelopeDoc));
    }

    private static Schema parse(Path file, String json) {
        try {
            return new Schema.Parser().parse(json);
        } catch (AvroRuntimeException e) {
            throw new IllegalArgumentException(file + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private static List<Path> avscFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
