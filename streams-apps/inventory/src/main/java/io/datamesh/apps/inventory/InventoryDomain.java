package io.datamesh.apps.inventory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.schemas.inventory.WriteOff;
import io.datamesh.schemas.inventory.WriteOffReason;
import io.datamesh.schemas.inventory.WriteOffRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.Instants;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.JsonSerde;

/**
 * The inventory domain: stock written off in the pizzerias (table {@code write_offs}, captured by
 * Debezium) becomes {@code inventory.product.write-offs.v1} with a view by id.
 */
public final class InventoryDomain implements DomainDefinition {

    public static final String WRITE_OFFS_BY_ID = "write-offs-by-id";

    @Override
    public String name() {
        return "inventory";
    }

    @Override
    public void define(Domain d) {
        d.owner("team-inventory@pizza.example").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Raw<JsonNode> rows = d.raw("write-offs", JsonSerde.tree());
        d.publish("write-offs", 1, d.avro(WriteOffRecord.class, WriteOff.class), rows, (in, out) -> {
            String op = in.value().path("op").asText();
            JsonNode row = in.value().get(op.equals("d") ? "before" : "after");
            if (row == null || !row.isObject()) {
                throw new IllegalArgumentException("change event without a row (op '" + op + "')");
            }
            String id = required(row, "id");
            if (op.equals("d")) {
                out.delete(id, in.recordedAt());
                return;
            }
            Instant at = Instants.parse(required(row, "written_off_at"));
            out.upsert(id, at, WriteOff.newBuilder()
                    .setWriteOffId(id)
                    .setPizzeriaId(required(row, "pizzeria_id"))
                    .setProductId(required(row, "product_id"))
                    .setQuantity(new BigDecimal(required(row, "quantity")).setScale(3, RoundingMode.UNNECESSARY))
                    .setUnit(row.path("unit").asText("kg"))
                    .setReason(reason(row.path("reason").asText("OTHER")))
                    .setAt(at)
                    .build());
        }).freshness(Duration.ofMinutes(15)).view(WRITE_OFFS_BY_ID);
    }

    private static String required(JsonNode row, String column) {
        JsonNode v = row.get(column);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("column " + column + " is missing");
        }
        return v.asText();
    }

    private static WriteOffReason reason(String s) {
        try {
            return WriteOffReason.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column reason must be one of " + Arrays.toString(WriteOffReason.values()) + ", was '" + s + "'");
        }
    }
}
