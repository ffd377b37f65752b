package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.apps.sales.SalesDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCommandTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    /** The arguments that name the orders and sales jars, as their modules' builds made them. */
    String[] demoJars() throws Exception {
        return new String[] {"--jar", DomainJars.of(OrdersDomain.class, dir).toString(), "--jar", DomainJars.of(SalesDomain.class, dir).toString()};
    }

    String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    static Result mesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mesh.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void theDemoSchemasPassTheGateAgainstTheRepository() throws Exception {
        Result r = mesh(with(new String[] {"schema", "check", "--published", Path.of("../../schemas/published").toString()}, demoJars()));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok      orders.product.order-lines.v1-value (compatible with 1 published version)")
                .endsWith("schema check passed\n");
    }

    @Test
    void aBreakExitsOneWithFieldRuleAndWayOut() throws Exception {
        Path subject = dir.resolve("orders.product.order-lines.v1-value");
        Files.createDirectories(subject);
        String current = io.datamesh.schemas.orders.OrderLineRecord.getClassSchema().toString();
        assertThat(current).contains("\"quantity\",\"type\":\"int\"");
        // As if v1 had been published with a string quantity: today's int cannot read it.
        String older = current.replace("\"quantity\",\"type\":\"int\"", "\"quantity\",\"type\":\"string\"");
        Files.writeString(subject.resolve("v1.avsc"), older);

        Result r = mesh(with(new String[] {"schema", "check", "--published", dir.toString()}, demoJars()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("BROKEN  orders.product.order-lines.v1-value: 1 break with its published versions")
                .contains("field payload.quantity: the type changed")
                .contains("way out: keep the change compatible").contains("topic orders.product.order-lines.v2")
                .contains("new     sales.product.pizzas-sold.v1-value")
                .endsWith("schema check FAILED: a published schema would break its consumers\n");
    }

    @Test
    void publishWritesTheFirstVersionsAndThenNothingNew() throws Exception {
        String[] jars = demoJars();
        Path published = dir.resolve("published"); // a domain's first publication starts the folder
        Result first = mesh(with(new String[] {"schema", "publish", "--published", published.toString()}, jars));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(published.resolve("orders.product.orders.v1-value/v1.avsc")).isRegularFile();
        Result second = mesh(with(new String[] {"schema", "publish", "--published", published.toString()}, jars));
        assertThat(second.out()).contains("same    orders.product.orders.v1-value (v1 is current)").doesNotContain("published ");
        assertThat(mesh(with(new String[] {"schema", "check", "--published", published.toString()}, jars)).exit()).isZero();
    }

    @Test
    void errorsAreOneLineWithANonZeroExit() {
        Result r = mesh("schema", "check", "--published", dir.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mesh: no published schemas at " + dir.resolve("missing") + "; give --published DIR or --registry URL\n");
        assertThat(mesh("schema", "check", "--jar", "nope.jar").err()).isEqualTo("mesh: no jar at nope.jar\n");
        assertThat(mesh("schema", "check", "--published", dir.toString()).err()).as("run where no domain was built")
                .startsWith("mesh: no domain jar in ").endsWith(": give --jar FILE, or run mvn package in the domain's module first\n");
        assertThat(mesh("--help").exit()).isZero();
        assertThat(mesh("schema", "check", "--help").out()).contains("--published").contains("--registry");
        assertThat(mesh("schema", "frobnicate").exit()).isEqualTo(2);
        assertThat(mesh("run", dir.resolve("orders.jar").toString()).err())
                .isEqualTo("mesh: no domain jar at " + dir.resolve("orders.jar") + "\n");
        assertThat(mesh("run", "--help").out()).contains("--bootstrap-servers").contains("--registry");
    }
}
