package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Random;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class BitemporalKeyTest {

    @Test
    void layoutIsPinned() {
        Bytes key = new BitemporalKey("o1", 1_530_000_000_000L, 1_530_000_000_001L).encode();

        assertThat(HexFormat.of().formatHex(key.get())).isEqualTo(
                "6f31" + "0000" + "800001643b1b4400" + "800001643b1b4401");
        assertThat(HexFormat.of().formatHex(new BitemporalKey("a\0b", -1, 0).encode().get())).isEqualTo(
                "6100ff62" + "0000" + "7fffffffffffffff" + "8000000000000000");
    }

    @Test
    void decodeReadsWhatEncodeWrote() {
        for (String entity : new String[] {"", "o1", "a\0", "\0\0", "pizzeria-42/2018-07-08", "ünïcode ✓"}) {
            BitemporalKey k = new BitemporalKey(entity, -5, Long.MAX_VALUE);
            assertThat(BitemporalKey.decode(k.encode())).isEqualTo(k);
        }
    }

    @Test
    void byteOrderIsTheOrderOfEntityThenValidFromThenRecordedAt() {
        Random random = new Random(42);
        String[] alphabet = {"", "a", "b", "\0", "é", "z"};
        BitemporalKey[] keys = new BitemporalKey[2_000];
        for (int i = 0; i < keys.length; i++) {
            StringBuilder entity = new StringBuilder();
            for (int n = random.nextInt(4); n > 0; n--) {
                entity.append(alphabet[random.nextInt(alphabet.length)]);
            }
            keys[i] = new BitemporalKey(entity.toString(), random.nextInt(7) - 3 + (random.nextBoolean() ? Long.MIN_VALUE / 2 : 0),
                    random.nextInt(7) - 3);
        }
        Comparator<BitemporalKey> byTriple = Comparator
                .comparing((BitemporalKey k) -> k.entity().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned)
                .thenComparingLong(BitemporalKey::validFrom)
                .thenComparingLong(BitemporalKey::recordedAt);
        BitemporalKey[] byBytes = keys.clone();
        Arrays.sort(byBytes, Comparator.comparing(BitemporalKey::encode));
        Arrays.sort(keys, byTriple);
        assertThat(byBytes).containsExactly(keys);
    }

    @Test
    void afterSeparatesAnEntityFromTheEntitiesItIsAPrefixOf() {
        Bytes after = BitemporalKey.after("a");
        assertThat(BitemporalKey.last("a").compareTo(after)).isNegative();
        assertThat(after.compareTo(BitemporalKey.first("a\0"))).isNegative();
        assertThat(after.compareTo(BitemporalKey.first("ab"))).isNegative();
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> BitemporalKey.decode(Bytes.wrap(new byte[] {1, 2})))
                .hasMessage("not a bitemporal key: 2 bytes");
        byte[] badEscape = new byte[19];
        badEscape[1] = 5;
        assertThatThrownBy(() -> BitemporalKey.decode(Bytes.wrap(badEscape)))
                .hasMessage("bad escape in bitemporal key at byte 0");
        byte[] noTerminator = new byte[20];
        Arrays.fill(noTerminator, (byte) 'x');
        assertThatThrownBy(() -> BitemporalKey.decode(Bytes.wrap(noTerminator)))
                .hasMessage("bitemporal key without entity terminator");
    }

    @Test
    void aTieBreakSortsAfterItsTripleAndIsReadBack() {
        byte[] a = {1, 2};
        byte[] b = {1, 3};
        Bytes bare = new BitemporalKey("o1", 5, 7).encode();
        Bytes withA = BitemporalKey.encode("o1", 5, 7, a);
        Bytes withB = BitemporalKey.encode("o1", 5, 7, b);
        Bytes later = new BitemporalKey("o1", 5, 8).encode();

        assertThat(HexFormat.of().formatHex(withA.get())).isEqualTo(HexFormat.of().formatHex(bare.get()) + "0102");
        assertThat(bare.compareTo(withA)).isNegative();
        assertThat(withA.compareTo(withB)).isNegative();
        assertThat(withB.compareTo(later)).isNegative();
        assertThat(withB.compareTo(BitemporalKey.after("o1"))).isNegative();
        assertThat(BitemporalKey.decode(withA)).isEqualTo(new BitemporalKey("o1", 5, 7));
        assertThat(BitemporalKey.tiebreak(withA)).containsExactly(1, 2);
        assertThat(BitemporalKey.tiebreak(bare)).isEmpty();
        assertThat(BitemporalKey.decode(BitemporalKey.encode("a\0b", 5, 7, new byte[] {0, 0}))).isEqualTo(new BitemporalKey("a\0b", 5, 7));
    }
}
