package io.datamesh.sdk.record;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 over a payload's canonical bytes; a delete hashes the empty byte string. */
public final class ContentHash {

    /** One digest per thread: looking SHA-256 up among the security providers costs more than hashing a payload. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(ContentHash::newDigest);

    private ContentHash() {
    }

    public static <P> byte[] of(ProductFormat<P> format, P payload) {
        return of(format, payload, SHA_256.get());
    }

    /** The same with a digest the caller keeps ({@link #newDigest}): a processor hashing record after record on its thread. */
    public static <P> byte[] of(ProductFormat<P> format, P payload, MessageDigest sha256) {
        return sha256.digest(payload == null ? new byte[0] : format.canonicalBytes(payload));
    }

    /** A SHA-256 digest for {@link #of(ProductFormat, Object, MessageDigest)}; one thread at a time may use it. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code record}'s hash matches its payload. */
    public static <P> boolean matches(ProductFormat<P> format, ProductRecord<P> record) {
        return MessageDigest.isEqual(of(format, record.payload()), record.contentHash());
    }

    /**
     * Whether {@code record}, read from {@code bytes} on {@code topic}, carries the hash of its payload
     * as it was written there.
     */
    public static <P> boolean matchesAsWritten(ProductFormat<P> format, String topic, byte[] bytes, ProductRecord<P> record) {
        return matches(format.canonicalBytesAsWritten(topic, bytes, record), record.contentHash());
    }

    /** Whether {@code hash} is SHA-256 of {@code payload}'s remaining bytes (of nothing, when it is null). */
    public static boolean matches(ByteBuffer payload, byte[] hash) {
        MessageDigest sha = SHA_256.get();
        if (payload != null) {
            sha.update(payload);
        }
        return MessageDigest.isEqual(sha.digest(), hash);
    }

    /**
     * Whether the 32 bytes at {@code hashAt} in {@code hash} are SHA-256 of {@code bytes} from {@code from}
     * to {@code to}: a hash and a payload where they lie in a record, nothing copied.
     */
    public static boolean matches(byte[] bytes, int from, int to, byte[] hash, int hashAt) {
        MessageDigest sha = SHA_256.get();
        sha.update(bytes, from, to - from);
        byte[] digest = sha.digest();
        return hash.length - hashAt >= digest.length && Arrays.equals(digest, 0, digest.length, hash, hashAt, hashAt + digest.length);
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    static byte[] sha256(byte[] bytes) {
        return SHA_256.get().digest(bytes);
    }
}
