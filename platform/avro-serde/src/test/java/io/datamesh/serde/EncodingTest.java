package io.datamesh.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** The per-thread encoder: each record gets exactly its own bytes, also after one that failed half-way. */
class EncodingTest {

    @Test
    void aRecordThatFailedHalfWayLeavesNothingInTheNext() throws IOException {
        assertThat(Encoding.encode(out -> out.writeString("first"))).containsExactly(10, 'f', 'i', 'r', 's', 't');
        assertThatThrownBy(() -> Encoding.encode(out -> {
            out.writeString("half");
            throw new IOException("failed");
        })).hasMessage("failed");
        assertThat(Encoding.encode(out -> out.writeInt(1))).containsExactly(2);
        byte[] big = new byte[5000];
        assertThat(Encoding.encode(out -> out.writeFixed(big))).hasSize(5000);
        assertThat(Encoding.encode(out -> out.writeLong(-1))).containsExactly(1);
    }

    @Test
    void anEncodingWithinAnEncodingDoesNotShareTheBuffer() throws IOException {
        byte[][] inner = new byte[1][];
        byte[] outer = Encoding.encode(out -> {
            out.writeInt(3);
            inner[0] = Encoding.encode(o -> o.writeInt(4));
            out.writeInt(5);
        });
        assertThat(outer).containsExactly(6, 10);
        assertThat(inner[0]).containsExactly(8);
    }
}
