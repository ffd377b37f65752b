package io.datamesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.datamesh.schema.compat.PublishedDirectory;
import io.datamesh.schema.compat.PublishedSchemas;
import io.datamesh.schema.compat.SchemaGate;
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

        @Option(names = "--jar", paramLabel = "FILE", description = "A domain's jar whose META-INF/mesh/products.properties names its public schemas;"
                + " repeatable. Default: the demo domains' schemas.")
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

        /** subject → current schema, from every products index on the jars (or this tool's classpath). */
        Map<String, Schema> current() throws Exception {
            List<URL> urls = new ArrayList<>();
            for (Path jar : jars) {
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalArgumentException("no jar at " + jar);
                }
                urls.add(jar.toUri().toURL());
            }
            ClassLoader loader = urls.isEmpty() ? getClass().getClassLoader()
                    : new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader());
            Map<String, Schema> out = new TreeMap<>();
            Enumeration<URL> indexes = loader.getResources("META-INF/mesh/products.properties");
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                Properties p = new Properties();
                try (InputStream in = index.openStream()) {
                    p.load(in);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + index + ": " + e.getMessage(), e);
                }
                for (String topic : p.stringPropertyNames()) {
                    String cls = p.getProperty(topic).trim();
                    try {
                        out.put(topic + "-value", (Schema) Class.forName(cls, true, loader).getMethod("getClassSchema").invoke(null));
                    } catch (ClassNotFoundException e) {
                        throw new IllegalArgumentException(index + " names class " + cls + " for " + topic + ", which is not in the jar", e);
                    }
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no META-INF/mesh/products.properties found: nothing to check");
            }
            return out;
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
            List<SchemaGate.Verdict> verdicts = SchemaGate.check(current(), published());
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
            Map<String, Schema> current = current();
            PublishedSchemas published = published();
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
