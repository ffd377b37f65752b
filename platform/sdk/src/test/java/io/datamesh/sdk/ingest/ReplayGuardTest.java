package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard's marks when they are kept as the source header's bytes, across a restart of the task. */
class ReplayGuardTest {

    private static final Instant SEEN = Instant.parse("2018-07-08T10:00:00Z");
    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("positions"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] header(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMarkKeptAsTheHeadersBytesDropsARedeliveryAfterARestart() {
        // Escaped otherwise than SourceHeaders.encode would ('-' as %2D): the same position all the same.
        byte[] first = header("CDC;orders%2Ddb;mariadb-bin.000001;500;0;");
        SourcePosition position = SourceHeaders.decode(first);
        assertThat(position).isEqualTo(SourcePosition.cdc("orders-db", "mariadb-bin.000001", 500, 0, null));

        ReplayGuard guard = new ReplayGuard(store, Duration.ofDays(7));
        assertThat(guard.admit(position, first, false, SEEN)).isEqualTo(ReplayGuard.Admission.NEW_STREAM);
        assertThat(store.get("m|CDC|orders-db")).isEqualTo(first);

        ReplayGuard restarted = new ReplayGuard(store, Duration.ofDays(7));
        assertThat(restarted.admit(position, header("CDC;orders-db;mariadb-bin.000001;500;0;"), false, SEEN))
                .isEqualTo(ReplayGuard.Admission.REDELIVERY);
        assertThat(restarted.admit(SourcePosition.cdc("orders-db", "mariadb-bin.000001", 499, 2, null), null, false, SEEN))
                .isEqualTo(ReplayGuard.Admission.REDELIVERY);
        byte[] next = header("CDC;orders-db;mariadb-bin.000001;500;1;");
        assertThat(restarted.admit(SourceHeaders.decode(next), next, false, SEEN)).isEqualTo(ReplayGuard.Admission.ADMITTED);
        assertThat(SourceHeaders.decode(store.get("m|CDC|orders-db"))).isEqualTo(SourceHeaders.decode(next));
    }

    @Test
    void aPositionWithoutItsHeaderIsKeptEncoded() {
        SourcePosition position = SourcePosition.kafka("orders.raw.orders", 2, 41);
        ReplayGuard guard = new ReplayGuard(store, Duration.ofDays(7));
        assertThat(guard.admit(position, null, false, SEEN)).isEqualTo(ReplayGuard.Admission.NEW_STREAM);
        assertThat(new ReplayGuard(store, Duration.ofDays(7)).admit(position, null, false, SEEN)).isEqualTo(ReplayGuard.Admission.REDELIVERY);
    }
}
