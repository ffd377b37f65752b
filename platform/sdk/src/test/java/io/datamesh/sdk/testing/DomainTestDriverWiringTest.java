package io.datamesh.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainStreams;
import io.datamesh.sdk.StreamsDefaults;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The test driver runs a domain with the runtime's wiring ({@link DomainStreams}), not with its
 * own: the record size limit, the dead-letter handlers and their counts, the product metrics,
 * exactly-once and {@link StreamsDefaults}.
 */
class DomainTestDriverWiringTest {

    static final Instant JUL_08 = Instant.parse("2018-07-08T10:30:00Z");
    static final String RAW = "notes.raw.notes";
    static final String PRODUCT = "notes.product.notes.v1";

    static final class NotesDomain implements DomainDefinition {
        @Override
        public String name() {
            return "notes";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("notes", Serdes.String());
            d.publish("notes", 1, StringProductFormat.INSTANCE, raw, (in, out) -> out.upsert(in.key(), in.recordedAt(), in.value()));
        }
    }

    @Test
    void aRecordOverTheDefaultLimitIsADeadLetterAndTheRestIsPublished() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain())) {
            driver.pipeRaw(RAW, "n0", "short", JUL_08, position(0));
            driver.pipeRaw(RAW, "n1", "x".repeat(DomainStreams.DEFAULT_MAX_RECORD_BYTES + 1), JUL_08, position(1));
            driver.pipeRaw(RAW, "n2", "also short", JUL_08, position(2));

            assertThat(driver.<String>readProduct(PRODUCT)).extracting(r -> r.key()).containsExactly("n0", "n2");
            assertThat(driver.readDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(header(letter.headers(), DeadLetters.STAGE)).isEqualTo(Stage.PRODUCE.tag());
                assertThat(header(letter.headers(), DeadLetters.REASON_CLASS)).isEqualTo(ReasonClass.TOO_LARGE.tag());
            });
            assertThat(driver.deadLetterCounts().snapshot())
                    .containsExactly(Map.entry(new DeadLetterCounts.Key(Stage.PRODUCE, ReasonClass.TOO_LARGE), 1L));
        }
    }

    @Test
    void aSmallerLimitIsTheOneTheRuntimeWouldBeGiven() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain(), new InMemorySchemaRegistryClient(), 4096)) {
            driver.pipeRaw(RAW, "n0", "x".repeat(5000), JUL_08, position(0));

            assertThat(driver.<String>readProduct(PRODUCT)).isEmpty();
            assertThat(driver.deadLetterCounts().snapshot()).containsOnlyKeys(new DeadLetterCounts.Key(Stage.PRODUCE, ReasonClass.TOO_LARGE));
        }
    }

    @Test
    void theProductMetricsCountWhatWasReadAndPublished() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain())) {
            driver.pipeRaw(RAW, "n0", "short", JUL_08, position(0));
            driver.pipeRaw(RAW, "n0", "short", JUL_08, position(0)); // a replay of the same position

            assertThat(driver.metrics().consumedCount(RAW)).isEqualTo(2);
            assertThat(driver.metrics().publishedCount(PRODUCT)).isEqualTo(1);
            assertThat(driver.metrics().replaysDroppedCount(PRODUCT)).isEqualTo(1);
            assertThat(driver.metrics().newestRecordedAt(PRODUCT)).contains(JUL_08);
        }
    }

    @Test
    void theMappingGetsTheRawKeyAsUtf8Text() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain())) {
            driver.pipeRaw(RAW, "Zürich-€-😀", "a note", JUL_08, position(0));

            assertThat(driver.<String>readProduct(PRODUCT)).extracting(r -> r.key()).containsExactly("Zürich-€-😀");
        }
    }

    @Test
    void aRawRecordWithoutAKeyGivesTheMappingNoKey() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain())) {
            driver.pipeRaw(RAW, null, "a note", JUL_08, position(0));

            // The mapping emits it under no key: an invalid output, a dead letter at the stage map.
            assertThat(driver.<String>readProduct(PRODUCT)).isEmpty();
            assertThat(driver.readDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.key()).isNull();
                assertThat(header(letter.headers(), DeadLetters.REASON_CLASS)).isEqualTo(ReasonClass.INVALID_OUTPUT.tag());
            });
        }
    }

    @Test
    void theDriverRunsWithTheDomainsSettingsAndOnlyAddsItsStateFolder() {
        try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain())) {
            Map<String, Object> domainSettings = DomainStreams.of(driver.domain()).settings();

            assertThat(driver.streamsSettings()).containsOnlyKeys(
                    concat(domainSettings.keySet(), StreamsConfig.STATE_DIR_CONFIG));
            domainSettings.forEach((key, value) -> {
                Object driven = driver.streamsSettings().get(key);
                if (value instanceof DeadLetterCounts || value instanceof io.datamesh.sdk.ProductMetrics || value instanceof io.datamesh.sdk.ViewStores) {
                    assertThat(driven).as(key).isInstanceOf(value.getClass()); // the driver's own instance
                } else {
                    assertThat(driven).as(key).isEqualTo(value);
                }
            });
            assertThat(driver.streamsSettings()).containsAllEntriesOf(StreamsDefaults.settings())
                    .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                    .containsEntry(DeadLetterCounts.CONFIG_KEY, driver.deadLetterCounts())
                    .containsEntry(io.datamesh.sdk.ProductMetrics.CONFIG_KEY, driver.metrics());
        }
    }

    private static String[] concat(java.util.Set<String> keys, String more) {
        java.util.List<String> all = new java.util.ArrayList<>(keys);
        all.add(more);
        return all.toArray(String[]::new);
    }

    private static SourcePosition position(long pos) {
        return SourcePosition.cdc("notes-db", "bin.000001", pos, 0, null);
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        org.apache.kafka.common.header.Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
