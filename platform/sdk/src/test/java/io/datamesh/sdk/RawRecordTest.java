package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** A raw record made with its key's bytes reads them as Kafka's {@code StringDeserializer} would, when asked. */
class RawRecordTest {

    private static final long SEED = Long.getLong("rawrecord.seed", System.nanoTime());
    private static final Instant AT = Instant.parse("2018-07-08T10:30:00Z");
    private static final SourcePosition POSITION = SourcePosition.cdc("shop", "bin.000001", 4, 0, null);

    @Test
    void theKeyBytesReadAsTheStringDeserializerReadsThem() {
        Random random = new Random(SEED);
        try (StringDeserializer text = new StringDeserializer()) {
            for (int n = 0; n < 10_000; n++) {
                byte[] key = new byte[random.nextInt(12)];
                random.nextBytes(key); // malformed UTF-8 too: both read it with replacement characters
                if (n % 2 == 0) {
                    key = ("k-" + n + "-Zürich-€-😀").getBytes(StandardCharsets.UTF_8);
                }
                RawRecord<String> r = RawRecord.withKeyBytes(key, "v", AT, POSITION, new RecordHeaders());
                assertThat(r.key()).as("seed %d, case %d", SEED, n).isEqualTo(text.deserialize("t", key));
            }
        }
    }

    @Test
    void noKeyBytesIsNoKey() {
        assertThat(RawRecord.withKeyBytes(null, "v", AT, POSITION, new RecordHeaders()).key()).isNull();
        assertThat(RawRecord.withKeyBytes(new byte[0], "v", AT, POSITION, new RecordHeaders()).key()).isEmpty();
    }

    @Test
    void aRecordMadeFromBytesEqualsOneMadeFromItsText() {
        RecordHeaders headers = new RecordHeaders();
        RawRecord<String> fromBytes = RawRecord.withKeyBytes("o-1".getBytes(StandardCharsets.UTF_8), "v", AT, POSITION, headers);
        RawRecord<String> fromText = new RawRecord<>("o-1", "v", AT, POSITION, headers);

        assertThat(fromBytes).isEqualTo(fromText).hasSameHashCodeAs(fromText);
        assertThat(fromBytes).hasToString(fromText.toString());
        assertThat(fromBytes.value()).isEqualTo("v");
        assertThat(fromBytes.recordedAt()).isEqualTo(AT);
        assertThat(fromBytes.source()).isEqualTo(POSITION);
        assertThat(fromBytes.headers()).isSameAs(headers);
        assertThat(fromBytes).isNotEqualTo(new RawRecord<>("o-2", "v", AT, POSITION, headers));
    }
}
