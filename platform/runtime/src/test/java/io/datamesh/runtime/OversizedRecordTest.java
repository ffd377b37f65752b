package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A product record over the size limit is a dead letter at the produce stage; the records after it
 * are published. The SDK's test driver, given the same limit, counts the same dead letters and
 * publications as the runtime: a team's test sees what the runtime does.
 */
class OversizedRecordTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    @TempDir
    Path state;

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

    static final String[] VALUES = {"short", "x".repeat(20_000), "also short"};

    @Test
    void aRecordOverTheLimitGoesToTheDlqAndProcessingGoesOn() throws Exception {
        Instant recordedAt = Instant.now();
        try (DomainRuntime runtime = DomainRuntime.of(new NotesDomain(),
                RuntimeSettings.builder(KAFKA.bootstrapServers(), state).maxRecordBytes(4096).build()).start()) {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(KAFKA.producerConfig(),
                    new StringSerializer(), new StringSerializer())) {
                int i = 0;
                for (String value : VALUES) {
                    ProducerRecord<String, String> r = new ProducerRecord<>("notes.raw.notes", 0, "n" + i, value);
                    SourceHeaders.write(r.headers(), recordedAt, SourcePosition.cdc("db", "bin.000001", i++, 0, null));
                    p.send(r).get(30, TimeUnit.SECONDS);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (runtime.products().publishedCount("notes.product.notes.v1") < 2 || runtime.deadLetters().total() < 1) {
                // the ingest writes the record and refuses it before publishing anything of it
                assertThat(System.nanoTime()).as("processed within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(runtime.deadLetters().snapshot().keySet()).singleElement().satisfies(k -> {
                assertThat(k.stage()).isEqualTo(Stage.PRODUCE);
                assertThat(k.reasonClass()).isEqualTo(ReasonClass.TOO_LARGE);
            });
            assertThat(runtime.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);

            try (DomainTestDriver driver = DomainTestDriver.of(new NotesDomain(), new InMemorySchemaRegistryClient(), 4096)) {
                for (int i = 0; i < VALUES.length; i++) {
                    driver.pipeRaw("notes.raw.notes", "n" + i, VALUES[i], recordedAt, SourcePosition.cdc("db", "bin.000001", i, 0, null));
                }
                assertThat(driver.deadLetterCounts().snapshot()).isEqualTo(runtime.deadLetters().snapshot());
                assertThat(driver.metrics().publishedCount("notes.product.notes.v1"))
                        .isEqualTo(runtime.products().publishedCount("notes.product.notes.v1"));
                assertThat(driver.metrics().consumedCount("notes.raw.notes")).isEqualTo(runtime.products().consumedCount("notes.raw.notes"));
            }
        }
    }

}
