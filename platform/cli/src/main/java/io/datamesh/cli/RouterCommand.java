package io.datamesh.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.datamesh.runtime.directory.DomainDirectory;
import io.datamesh.runtime.query.QueryRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mesh router}: the query API of several domains at one address, until stopped. */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = "Serve the query API of several domains at one address (what make run starts on 8080).")
final class RouterCommand implements Callable<Integer> {

    @Option(names = "--domain", paramLabel = "NAME=URL[,URL…]",
            description = "A domain and its instances' HTTP addresses, e.g. --domain orders=http://orders:8080 (repeatable);"
                    + " besides these, every domain that announces itself on the cluster is routed.")
    Map<String, String> domains = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka, where domains announce themselves (default: MESH_BOOTSTRAP_SERVERS, else where make run runs,"
                    + " else ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--no-directory", description = "Route only the --domain entries, not the domains announced on the cluster.")
    boolean noDirectory;

    @Option(names = "--port", defaultValue = "8080", description = "Port to serve on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind-host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bindHost;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, List<String>> urls = new LinkedHashMap<>();
        domains.forEach((d, list) -> {
            List<String> each = new ArrayList<>();
            for (String u : list.split(",")) {
                if (!u.startsWith("http://") && !u.startsWith("https://")) {
                    throw new IllegalArgumentException("--domain " + d + "=" + list + ": each address starts with http://, e.g. http://orders:8080");
                }
                each.add(u.replaceAll("/+$", ""));
            }
            urls.put(d, each);
        });
        if (urls.isEmpty() && noDirectory) {
            throw new IllegalArgumentException("nothing to route: give --domain NAME=URL, or leave out --no-directory to route the announced domains");
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (DomainDirectory directory = noDirectory ? null : DomainDirectory.start(bootstrap, java.time.Clock.systemUTC());
             QueryRouter router = new QueryRouter(urls, directory).start(bindHost, port)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "mesh-router-stop"));
            spec.commandLine().getOut().println("mesh: query router on " + router.url() + " for " + urls.keySet()
                    + (directory == null ? "" : " and the domains announced at " + PlatformLocation.describe(spec, "--bootstrap-servers", bootstrap)));
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return 0;
    }
}
