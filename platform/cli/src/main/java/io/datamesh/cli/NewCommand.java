package io.datamesh.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mesh new domain}: a new domain's module that builds and passes its test as it is. */
@Command(name = "new", mixinStandardHelpOptions = true, description = "Start something new: mesh new domain <name> --raw <name> --product <name>.",
        subcommands = NewCommand.NewDomain.class)
final class NewCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "domain", mixinStandardHelpOptions = true,
            description = {"Write the module of a new domain: a pom whose parent is mesh-domain-parent, the definition class with a"
                    + " mapping to fill in, the payload schema (its envelope is generated), the services file, a test and a README.",
                "Then: cd <dir> && mvn package, and mesh run target/<name>-" + DomainScaffold.MODULE_VERSION + ".jar."})
    static final class NewDomain implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The domain, e.g. delivery: lowercase letters, digits and '-'.")
        String domain;

        @Option(names = "--raw", required = true, paramLabel = "NAME", description = "Its raw input, <domain>.raw.<NAME>, e.g. deliveries.")
        String raw;

        @Option(names = "--product", required = true, paramLabel = "NAME",
                description = "Its product, <domain>.product.<NAME>.v1, e.g. deliveries; its view is <NAME>-by-id.")
        String product;

        @Option(names = "--raw-format", paramLabel = "json|cdc", defaultValue = "json",
                description = "How raw records are read: json (JsonRecord: bus messages, clicks) or cdc (ChangeEvent: Debezium's change"
                        + " events of a table). Default: ${DEFAULT-VALUE}.")
        String rawFormat;

        @Option(names = "--dir", paramLabel = "DIR", description = "The module's folder, which must not exist (default: ./<NAME>).")
        Path dir;

        @Option(names = "--package", paramLabel = "PACKAGE", description = "Java package and Avro namespace (default: com.example.<NAME>).")
        String javaPackage;

        @Option(names = "--payload", paramLabel = "RECORD", description = "The payload's record name (default: the product's name in the"
                + " singular, e.g. Delivery for deliveries); its envelope is <RECORD>Record.")
        String payload;

        @Option(names = "--owner", paramLabel = "WHO", description = "Who answers for the products (default: team-<NAME>@example.com).")
        String owner;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "The domain's time zone, for dates in queries (default: UTC).")
        String zone;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DomainScaffold.Spec module = DomainScaffold.Spec.of(domain, raw, product, rawFormat, javaPackage, payload, owner, zone,
                    DomainScaffold.platformVersion());
            Path folder = dir != null ? dir : Path.of(domain);
            Map<String, String> files = DomainScaffold.write(module, folder);
            PrintWriter out = spec.commandLine().getOut();
            out.println("mesh: domain " + module.domain() + " in " + folder + ": reads " + module.domain() + ".raw." + module.raw() + " ("
                    + module.format().description + "), publishes " + module.domain() + ".product." + module.product() + ".v1 (payload "
                    + module.payload() + ", envelope " + module.payload() + "Record), view " + module.view());
            files.keySet().forEach(f -> out.println("  " + folder.resolve(f)));
            out.println("next: write the payload and the mapping, then cd " + folder + " && mvn package, and mesh run " + module.jar()
                    + " (" + folder.resolve("README.md") + " says more)");
            return 0;
        }
    }
}
