package io.datamesh.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mesh}: the platform's command-line tool. Every command has {@code --help}; an error is one
 * clear line and a non-zero exit code.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true, version = "mesh 0.1.0",
        description = "The data mesh platform's command-line tool.",
        subcommands = {SchemaCommand.class, RunCommand.class, DlqCommand.class, TopicsCommand.class, TailCommand.class,
            QueryCommand.class, RouterCommand.class, DomainsCommand.class, RegistryCommand.class})
public final class Mesh implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Mesh());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("mesh: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
