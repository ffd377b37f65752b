package io.datamesh.bitemporal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.apache.kafka.common.utils.Bytes;

/**
 * The store key of one version: (entity, validFrom, recordedAt), encoded so that the byte order
 * of keys is the order of the triple. An as-of lookup is then one seek, and an entity's history
 * one contiguous range.
 *
 * <p>Layout (pinned by {@code BitemporalKeyTest}):
 * <pre>
 *   entity UTF-8, each 0x00 written as 0x00 0xFF | 0x00 0x00 | validFrom (8 bytes) | recordedAt (8 bytes) [| tie-break]
 * </pre>
 * The tie-break is optional (see {@link #encode(String, long, long, byte[])}): a store that must keep
 * apart versions with equal times (two clicks of a session in the same millisecond) appends the
 * versions' identities there, and they sort after the bare triple, in the order of their bytes.
 * Instants are epoch milliseconds, big-endian with the sign bit flipped, so negative times sort
 * before positive ones. The 0x00 0x00 terminator makes no entity's keys interleave with those of
 * an entity it is a prefix of ("a" &lt; "a\0" &lt; "ab").
 *
 * @param entity the entity key, e.g. an order id
 * @param validFrom business time the version took effect, epoch ms
 * @param recordedAt time the platform recorded the version, epoch ms
 */
public record BitemporalKey(String entity, long validFrom, long recordedAt) {

    private static final int TIMES = 16;

    public BitemporalKey {
        Objects.requireNonNull(entity, "entity");
    }

    /** The key's bytes; see the class comment for the layout. */
    public Bytes encode() {
        byte[] prefix = entityPrefix(entity);
        ByteBuffer buf = ByteBuffer.allocate(prefix.length + TIMES);
        buf.put(prefix).putLong(validFrom ^ Long.MIN_VALUE).putLong(recordedAt ^ Long.MIN_VALUE);
        return Bytes.wrap(buf.array());
    }

    /**
     * The bytes of the key (entity, validFrom, recordedAt) followed by {@code tiebreak}: versions that
     * share the triple but are different facts get keys of their own, ordered by their tie-breaks after
     * the bare triple. {@link #decode} reads such a key as its triple.
     */
    public static Bytes encode(String entity, long validFrom, long recordedAt, byte[] tiebreak) {
        byte[] prefix = entityPrefix(entity);
        ByteBuffer buf = ByteBuffer.allocate(prefix.length + TIMES + tiebreak.length);
        buf.put(prefix).putLong(validFrom ^ Long.MIN_VALUE).putLong(recordedAt ^ Long.MIN_VALUE).put(tiebreak);
        return Bytes.wrap(buf.array());
    }

    /** Reads a key written by {@link #encode()} (or with a tie-break, which it leaves out). */
    public static BitemporalKey decode(Bytes key) {
        byte[] b = key.get();
        if (b.length < 2 + TIMES) {
            throw new IllegalArgumentException("not a bitemporal key: " + b.length + " bytes");
        }
        ByteArrayOutputStream entity = new ByteArrayOutputStream(b.length);
        int i = 0;
        int end = -1; // the escaped entity and its terminator fill [0, end)
        while (i < b.length - 1) {
            if (b[i] != 0) {
                entity.write(b[i++]);
            } else if (b[i + 1] == (byte) 0xFF) {
                entity.write(0);
                i += 2;
            } else if (b[i + 1] == 0) {
                end = i + 2;
                break;
            } else {
                throw new IllegalArgumentException("bad escape in bitemporal key at byte " + i);
            }
        }
        if (end < 0) {
            throw new IllegalArgumentException("bitemporal key without entity terminator");
        }
        if (b.length < end + TIMES) {
            throw new IllegalArgumentException("not a bitemporal key: " + b.length + " bytes, the times end at " + (end + TIMES));
        }
        ByteBuffer times = ByteBuffer.wrap(b, end, TIMES);
        return new BitemporalKey(new String(entity.toByteArray(), StandardCharsets.UTF_8),
                times.getLong() ^ Long.MIN_VALUE, times.getLong() ^ Long.MIN_VALUE);
    }

    /** Lowest key of the entity (inclusive start of its history). */
    static Bytes first(String entity) {
        return new BitemporalKey(entity, Long.MIN_VALUE, Long.MIN_VALUE).encode();
    }

    /** Highest key of the entity (inclusive end of its history). */
    static Bytes last(String entity) {
        return new BitemporalKey(entity, Long.MAX_VALUE, Long.MAX_VALUE).encode();
    }

    /** The tie-break of a key written by {@link #encode(String, long, long, byte[])}: the bytes after its times (empty if none). */
    public static byte[] tiebreak(Bytes key) {
        byte[] b = key.get();
        int i = 0;
        while (i < b.length - 1) {
            if (b[i] != 0) {
                i++;
            } else if (b[i + 1] == 0) {
                return java.util.Arrays.copyOfRange(b, Math.min(b.length, i + 2 + TIMES), b.length);
            } else {
                i += 2;
            }
        }
        throw new IllegalArgumentException("bitemporal key without entity terminator");
    }

    /** A key above every key of {@code entity} (tie-breaks included) and below every key of the next entity. */
    public static Bytes after(String entity) {
        byte[] prefix = entityPrefix(entity);
        // Replace the 0x00 0x00 terminator by 0x00 0x01: above all of this entity's keys, below
        // the keys of entities that extend it (their next byte is not 0x00, or is 0x00 0xFF).
        prefix[prefix.length - 1] = 1;
        return Bytes.wrap(prefix);
    }

    private static byte[] entityPrefix(String entity) {
        byte[] utf8 = entity.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 2);
        for (byte c : utf8) {
            out.write(c);
            if (c == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }
}
