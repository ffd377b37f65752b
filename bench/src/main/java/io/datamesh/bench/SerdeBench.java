package io.datamesh.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.datamesh.schema.registry.RegistryConfig;
import io.datamesh.schema.registry.SchemaRegistryServer;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.serde.AvroCanonical;
import io.datamesh.serde.MeshAvroSerializer;
import io.datamesh.serde.RestSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * B7: the cost of our serde. {@code bare-avro}: Avro binary encoding of order lines, the baseline;
 * {@code mesh-serde}: our serializer (wire format, schema id from the real registry, cached) plus
 * the payload's content hash. {@code hashmap-get} and {@code registry-lookup}: a warm-cache schema
 * lookup of the REST client against a plain HashMap get.
 */
final class SerdeBench implements Bench {

    enum Mode { BARE_AVRO, MESH_SERDE, HASHMAP_GET, REGISTRY_LOOKUP }

    private static final String TOPIC = "bench.product.order-lines.v1";
    private final Mode mode;
    private int count;
    private OrderLine[] lines;
    private SchemaRegistryServer registry;
    private MeshAvroSerializer<OrderLine> serializer;
    private RestSchemaRegistryClient client;
    private int schemaId;
    private Map<Integer, Schema> map;
    private long sink;

    SerdeBench(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode.name().toLowerCase().replace('_', '-');
    }

    @Override
    public void setUp(BenchContext context) {
        count = context.scale(mode == Mode.BARE_AVRO || mode == Mode.MESH_SERDE ? 300_000 : 3_000_000);
        lines = new OrderLine[1024];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = OrderLine.newBuilder().setOrderId("o" + i).setLineNo(i % 5 + 1).setPizzeriaId("p" + (i % 40))
                    .setProductId("margherita").setQuantity(1 + i % 3).setUnitPrice(new BigDecimal("8.50"))
                    .setPlacedAt(Instant.ofEpochMilli(1_530_000_000_000L + i)).setRefunded(false).build();
        }
        if (mode == Mode.MESH_SERDE || mode == Mode.REGISTRY_LOOKUP) {
            registry = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS,
                    context.kafka().bootstrapServers(), RegistryConfig.PORT, 0, RegistryConfig.TOPIC, "_schemas_" + name())));
            client = new RestSchemaRegistryClient(registry.url());
            schemaId = client.register(TOPIC + "-value", OrderLine.getClassSchema());
            serializer = new MeshAvroSerializer<>(client, false);
            client.byId(schemaId); // warm
        }
        map = new HashMap<>();
        for (int i = 1; i <= 100; i++) {
            map.put(i, OrderLine.getClassSchema());
        }
    }

    @Override
    public Sample runOnce() throws IOException {
        long start = System.nanoTime();
        switch (mode) {
            case BARE_AVRO -> {
                SpecificDatumWriter<OrderLine> writer = new SpecificDatumWriter<>(OrderLine.getClassSchema());
                BinaryEncoder encoder = null;
                for (int i = 0; i < count; i++) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
                    encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
                    writer.write(lines[i & 1023], encoder);
                    encoder.flush();
                    sink += out.size();
                }
            }
            case MESH_SERDE -> {
                for (int i = 0; i < count; i++) {
                    OrderLine line = lines[i & 1023];
                    sink += serializer.serialize(TOPIC, line).length + AvroCanonical.sha256(line)[0];
                }
            }
            case HASHMAP_GET -> {
                for (int i = 0; i < count; i++) {
                    sink += map.get(1 + (i % 100)).getFields().size();
                }
            }
            case REGISTRY_LOOKUP -> {
                for (int i = 0; i < count; i++) {
                    sink += client.byId(schemaId).getFields().size();
                }
            }
        }
        long nanos = System.nanoTime() - start;
        if (sink == 42) {
            System.out.print(""); // keeps the JIT from dropping the work
        }
        return new Sample(Map.of("ops/s", count / (nanos / 1e9)));
    }

    @Override
    public void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }
}
