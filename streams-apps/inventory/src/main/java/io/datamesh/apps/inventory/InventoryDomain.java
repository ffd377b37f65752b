package io.datamesh.apps.inventory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;

import io.datamesh.schemas.inventory.WriteOff;
import io.datamesh.schemas.inventory.WriteOffReason;
import io.datamesh.schemas.inventory.WriteOffRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sources.ChangeEvent;

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
        Domain.Raw<ChangeEvent> rows = d.raw("write-offs", ChangeEvent.serde());
        d.publish("write-offs", 1, d.avro(WriteOffRecord.class, WriteOff.class), rows, (in, out) -> {
            ChangeEvent.Row row = in.value().row();
            String id = row.text("id");
            if (in.value().isDelete()) {
                out.delete(id, in.recordedAt());
                return;
            }
            Instant at = row.time("written_off_at");
            out.upsert(id, at, WriteOff.newBuilder()
                    .setWriteOffId(id)
                    .setPizzeriaId(row.text("pizzeria_id"))
                    .setProductId(row.text("product_id"))
                    .setQuantity(row.decimal("quantity", 3))
                    .setUnit(row.text("unit", "kg"))
                    .setReason(reason(row.text("reason", "OTHER")))
                    .setAt(at)
                    .build());
        }).freshness(Duration.ofMinutes(15)).view(WRITE_OFFS_BY_ID);
    }

    private static WriteOffReason reason(String s) {
        try {
            return WriteOffReason.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column reason must be one of " + Arrays.toString(WriteOffReason.values()) + ", was '" + s + "'");
        }
    }
}
