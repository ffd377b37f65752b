package io.datamesh.dev;

import java.util.List;

import io.datamesh.runtime.directory.DomainDirectory;
import io.datamesh.runtime.query.QueryRouter;

/** The query API of every demo domain at one address (DESIGN: 8080). */
final class RouterComponent implements DevComponent {

    private final DevSettings settings;
    private final DomainsComponent domains;
    private final KafkaComponent kafka;
    private DomainDirectory directory;
    private QueryRouter router;

    RouterComponent(DevSettings settings, KafkaComponent kafka, DomainsComponent domains) {
        this.settings = settings;
        this.kafka = kafka;
        this.domains = domains;
    }

    @Override
    public String name() {
        return "query-router";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of(new PortClaim("query API", settings.queryPort()));
    }

    @Override
    public void start() {
        // The demo domains, and every domain announced on the broker: one started later with mesh run is answered here too.
        directory = DomainDirectory.start(kafka.broker().bootstrapServers(), java.time.Clock.systemUTC());
        router = new QueryRouter(domains.queryUrls(), directory).start("127.0.0.1", settings.queryPort());
    }

    /** Base URL of the running router. */
    String url() {
        return router.url();
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(new Endpoint("queries", router.url() + "/domains",
                "query API of all domains: views as of any time, aggregates; see /openapi.yml"));
    }

    @Override
    public void close() {
        if (router != null) {
            router.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    @Override
    public java.util.Map<String, String> location() {
        return java.util.Map.of("query.url", router.url());
    }
}
