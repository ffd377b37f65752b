package io.datamesh.cli;

import java.io.PrintWriter;

import io.datamesh.bridge.RabbitBridgeMain;
import io.datamesh.collector.ClickstreamCollectorMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mesh}: the platform's command-line tool. Every command has {@code --help}; an error is one
 * clear line and a non-zero exit code.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true, version = "mesh 0.1.0",
        description = "The data mesh platform's command-line tool.",
        subcommands = {SchemaCommand.class, RunCommand.class, DlqCommand.class, TopicsCommand.class, TailCommand.class,
            QueryCommand.class, RouterCommand.class, DomainsCommand.class, RegistryCommand.class, CdcCommand.class, NewCommand.class,
            ProduceCommand.class, AuditCommand.class})
public final class Mesh implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, new PlatformLocation(), args);
    }

    /** Runs with {@code location} telling where the platform is when flags do not. */
    static int run(PrintWriter out, PrintWriter err, PlatformLocation location, String... args) {
        CommandLine cli = commandLine(location);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, args2) -> {
            // A wrong or missing option is one line too, with where the options are told.
            CommandLine command = e.getCommandLine();
            command.getErr().println("mesh: " + e.getMessage() + " (" + command.getCommandSpec().qualifiedName() + " --help lists the options)");
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("mesh: " + message(e, commandLine));
            return 2;
        });
        return cli.execute(args);
    }

    /** Every command, with {@code location} telling where the platform is when flags do not. */
    static CommandLine commandLine(PlatformLocation location) {
        CommandLine cli = new CommandLine(new Mesh());
        // The sources' own commands, under their short names; before the default provider, so that they find the platform too.
        cli.addSubcommand("bridge", new CommandLine(new RabbitBridgeMain()).setCommandName("bridge"));
        cli.addSubcommand("collector", new CommandLine(new ClickstreamCollectorMain()).setCommandName("collector"));
        cli.setDefaultValueProvider(location);
        return cli;
    }

    /** One line: the error's message; for a Kafka that does not answer, which address was asked and where it came from. */
    static String message(Exception e, CommandLine command) {
        CommandLine.Model.OptionSpec bootstrap = command.getCommandSpec().findOption("--bootstrap-servers");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (bootstrap != null && (t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException)) {
                return "no answer from Kafka at " + PlatformLocation.of(command).describe("--bootstrap-servers", bootstrap.getValue())
                        + ": is make run (or your cluster) running? --bootstrap-servers or MESH_BOOTSTRAP_SERVERS sets the address";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
