package io.datamesh.apps.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import io.datamesh.schemas.inventory.WriteOff;
import io.datamesh.schemas.inventory.WriteOffReason;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.ChangeEvent;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

class InventoryDomainTest {

    static final Instant AT = Instant.parse("2018-07-08T21:30:00Z");

    static ChangeEvent event(String op, String row) {
        return ChangeEvent.parse("{\"op\":\"" + op + "\",\"before\":" + (op.equals("d") ? row : "null")
                + ",\"after\":" + (op.equals("d") ? "null" : row) + "}");
    }

    static String row(String reason) {
        return "{\"id\":\"w1\",\"pizzeria_id\":\"42\",\"product_id\":\"mozzarella\",\"quantity\":\"1.5\",\"unit\":\"kg\",\"reason\":\""
                + reason + "\",\"written_off_at\":\"" + AT + "\"}";
    }

    @Test
    void aWriteOffIsPublishedViewedAndEndedByADelete() throws Exception {
        try (DomainTestDriver driver = DomainTestDriver.of(new InventoryDomain())) {
            driver.pipeRaw("inventory.raw.write-offs", "w1", event("c", row("spoiled")), AT.plusSeconds(2), SourcePosition.cdc("inv-db", "bin.000001", 4, 0, null));

            assertThat(driver.<WriteOff>readProduct("inventory.product.write-offs.v1")).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("w1");
                assertThat(r.validFrom()).isEqualTo(AT);
                assertThat(r.recordedAt()).isEqualTo(AT.plusSeconds(2));
                assertThat(r.payload().getQuantity()).isEqualTo(new BigDecimal("1.500"));
                assertThat(r.payload().getReason()).isEqualTo(WriteOffReason.SPOILED);
            });
            Instant later = Instant.parse("2018-07-09T08:00:00Z");
            driver.pipeRaw("inventory.raw.write-offs", "w1", event("d", row("spoiled")), later, SourcePosition.cdc("inv-db", "bin.000001", 9, 0, null));
            assertThat(driver.<WriteOff>view(InventoryDomain.WRITE_OFFS_BY_ID).asOf("w1", AT, AT.plusSeconds(60))).isPresent();
            assertThat(driver.<WriteOff>view(InventoryDomain.WRITE_OFFS_BY_ID).asOf("w1", later, later)).isEmpty();
        }
    }

    @Test
    void anUnknownReasonIsADeadLetterNamingTheColumn() throws Exception {
        try (DomainTestDriver driver = DomainTestDriver.of(new InventoryDomain())) {
            driver.pipeRaw("inventory.raw.write-offs", "w1", event("c", row("eaten")), AT, SourcePosition.cdc("inv-db", "bin.000001", 4, 0, null));

            assertThat(driver.readDeadLetters()).singleElement().satisfies(d -> assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON))
                    .isEqualTo("mapping failed: column reason must be one of [SPOILED, DAMAGED, EXPIRED, OTHER], was 'eaten'"));
            assertThat(driver.readProduct("inventory.product.write-offs.v1")).isEmpty();
        }
    }
}
