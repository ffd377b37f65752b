package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command finds the platform: flags, then MESH_* variables, then the file make run writes, then the defaults; errors name where they looked. */
class PlatformLocationTest {

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    private PlatformLocation location() {
        env.put("MESH_HOME", home.toString());
        return new PlatformLocation(env::get);
    }

    private PlatformLocation.Resolved url() {
        return location().resolve(PlatformLocation.SETTINGS.get("--url"));
    }

    @Test
    void theEnvironmentWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        assertThat(url().value()).isEqualTo("http://127.0.0.1:8080");
        assertThat(url().origin()).startsWith("the default; make run writes " + home.resolve("platform.properties"));

        Files.writeString(home.resolve("platform.properties"), "query.url=http://127.0.0.1:18080\nbootstrap.servers=127.0.0.1:19092\n");
        assertThat(url().described()).isEqualTo("http://127.0.0.1:18080 (from " + home.resolve("platform.properties") + ")");

        env.put("MESH_URL", "http://router:8080");
        assertThat(url().described()).isEqualTo("http://router:8080 (from MESH_URL)");
    }

    @Test
    void aCommandUsesTheFileAndItsErrorSaysWhereItLooked() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(home.resolve("platform.properties"), "query.url=http://127.0.0.1:" + closed + "\n");
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), location(), "query", "domains");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("nothing answers at http://127.0.0.1:" + closed + " (from " + home.resolve("platform.properties") + ")")
                .contains("--url or MESH_URL sets the address");
    }

    @Test
    void aFlagWinsOverEverything() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        env.put("MESH_URL", "http://127.0.0.1:1");
        StringWriter err = new StringWriter();
        Mesh.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), location(), "query", "domains",
                "--url", "http://127.0.0.1:" + closed);

        assertThat(err.toString()).contains("nothing answers at http://127.0.0.1:" + closed + " (from --url)");
    }

    @Test
    void theSourcesCommandsFindKafkaAndTheBusInTheFile() throws Exception {
        Files.writeString(home.resolve("platform.properties"), "bootstrap.servers=127.0.0.1:19092\namqp.uri=amqp://guest:guest@127.0.0.1:15672\n");
        PlatformLocation location = location();

        CommandLine.ParseResult bridge = Mesh.commandLine(location).parseArgs("bridge", "--config", "bridges/kitchen.properties");
        CommandLine.ParseResult collector = Mesh.commandLine(location).parseArgs("collector");

        assertThat(bridge.subcommand().commandSpec().findOption("--bootstrap-servers").<String>getValue()).isEqualTo("127.0.0.1:19092");
        assertThat(bridge.subcommand().commandSpec().findOption("--amqp-uri").<String>getValue()).isEqualTo("amqp://guest:guest@127.0.0.1:15672");
        assertThat(collector.subcommand().commandSpec().findOption("--bootstrap-servers").<String>getValue()).isEqualTo("127.0.0.1:19092");
    }

    @Test
    void aSourceCommandRefusesABadSettingInOneLineBeforeItConnects() {
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), location(), "collector",
                "--set", "collector.max.batch.events=10");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("mesh: unknown collector setting 'collector.max.batch.events'; the settings are [")
                .contains("collector.batch.max.events").hasLineCount(1);
    }
}
