package io.datamesh.sdk.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SourceHeadersTest {

    /** The header as DESIGN defines it: fields joined by ';', each URL-encoded. */
    private static String reference(SourcePosition p) {
        return String.join(";", p.kind().name(), URLEncoder.encode(p.source(), StandardCharsets.UTF_8),
                URLEncoder.encode(p.segment(), StandardCharsets.UTF_8), String.valueOf(p.offset()), String.valueOf(p.row()),
                p.id() == null ? "" : URLEncoder.encode(p.id(), StandardCharsets.UTF_8));
    }

    @Test
    void encodesAsDefinedAndDecodesBackForRandomPositions() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "abcXYZ019.-_*;%+ /|é€#";
        for (int i = 0; i < 20_000; i++) {
            SourcePosition.Kind kind = SourcePosition.Kind.values()[random.nextInt(SourcePosition.Kind.values().length)];
            String id = kind.ordered() && random.nextBoolean() ? null : "i" + text(random, alphabet);
            SourcePosition p = new SourcePosition(kind, "s" + text(random, alphabet), text(random, alphabet),
                    random.nextLong(0, Long.MAX_VALUE), random.nextInt(0, Integer.MAX_VALUE), id);
            String header = SourceHeaders.encode(p);
            assertThat(header).as("seed %d", seed).isEqualTo(reference(p));
            assertThat(SourceHeaders.decode(header)).as("seed %d", seed).isEqualTo(p);
        }
    }

    private static String text(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void refusesMalformedHeadersNamingTheHeader() {
        for (String header : new String[] {"", "CDC;db;bin.000001;4;0", "CDC;db;bin.000001;4;0;;", "CDC;db;bin.000001;x;0;",
                "CDC;db;bin.000001;4;y;", "NOPE;db;;4;0;", "BUS;queue;;0;0;"}) {
            assertThatThrownBy(() -> SourceHeaders.decode(header)).as(header).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(SourceHeaders.SOURCE);
        }
    }
}
