package io.datamesh.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.apps.clickstream.ClickstreamDomain;
import io.datamesh.apps.inventory.InventoryDomain;
import io.datamesh.apps.kitchen.KitchenDomain;
import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import io.datamesh.runtime.DomainJar;
import io.datamesh.runtime.DomainRuntime;
import io.datamesh.runtime.RuntimeSettings;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.serde.RestSchemaRegistryClient;

/**
 * The demo domains, each in a runtime of its own in this JVM (one process is lighter on a laptop
 * than five; production runs one process per domain with {@code mesh run}). Producers come first:
 * sales reads what orders publishes. Each registers its schemas, creates its topics and serves
 * /health, /ready and /metrics on a free port.
 */
final class DomainsComponent implements DevComponent {

    private final DevSettings settings;
    private final KafkaComponent kafka;
    private final RegistryComponent registry;
    private final List<DomainRuntime> runtimes = new ArrayList<>();

    DomainsComponent(DevSettings settings, KafkaComponent kafka, RegistryComponent registry) {
        this.settings = settings;
        this.kafka = kafka;
        this.registry = registry;
    }

    static List<DomainDefinition> demo() {
        return List.of(new OrdersDomain(), new KitchenDomain(), new InventoryDomain(), new ClickstreamDomain(), new SalesDomain());
    }

    @Override
    public String name() {
        return "domains";
    }

    @Override
    public List<PortClaim> ports() {
        return List.of();
    }

    @Override
    public void start() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        for (DomainDefinition definition : demo()) {
            Domain domain = Domain.of(definition, client, false);
            DomainJar.registerSchemas(domain, client);
            runtimes.add(DomainRuntime.of(domain, RuntimeSettings.builder(kafka.broker().bootstrapServers(),
                    settings.home().resolve("state").resolve(domain.name())).httpPort(0).build()).start());
        }
    }

    /** The running domains' query API addresses, for the router. */
    Map<String, List<String>> queryUrls() {
        Map<String, List<String>> urls = new java.util.LinkedHashMap<>();
        runtimes.forEach(r -> urls.put(r.domain().name(), List.of(r.httpUrl().orElseThrow())));
        return urls;
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> rows = new ArrayList<>();
        for (DomainRuntime r : runtimes) {
            rows.add(new Endpoint("domain " + r.domain().name(), r.httpUrl().orElse("-") + "/metrics",
                    r.domain().products().size() + " products: " + String.join(", ",
                            r.domain().products().stream().map(p -> p.topic().value()).toList())));
        }
        return rows;
    }

    @Override
    public void close() {
        for (int i = runtimes.size() - 1; i >= 0; i--) {
            runtimes.get(i).close();
        }
        runtimes.clear();
    }
}
