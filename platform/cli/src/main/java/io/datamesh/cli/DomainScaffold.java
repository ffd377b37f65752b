package io.datamesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;

import io.datamesh.topics.InvalidTopicNameException;
import io.datamesh.topics.TopicNames;

/**
 * The module of a new domain, as {@code mesh new domain} writes it: a pom whose parent is
 * mesh-domain-parent, the definition class with an example mapping, the payload schema (the only
 * {@code .avsc} a team writes; the build generates its envelope), the services file, a
 * {@code DomainTestDriver} test and a README. It builds and passes its test as it is.
 */
final class DomainScaffold {

    /** How the raw records of the domain are read. */
    enum RawFormat {
        /** JSON records (bus messages, clicks, any JSON): {@code JsonSerde.record()}. */
        JSON("json", "JSON records"),
        /** Debezium's change events of a table: {@code ChangeEvent}. */
        CDC("cdc", "Debezium change events of a table");

        final String option;
        final String description;

        RawFormat(String option, String description) {
            this.option = option;
            this.description = description;
        }

        static RawFormat of(String option) {
            return Arrays.stream(values()).filter(f -> f.option.equals(option)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "--raw-format is json (JSON records: bus messages, clicks) or cdc (Debezium change events), not '" + option + "'"));
        }
    }

    /** The version of the module a team starts with: its own, whatever the platform's. */
    static final String MODULE_VERSION = "1.0.0-SNAPSHOT";

    private static final String TEMPLATES = "scaffold/";

    /**
     * What the new module is about, checked: every name follows the platform's naming rules and makes
     * valid Java.
     */
    record Spec(String domain, String raw, String product, RawFormat format, String javaPackage, String payload, String owner,
                String zone, String platformVersion) {

        Spec {
            requireTopicName("domain name '" + domain + "'", () -> TopicNames.deadLetters(domain));
            requireTopicName("--raw '" + raw + "'", () -> TopicNames.raw(domain, raw));
            requireTopicName("--product '" + product + "'", () -> TopicNames.product(domain, product, 1));
            requireTopicName("--product '" + product + "'", () -> TopicNames.changelog(domain, "pipeline", product + "-by-id"));
            if (!SourceVersion.isName(javaPackage)) {
                String example = "com.example." + javaName(domain).toLowerCase(Locale.ROOT);
                throw new IllegalArgumentException("'" + javaPackage + "' is not a Java package name (a segment is a keyword or not an"
                        + " identifier): give one with --package, e.g. --package " + (SourceVersion.isName(example) ? example : example + "domain"));
            }
            if (!payload.matches("[A-Z][A-Za-z0-9_]*") || !SourceVersion.isName(payload)) {
                throw new IllegalArgumentException("--payload '" + payload + "' is not a record name: a capital letter, then letters,"
                        + " digits or '_', e.g. Delivery");
            }
            String definition = javaName(domain) + "Domain";
            if (payload.equals(definition) || (payload + "Record").equals(definition) || payload.equals(definition + "Test")) {
                throw new IllegalArgumentException("the payload " + payload + " (and its envelope " + payload + "Record) would clash with the"
                        + " definition class " + definition + ": give another with --payload");
            }
            if (owner.isBlank()) {
                throw new IllegalArgumentException("--owner is empty: who answers for the domain's products, e.g. team-" + domain + "@example.com");
            }
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("--time-zone '" + zone + "' is not a time zone: e.g. Europe/Rome or UTC");
            }
        }

        /** The spec with the defaults of every option not given. */
        static Spec of(String domain, String raw, String product, String format, String javaPackage, String payload, String owner,
                       String zone, String platformVersion) {
            return new Spec(domain, raw, product, RawFormat.of(format),
                    javaPackage != null ? javaPackage : "com.example." + javaName(domain).toLowerCase(Locale.ROOT),
                    payload != null ? payload : javaName(singular(product)),
                    owner != null ? owner : "team-" + domain + "@example.com",
                    zone != null ? zone : "UTC",
                    platformVersion);
        }

        String definitionClass() {
            return javaName(domain) + "Domain";
        }

        String view() {
            return product + "-by-id";
        }

        /** The module's jar, as {@code mvn package} names it. */
        String jar() {
            return "target/" + domain + "-" + MODULE_VERSION + ".jar";
        }
    }

    private DomainScaffold() {
    }

    /** The module's files: path relative to its folder → text, in the order they are listed. */
    static Map<String, String> files(Spec spec) {
        String packagePath = spec.javaPackage().replace('.', '/');
        Map<String, String> values = new LinkedHashMap<>();
        values.put("domain", spec.domain());
        values.put("raw", spec.raw());
        values.put("product", spec.product());
        values.put("view", spec.view());
        values.put("package", spec.javaPackage());
        values.put("packagePath", packagePath);
        values.put("Domain", javaName(spec.domain()));
        values.put("Payload", spec.payload());
        values.put("owner", spec.owner());
        values.put("zone", spec.zone());
        values.put("platformVersion", spec.platformVersion());
        values.put("groupId", spec.javaPackage());
        values.put("artifactId", spec.domain());
        values.put("version", MODULE_VERSION);
        values.put("rawFormat", spec.format().description);
        values.put("rawExample", spec.format() == RawFormat.JSON
                ? "the key `k1` and the value `{\"id\":\"k1\",\"status\":\"NEW\",\"at\":\"2018-07-08T10:30:00Z\"}`"
                : "the key `k1` and a change event as the CDC connector writes it,"
                        + " `{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"k1\",\"status\":\"NEW\",\"updated_at\":\"2018-07-08T10:30:00Z\"}}`");
        String format = spec.format().option;

        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", render("pom.xml.template", values));
        files.put("README.md", render("README.md.template", values));
        files.put(".gitignore", render("gitignore.template", values));
        files.put("src/main/avro/" + spec.payload() + ".avsc", render("Payload.avsc.template", values));
        files.put("src/main/java/" + packagePath + "/" + spec.definitionClass() + ".java", render("Definition-" + format + ".java.template", values));
        files.put("src/main/resources/META-INF/services/io.datamesh.sdk.DomainDefinition", spec.javaPackage() + "." + spec.definitionClass() + "\n");
        files.put("src/test/java/" + packagePath + "/" + spec.definitionClass() + "Test.java", render("Test-" + format + ".java.template", values));
        return files;
    }

    /**
     * Writes the module into {@code dir}, which must not exist; all of it or nothing.
     *
     * @throws IllegalArgumentException if {@code dir} exists
     */
    static Map<String, String> write(Spec spec, Path dir) throws IOException {
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("folder " + dir + " exists: give another with --dir, or remove it");
        }
        Map<String, String> files = files(spec);
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Written beside the target and moved into place at once, so a failure leaves no half-made module.
        Path scratch = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = scratch.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            Files.move(scratch, dir.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            deleteTree(scratch);
            throw e;
        }
        return files;
    }

    /** The platform version this tool belongs to, which a new module names as its parent's. */
    static String platformVersion() {
        Properties p = new Properties();
        try (InputStream in = DomainScaffold.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/datamesh/cli/version.properties is missing from the mesh tool's classes: rebuild it");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    /** {@code pizza-events} → {@code PizzaEvents}. */
    static String javaName(String name) {
        return Arrays.stream(name.split("-")).filter(s -> !s.isEmpty())
                .map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1)).collect(Collectors.joining());
    }

    /** The name of one of a product's entities, a guess in English: {@code deliveries} → {@code delivery}; --payload overrides it. */
    static String singular(String product) {
        int last = product.lastIndexOf('-') + 1;
        String head = product.substring(0, last);
        String word = product.substring(last);
        String one;
        if (word.endsWith("ies") && word.length() > 3) {
            one = word.substring(0, word.length() - 3) + "y";
        } else if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes")) {
            one = word.substring(0, word.length() - 2);
        } else if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && word.length() > 1) {
            one = word.substring(0, word.length() - 1);
        } else {
            one = word;
        }
        return head + one;
    }

    private static void requireTopicName(String what, Runnable check) {
        try {
            check.run();
        } catch (InvalidTopicNameException e) {
            throw new IllegalArgumentException(what + " breaks naming rule " + e.rule().name().toLowerCase(Locale.ROOT) + ": "
                    + e.rule().rule() + " (it would name topic '" + e.topic() + "')");
        }
    }

    private static String render(String template, Map<String, String> values) {
        String text;
        try (InputStream in = DomainScaffold.class.getResourceAsStream(TEMPLATES + template)) {
            if (in == null) {
                throw new IllegalStateException("template " + TEMPLATES + template + " is missing from the mesh tool's classes: rebuild it");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        if (text.contains("{{")) {
            throw new IllegalStateException("template " + template + " names a value the scaffold does not have: "
                    + text.substring(text.indexOf("{{"), Math.min(text.length(), text.indexOf("{{") + 30)));
        }
        return text;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
