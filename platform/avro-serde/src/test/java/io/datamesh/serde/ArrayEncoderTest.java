package io.datamesh.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** The array encoder writes the bytes of Avro's own encoder, call for call: random sequences of every write, extreme values. */
class ArrayEncoderTest {

    private static final long[] LONGS = {0, 1, -1, 63, 64, -64, -65, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final double[] DOUBLES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, -1e300, 3.25};
    private static final String[] STRINGS = {"", "a", "pizza", "é", "日本", "\uD83C\uDF55", "\u0000", "x".repeat(700),
            "\u007f", "\u0080", "\uD83C", "a\uDF55b", "x".repeat(63), "x".repeat(64), "x".repeat(8191), "x".repeat(8192)};

    /**
     * A random string: mostly ASCII of a length around the varint's steps (one length byte up to 63),
     * sometimes with one character beyond ASCII (2, 3 and 4 UTF-8 bytes, an unpaired surrogate) anywhere.
     */
    private static String string(Random random) {
        int n = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(70);
        StringBuilder s = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            s.append((char) random.nextInt(0x80));
        }
        if (n > 0 && random.nextInt(3) == 0) {
            String[] odd = {"\u0080", "\u00ff", "\u0800", "\uffff", "\uD83C\uDF55", "\uD83C", "\uDF55"};
            s.insert(random.nextInt(n), odd[random.nextInt(odd.length)]);
        }
        return s.toString();
    }

    @Test
    void randomSequencesOfWritesGiveAvrosBytes() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ArrayEncoder ours = new ArrayEncoder();
        for (int trial = 0; trial < 2_000; trial++) {
            ByteArrayOutputStream theirsOut = new ByteArrayOutputStream();
            BinaryEncoder theirs = EncoderFactory.get().directBinaryEncoder(theirsOut, null);
            ours.reset(); // reused, as Encoding reuses it: nothing of the last trial may remain
            StringBuilder ops = new StringBuilder();
            for (int op = random.nextInt(40); op > 0; op--) {
                ops.append(write(random, ours, theirs)).append(' ');
            }
            theirs.flush();
            ours.flush();
            assertThat(ours.toByteArray()).as("seed " + seed + " trial " + trial + ": " + ops).isEqualTo(theirsOut.toByteArray());
            assertThat(ours.bytesBuffered()).isZero();
        }
    }

    /** One random write, the same on both encoders; its name. */
    private static String write(Random random, Encoder a, Encoder b) throws IOException {
        int which = random.nextInt(16);
        switch (which) {
            case 0 -> {
                a.writeNull();
                b.writeNull();
            }
            case 1 -> {
                boolean v = random.nextBoolean();
                a.writeBoolean(v);
                b.writeBoolean(v);
            }
            case 2 -> {
                int v = random.nextBoolean() ? (int) LONGS[random.nextInt(LONGS.length)] : random.nextInt();
                a.writeInt(v);
                b.writeInt(v);
            }
            case 3 -> {
                long v = random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong() >> random.nextInt(64);
                a.writeLong(v);
                b.writeLong(v);
            }
            case 4 -> {
                float v = random.nextBoolean() ? (float) DOUBLES[random.nextInt(DOUBLES.length)] : random.nextFloat();
                a.writeFloat(v);
                b.writeFloat(v);
            }
            case 5 -> {
                double v = random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextGaussian();
                a.writeDouble(v);
                b.writeDouble(v);
            }
            case 6 -> {
                String v = random.nextBoolean() ? STRINGS[random.nextInt(STRINGS.length)] : string(random);
                a.writeString(v);
                b.writeString(v);
            }
            case 7 -> {
                Utf8 v = new Utf8(STRINGS[random.nextInt(STRINGS.length)]);
                a.writeString(v);
                b.writeString(v);
            }
            case 8 -> {
                byte[] v = bytes(random);
                int off = random.nextInt(v.length + 1);
                int len = random.nextInt(v.length - off + 1);
                a.writeBytes(v, off, len);
                b.writeBytes(v, off, len);
            }
            case 9 -> {
                byte[] v = bytes(random);
                int off = random.nextInt(v.length + 1);
                a.writeBytes(ByteBuffer.wrap(v, off, v.length - off));
                b.writeBytes(ByteBuffer.wrap(v, off, v.length - off));
            }
            case 10 -> {
                byte[] v = bytes(random);
                int off = random.nextInt(v.length + 1);
                int len = random.nextInt(v.length - off + 1);
                a.writeFixed(v, off, len);
                b.writeFixed(v, off, len);
            }
            case 11 -> {
                byte[] v = bytes(random);
                ByteBuffer direct = ByteBuffer.allocateDirect(v.length).put(v).flip();
                a.writeFixed(direct.duplicate());
                b.writeFixed(direct.duplicate());
            }
            case 12 -> {
                int v = random.nextInt(300);
                a.writeEnum(v);
                b.writeEnum(v);
            }
            case 13 -> {
                int v = random.nextInt(4);
                a.writeIndex(v);
                b.writeIndex(v);
            }
            case 14 -> {
                long n = random.nextInt(3);
                a.writeArrayStart();
                b.writeArrayStart();
                a.setItemCount(n);
                b.setItemCount(n);
                for (int i = 0; i < n; i++) {
                    a.startItem();
                    b.startItem();
                    a.writeInt(i);
                    b.writeInt(i);
                }
                a.writeArrayEnd();
                b.writeArrayEnd();
            }
            default -> {
                a.writeMapStart();
                b.writeMapStart();
                a.setItemCount(1);
                b.setItemCount(1);
                a.startItem();
                b.startItem();
                a.writeString("k");
                b.writeString("k");
                a.writeMapEnd();
                b.writeMapEnd();
            }
        }
        return String.valueOf(which);
    }

    private static byte[] bytes(Random random) {
        byte[] v = new byte[random.nextInt(4) == 0 ? 600 + random.nextInt(2000) : random.nextInt(40)];
        random.nextBytes(v);
        return v;
    }
}
