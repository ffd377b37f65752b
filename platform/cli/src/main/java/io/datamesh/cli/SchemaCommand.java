package io.datamesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.datamesh.schema.compat.PublishedDirectory;
import io.datamesh.schema.compat.PublishedSchemas;
import io.datamesh.schema.compat.SchemaGate;
import io.datamesh.sdk.DomainManifest;
import io.datamesh.serde.RegistryPublishedSchemas;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.serde.SchemaRegistryClient;
import org.apache.avro.Schema;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mesh schema check|publish}: the compatibility gate of a team's public schemas. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = "Check and publish public schemas.",
        subcommands = {SchemaCommand.Check.class, SchemaCommand.Publish.class})
final class SchemaCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where published versions come from. */
    static final class Source {
        @Option(names = "--published", paramLabel = "DIR", description = "Published versions kept in the repository (default: schemas/published).")
        Path published;

        @Option(names = "--registry", paramLabel = "URL", description = "A Confluent-compatible registry holding the published versions.")
        String registry;
    }

    /** Options shared by check and publish. */
    abstract static class Base implements Callable<Integer> {
        @ArgGroup(exclusive = true)
        Source source = new Source();

        @Option(names = "--jar", paramLabel = "FILE", description = "A domain's jar (mvn package of its module), whose manifest names its"
                + " products and their schemas; repeatable. Default: the domain jars in ./target.")
        List<Path> jars = new ArrayList<>();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        PublishedSchemas published() {
            if (source.registry != null) {
                return new RegistryPublishedSchemas(client());
            }
            Path dir = source.published != null ? source.published : Path.of("schemas", "published");
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no published schemas at " + dir + "; give --published DIR or --registry URL");
            }
            return new PublishedDirectory(dir);
        }

        SchemaRegistryClient client() {
            return new RestSchemaRegistryClient(source.registry);
        }

        /** subject → current schema, from the manifests of the jars (or of the domain jars in ./target). */
        Map<String, Schema> current() throws IOException {
            List<Path> given = jars.isEmpty() ? domainJarsIn(Path.of("target")) : jars;
            Map<String, Schema> out = new TreeMap<>();
            for (Path jar : given) {
                DomainManifest manifest = manifest(jar)
                        .orElseThrow(() -> new IllegalArgumentException(jar + " has no " + DomainManifest.PATH + ": not a domain's jar"
                                + " (mvn package builds one in a module whose parent is mesh-domain-parent)"));
                for (DomainManifest.Output o : manifest.outputs()) {
                    if (o.valueSchema() != null) {
                        out.put(o.topic() + "-value", new Schema.Parser().parse(o.valueSchema()));
                    }
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no Avro product in " + given + ": nothing to check");
            }
            return out;
        }

        private static List<Path> domainJarsIn(Path folder) throws IOException {
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                        if (manifest(f).isPresent()) {
                            found.add(f);
                        }
                    }
                }
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no domain jar in " + folder.toAbsolutePath().normalize()
                        + ": give --jar FILE, or run mvn package in the domain's module first");
            }
            return found;
        }

        static void requireFile(Path jar) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no jar at " + jar);
            }
        }

        private static Optional<DomainManifest> manifest(Path jar) throws IOException {
            requireFile(jar);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(DomainManifest.PATH);
                if (entry == null) {
                    return Optional.empty();
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return Optional.of(DomainManifest.parse(in, jar.getFileName() + "!" + DomainManifest.PATH));
                }
            } catch (ZipException e) {
                throw new IllegalArgumentException(jar + " is not a jar: " + e.getMessage(), e);
            } catch (DomainManifest.InvalidManifestException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compare the public schemas with their published versions; exit 1 on any break, naming field, rule and the way out.")
    static final class Check extends Base {
        @Override
        public Integer call() throws Exception {
            jars.forEach(Base::requireFile);
            PublishedSchemas published = published();
            List<SchemaGate.Verdict> verdicts = SchemaGate.check(current(), published);
            verdicts.forEach(v -> out().println(v.describe()));
            boolean broken = SchemaGate.broken(verdicts);
            out().println(broken ? "schema check FAILED: a published schema would break its consumers" : "schema check passed");
            return broken ? 1 : 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish new and changed compatible schemas as their next version (a file v<N>.avsc, or a registry version); refuses if any is broken.")
    static final class Publish extends Base {
        @Override
        public Integer call() throws Exception {
            jars.forEach(Base::requireFile);
            if (source.published != null) {
                // A domain's first publication starts its folder.
                Files.createDirectories(source.published);
            }
            PublishedSchemas published = published();
            Map<String, Schema> current = current();
            List<SchemaGate.Verdict> verdicts = SchemaGate.check(current, published);
            if (SchemaGate.broken(verdicts)) {
                verdicts.stream().filter(v -> v.status() == SchemaGate.Verdict.Status.BROKEN).forEach(v -> out().println(v.describe()));
                out().println("nothing published: fix the breaks first");
                return 1;
            }
            for (SchemaGate.Verdict v : verdicts) {
                Schema schema = current.get(v.subject());
                List<Schema> versions = published.versions(v.subject());
                if (!versions.isEmpty() && versions.get(versions.size() - 1).equals(schema)) {
                    out().println("same    " + v.subject() + " (v" + versions.size() + " is current)");
                    continue;
                }
                if (source.registry != null) {
                    int id = client().register(v.subject(), schema);
                    out().println("registered " + v.subject() + " id " + id);
                } else {
                    Path dir = (source.published != null ? source.published : Path.of("schemas", "published")).resolve(v.subject());
                    Files.createDirectories(dir);
                    Path file = dir.resolve("v" + (versions.size() + 1) + ".avsc");
                    Files.writeString(file, schema.toString(true) + "\n");
                    out().println("published " + file);
                }
            }
            return 0;
        }
    }
}
