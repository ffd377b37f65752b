package io.datamesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart under {@code mesh/}, linted and rendered by Helm's own code (helm-java): what an
 * operator gets with the default values and with their own, and the refusals of bad values.
 */
class HelmChartTest {

    static final Path CHART = Path.of("mesh");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theChartLintsCleanly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultsDeployTheRegistryEveryDemoDomainAndTheRouter() throws Exception {
        List<Map<String, Object>> docs = render(null);
        assertThat(names(docs, "Deployment")).containsExactlyInAnyOrder("prod-registry", "prod-router");
        assertThat(names(docs, "StatefulSet")).containsExactly("prod-domain-orders", "prod-domain-kitchen", "prod-domain-inventory",
                "prod-domain-clickstream", "prod-domain-sales");

        List<String> orders = args(find(docs, "StatefulSet", "prod-domain-orders"));
        assertThat(orders).startsWith("run", "/opt/mesh/domains/mesh-app-orders.jar").contains(
                "--bootstrap-servers=kafka:9092", "--registry=http://prod-registry:8081", "--instance=$(POD_NAME)",
                "--advertised-host=$(POD_IP)", "--bind-host=0.0.0.0", "--http-port=8080", "--standby-replicas=1",
                "--topic=topics.replication.factor=3", "--topic=topics.min.insync.replicas=2", "--state-dir=/var/lib/mesh/state");
        assertThat(spec(find(docs, "StatefulSet", "prod-domain-orders")).get("replicas")).isEqualTo(2);
        assertThat(args(find(docs, "Deployment", "prod-router"))).contains("router", "--bootstrap-servers=kafka:9092",
                "--domain=orders=http://prod-domain-orders:8080",
                "--domain=sales=http://prod-domain-sales:8080");
        assertThat(args(find(docs, "Deployment", "prod-registry"))).contains("registry", "--replication-factor=3");
        assertThat(names(docs, "Service")).contains("prod-registry", "prod-router", "prod-domain-orders", "prod-domain-orders-pods");

        Map<String, Object> dashboard = find(docs, "ConfigMap", "prod-dashboard");
        @SuppressWarnings("unchecked")
        JsonNode json = JSON.readTree(((Map<String, String>) dashboard.get("data")).get("mesh.json"));
        List<String> exprs = new ArrayList<>();
        json.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        // The metrics a runtime exposes (RuntimeMetrics, QueryMetrics): the dashboard reads them by these names.
        assertThat(String.join("\n", exprs)).contains("mesh_product_records_total", "mesh_product_freshness_seconds",
                "mesh_product_freshness_slo_seconds", "mesh_dlq_records_total", "mesh_query_requests_seconds_bucket");
    }

    @Test
    void anOperatorsValuesChangeWhatTheyShould() throws Exception {
        Path values = Files.writeString(dir.resolve("values.yaml"), """
                kafka: {bootstrapServers: "broker-0.kafka:9092,broker-1.kafka:9092"}
                registry: {enabled: false, url: "https://registry.example:8081"}
                domainDefaults: {streams: {num.stream.threads: "2"}}
                domains:
                  - {name: orders, jar: /opt/mesh/domains/mesh-app-orders.jar, replicas: 3, standbyReplicas: 2, partitions: 12}
                metrics: {serviceMonitor: {enabled: true}}
                dashboards: {enabled: false}
                """);
        List<Map<String, Object>> docs = render(values);
        assertThat(names(docs, "Deployment")).containsExactly("prod-router");
        assertThat(names(docs, "StatefulSet")).containsExactly("prod-domain-orders");
        assertThat(names(docs, "ServiceMonitor")).hasSize(1);
        assertThat(names(docs, "ConfigMap")).isEmpty();
        assertThat(args(find(docs, "StatefulSet", "prod-domain-orders"))).contains("--registry=https://registry.example:8081",
                "--bootstrap-servers=broker-0.kafka:9092,broker-1.kafka:9092", "--standby-replicas=2", "--topic=topics.partitions=12",
                "--set=num.stream.threads=2");
        assertThat(spec(find(docs, "StatefulSet", "prod-domain-orders")).get("replicas")).isEqualTo(3);
    }

    @Test
    void badValuesAreRefusedWithWhatIsWrong() throws Exception {
        Path noUrl = Files.writeString(dir.resolve("no-url.yaml"), "registry: {enabled: false}\n");
        assertThatThrownBy(() -> render(noUrl)).hasMessageContaining("registry.url is required when registry.enabled is false");
        Path badName = Files.writeString(dir.resolve("bad-name.yaml"), "domains: [{name: Orders_1, jar: /x.jar}]\n");
        assertThatThrownBy(() -> render(badName)).hasMessageContaining("domains[0].name \"Orders_1\" must be a domain name");
        Path noJar = Files.writeString(dir.resolve("no-jar.yaml"), "domains: [{name: orders}]\n");
        assertThatThrownBy(() -> render(noJar)).hasMessageContaining("domains[0].jar (the domain's jar in the image) is required");
    }

    private static List<Map<String, Object>> render(Path values) {
        var template = new Helm(CHART).template().withName("prod");
        if (values != null) {
            template = template.withValuesFile(values);
        }
        String yaml = template.call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) doc;
                docs.add(m);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")))
                .map(d -> (String) ((Map<String, Object>) d.get("metadata")).get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(((Map<String, Object>) d.get("metadata")).get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(docs, kind)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> doc) {
        return (Map<String, Object>) doc.get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(Map<String, Object> workload) {
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec(workload).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        return ((List<Object>) container.get("args")).stream().map(String::valueOf).toList();
    }
}
