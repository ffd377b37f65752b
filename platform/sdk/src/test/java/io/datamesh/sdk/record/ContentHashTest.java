package io.datamesh.sdk.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.datamesh.sdk.StringProductFormat;
import org.junit.jupiter.api.Test;

/** A digest a processor keeps gives the hash the shared one gives, record after record. */
class ContentHashTest {

    @Test
    void aKeptDigestHashesAsTheSharedOneRecordAfterRecord() throws Exception {
        MessageDigest kept = ContentHash.newDigest();
        for (String payload : new String[] {"a", "", "x".repeat(200), "Zürich", null, "a"}) {
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(payload == null ? new byte[0] : StringProductFormat.INSTANCE.canonicalBytes(payload));
            assertThat(ContentHash.of(StringProductFormat.INSTANCE, payload, kept)).as(payload).isEqualTo(expected);
            assertThat(ContentHash.of(StringProductFormat.INSTANCE, payload)).as(payload).isEqualTo(expected);
        }
        assertThat(StringProductFormat.INSTANCE.canonicalBytes("Zürich")).isEqualTo("Zürich".getBytes(StandardCharsets.UTF_8));
    }
}
