package io.datamesh.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.schema.compat.PublishedDirectory;
import io.datamesh.schema.compat.SchemaGate;
import org.apache.avro.Schema;

/**
 * Build step of a domain's module (process-classes, after the manifest is written): the build gate.
 * Every product the manifest names is held against its versions published in a folder
 * ({@code <subject>/v<N>.avsc}, as {@code mesh schema publish} writes them); a change that would break
 * a consumer fails the owning team's build, with field, rule and the way out. Products without a
 * published version yet pass as new. Without the folder, the gate runs at deploy, against the registry.
 *
 * <p>Usage: {@code CheckPublished <domain.json> <published folder>}.
 */
public final class CheckPublished {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckPublished() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CheckPublished <domain.json> <published folder>");
        }
        if (!Files.isRegularFile(Path.of(args[0]))) {
            // A module without a manifest (the domain parent itself, a pom): no products to check.
            return;
        }
        List<String> lines = check(Path.of(args[0]), Path.of(args[1]).normalize());
        if (lines.stream().skip(1).anyMatch(l -> !l.startsWith("  same "))) {
            // Quiet while every product is its latest published version; otherwise the team has something to do.
            lines.forEach(System.out::println);
        }
    }

    /**
     * The gate's report, a line per product.
     *
     * @throws IllegalStateException with the report if a product breaks its published versions
     */
    public static List<String> check(Path manifest, Path published) throws IOException {
        JsonNode m = JSON.readTree(Files.readString(manifest));
        if (!Files.isDirectory(published)) {
            return List.of("mesh: no published schemas at " + published + ": domain " + m.path("domain").asText()
                    + "'s products are checked against the registry when it is deployed");
        }
        Map<String, Schema> current = new TreeMap<>();
        for (JsonNode o : m.path("outputs")) {
            if (o.hasNonNull("valueSchema")) {
                current.put(o.path("topic").asText() + "-value", new Schema.Parser().parse(o.get("valueSchema").asText()));
            }
        }
        PublishedDirectory directory = new PublishedDirectory(published);
        List<SchemaGate.Verdict> verdicts = SchemaGate.check(current, directory);
        List<String> lines = new ArrayList<>();
        lines.add("mesh: schemas of domain " + m.path("domain").asText() + " against " + published);
        for (SchemaGate.Verdict v : verdicts) {
            List<Schema> versions = directory.versions(v.subject());
            boolean same = !versions.isEmpty() && versions.get(versions.size() - 1).toString().equals(current.get(v.subject()).toString());
            lines.add("  " + (same ? "same    " + v.subject() + " (v" + versions.size() + " is current)"
                    : v.status() == SchemaGate.Verdict.Status.OK ? v.describe() + "; mesh schema publish records it as v" + (versions.size() + 1)
                    : v.describe().replace("\n", "\n  ")));
        }
        if (SchemaGate.broken(verdicts)) {
            throw new IllegalStateException(String.join("\n", lines) + "\nmesh: a published schema would break its consumers");
        }
        return lines;
    }
}
