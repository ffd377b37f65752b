package io.datamesh.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where the platform runs, for every command: a flag, else a {@code MESH_*} environment variable,
 * else the file {@code make run} writes ({@value #FILE} under {@code $MESH_HOME}, by default
 * {@code .mesh} of the current folder; {@code bin/mesh} points it at the checkout's {@code .mesh}),
 * else the dev defaults. Errors say which address was asked and where it came from.
 *
 * <pre>
 *   option                 environment              file key            default
 *   --bootstrap-servers    MESH_BOOTSTRAP_SERVERS   bootstrap.servers   127.0.0.1:9092
 *   --registry             MESH_REGISTRY            registry.url        http://127.0.0.1:8081
 *   --url                  MESH_URL                 query.url           http://127.0.0.1:8080
 *   --amqp-uri             MESH_AMQP_URI            amqp.uri            amqp://guest:guest@127.0.0.1:5672
 * </pre>
 */
final class PlatformLocation implements CommandLine.IDefaultValueProvider {

    /** The file {@code make run} writes where it runs. */
    static final String FILE = "platform.properties";

    /** One setting: its option, its environment variable, its key in the file, its default. */
    record Setting(String option, String env, String key, String fallback) {
    }

    static final Map<String, Setting> SETTINGS = Map.of(
            "--bootstrap-servers", new Setting("--bootstrap-servers", "MESH_BOOTSTRAP_SERVERS", "bootstrap.servers", "127.0.0.1:9092"),
            "--registry", new Setting("--registry", "MESH_REGISTRY", "registry.url", "http://127.0.0.1:8081"),
            "--url", new Setting("--url", "MESH_URL", "query.url", "http://127.0.0.1:8080"),
            "--amqp-uri", new Setting("--amqp-uri", "MESH_AMQP_URI", "amqp.uri", "amqp://guest:guest@127.0.0.1:5672"));

    private final Function<String, String> env;
    private final Path home;

    PlatformLocation() {
        this(System::getenv);
    }

    PlatformLocation(Function<String, String> env) {
        this.env = env;
        String h = env.apply("MESH_HOME");
        this.home = Path.of(h == null || h.isBlank() ? ".mesh" : h);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        // Only options that locate the platform by default; an option without a default (e.g. schema check's
        // --registry, which switches the gate to a registry) keeps meaning "not given".
        if (!(arg instanceof OptionSpec option) || option.defaultValue() == null) {
            return null;
        }
        Setting s = SETTINGS.get(option.longestName());
        return s == null ? null : resolve(s).value();
    }

    /** A setting's value and where it came from. */
    record Resolved(String value, String origin) {
        /** E.g. {@code 127.0.0.1:9092 (from .mesh/platform.properties)}. */
        String described() {
            return value + " (" + origin + ")";
        }
    }

    Resolved resolve(Setting s) {
        String fromEnv = env.apply(s.env());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Resolved(fromEnv, "from " + s.env());
        }
        Path file = home.resolve(FILE);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            String v = p.getProperty(s.key());
            if (v != null && !v.isBlank()) {
                return new Resolved(v.trim(), "from " + file);
            }
        }
        return new Resolved(s.fallback(), "the default; make run writes " + file + " when it runs, " + s.env() + " or "
                + s.option() + " set another");
    }

    /**
     * Where {@code value} of {@code option} came from, for an error: the flag, or what {@link #resolve}
     * gives. E.g. {@code 127.0.0.1:9092 (from MESH_BOOTSTRAP_SERVERS)}.
     */
    String describe(String option, String value) {
        Resolved r = resolve(SETTINGS.get(option));
        return r.value().equals(value) ? r.described() : value + " (from " + option + ")";
    }

    /** The location the command line was set up with. */
    static PlatformLocation of(CommandLine command) {
        CommandLine root = command;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getDefaultValueProvider() instanceof PlatformLocation p ? p : new PlatformLocation();
    }

    /** {@link #describe} for the command of {@code spec}. */
    static String describe(CommandLine.Model.CommandSpec spec, String option, String value) {
        return of(spec.commandLine()).describe(option, value);
    }
}
