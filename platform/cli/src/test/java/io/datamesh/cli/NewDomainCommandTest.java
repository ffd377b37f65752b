package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mesh new domain}: what it writes, and the one line bad input gets. That the module builds and
 * passes its test as written is shown by {@link TeamDomainJarTest}, which builds it with Maven.
 */
class NewDomainCommandTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result mesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    private List<String> files(Path module) throws Exception {
        try (Stream<Path> files = Files.walk(module)) {
            return files.filter(Files::isRegularFile).map(f -> module.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void aJsonDomainIsAModuleOfSevenFilesWithFullTopicNamesAndThePlatformAsParent() throws Exception {
        Path module = dir.resolve("delivery");
        Result r = mesh("new", "domain", "delivery", "--raw", "deliveries", "--product", "deliveries", "--dir", module.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("mesh: domain delivery in " + module + ": reads delivery.raw.deliveries (JSON records), publishes"
                + " delivery.product.deliveries.v1 (payload Delivery, envelope DeliveryRecord), view deliveries-by-id\n");
        assertThat(files(module)).containsExactly(".gitignore", "README.md", "pom.xml", "src/main/avro/Delivery.avsc",
                "src/main/java/com/example/delivery/DeliveryDomain.java",
                "src/main/resources/META-INF/services/io.datamesh.sdk.DomainDefinition",
                "src/test/java/com/example/delivery/DeliveryDomainTest.java");
        assertThat(Files.readString(module.resolve("pom.xml")))
                .contains("<artifactId>mesh-domain-parent</artifactId>\n    <version>" + DomainScaffold.platformVersion() + "</version>\n    <relativePath/>")
                .contains("<artifactId>delivery</artifactId>").doesNotContain("<dependencies>").doesNotContain("<build>");
        assertThat(Files.readString(module.resolve("src/main/resources/META-INF/services/io.datamesh.sdk.DomainDefinition")))
                .isEqualTo("com.example.delivery.DeliveryDomain\n");
        assertThat(Files.readString(module.resolve("src/main/avro/Delivery.avsc")))
                .contains("\"name\": \"Delivery\", \"namespace\": \"com.example.delivery\"").doesNotContain("DeliveryRecord");
        assertThat(Files.readString(module.resolve("src/main/java/com/example/delivery/DeliveryDomain.java")))
                .contains("d.raw(RAW, JsonSerde.record())").contains("d.avro(DeliveryRecord.class, Delivery.class)")
                .contains("JsonRecord json = in.value();");
        assertThat(Files.readString(module.resolve("src/test/java/com/example/delivery/DeliveryDomainTest.java")))
                .contains("driver.pipeRaw(\"delivery.raw.deliveries\", ").contains("readProduct(\"delivery.product.deliveries.v1\")")
                .contains("<Delivery>view(DeliveryDomain.VIEW).asOf(\"k1\", AT.plusSeconds(900), AT.plusSeconds(900))");
        assertThat(Files.readString(module.resolve("README.md"))).contains("mvn package")
                .contains("mesh schema check --jar target/delivery-1.0.0-SNAPSHOT.jar --registry http://127.0.0.1:8081")
                .contains("mesh run target/delivery-1.0.0-SNAPSHOT.jar")
                .contains("http://127.0.0.1:8080/domains/delivery/views/deliveries-by-id/keys/k1?validAt=2018-07-08T10:45:00Z");
    }

    @Test
    void aCdcDomainReadsChangeEventsAndItsOptionsNameItsParts() throws Exception {
        Path module = dir.resolve("stock");
        Result r = mesh("new", "domain", "stock", "--raw", "rows", "--product", "items", "--raw-format", "cdc", "--dir", module.toString(),
                "--package", "com.pizza.stock", "--payload", "StockItem", "--owner", "team-stock@pizza.example", "--time-zone", "Europe/Rome");

        assertThat(r.exit()).as(r.err()).isZero();
        String definition = Files.readString(module.resolve("src/main/java/com/pizza/stock/StockDomain.java"));
        assertThat(definition).startsWith("package com.pizza.stock;").contains("d.raw(RAW, ChangeEvent.serde())")
                .contains("if (in.value().isDelete())").contains("d.avro(StockItemRecord.class, StockItem.class)")
                .contains("d.owner(\"team-stock@pizza.example\").timeZone(ZoneId.of(\"Europe/Rome\"))");
        assertThat(module.resolve("src/main/avro/StockItem.avsc")).isRegularFile();
        assertThat(Files.readString(module.resolve("src/test/java/com/pizza/stock/StockDomainTest.java"))).contains("ChangeEvent.parse(");
    }

    @Test
    void badInputIsOneLineAndANonZeroExitAndWritesNothing() throws Exception {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "p", "--dir", taken.toString()))
                .isEqualTo(new Result(2, "", "mesh: folder " + taken + " exists: give another with --dir, or remove it\n"));
        assertThat(mesh("new", "domain", "Delivery", "--raw", "r", "--product", "p", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: domain name 'Delivery' breaks naming rule domain: a domain is 1 to 40 lowercase letters, digits and '-',"
                        + " starting with a letter and not ending with '-' (it would name topic 'Delivery.dlq')\n");
        assertThat(mesh("new", "domain", "delivery", "--raw", "raw_events", "--product", "p", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: --raw 'raw_events' breaks naming rule name: a name is 1 to 100 lowercase letters, digits and '-',"
                        + " starting with a letter and not ending with '-' (it would name topic 'delivery.raw.raw_events')\n");
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "Deliveries", "--dir", dir.resolve("a").toString()).err())
                .startsWith("mesh: --product 'Deliveries' breaks naming rule name:");
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "p", "--raw-format", "avro", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: --raw-format is json (JSON records: bus messages, clicks) or cdc (Debezium change events), not 'avro'\n");
        assertThat(mesh("new", "domain", "new", "--raw", "r", "--product", "p", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: 'com.example.new' is not a Java package name (a segment is a keyword or not an identifier):"
                        + " give one with --package, e.g. --package com.example.newdomain\n");
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "delivery-domains", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: the payload DeliveryDomain (and its envelope DeliveryDomainRecord) would clash with the definition class"
                        + " DeliveryDomain: give another with --payload\n");
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "p", "--payload", "lower", "--dir", dir.resolve("a").toString()).err())
                .startsWith("mesh: --payload 'lower' is not a record name");
        assertThat(mesh("new", "domain", "delivery", "--raw", "r", "--product", "p", "--time-zone", "Mars/Olympus", "--dir", dir.resolve("a").toString()).err())
                .isEqualTo("mesh: --time-zone 'Mars/Olympus' is not a time zone: e.g. Europe/Rome or UTC\n");
        Result missing = mesh("new", "domain", "delivery", "--raw", "r");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("mesh: Missing required option: '--product=NAME' (mesh new domain --help lists the options)\n");
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void thePayloadIsTheProductsEntityInTheSingular() {
        assertThat(List.of("deliveries", "order-lines", "heat-shelf-times", "pizzas-sold", "write-offs", "addresses", "status", "boxes", "news-items"))
                .extracting(p -> DomainScaffold.javaName(DomainScaffold.singular(p)))
                .containsExactly("Delivery", "OrderLine", "HeatShelfTime", "PizzasSold", "WriteOff", "Address", "Status", "Box", "NewsItem");
    }
}
