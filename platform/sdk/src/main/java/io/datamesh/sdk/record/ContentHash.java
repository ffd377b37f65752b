package io.datamesh.sdk.record;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over a payload's canonical bytes; a delete hashes the empty byte string. */
public final class ContentHash {

    private ContentHash() {
    }

    public static <P> byte[] of(ProductFormat<P> format, P payload) {
        return sha256(payload == null ? new byte[0] : format.canonicalBytes(payload));
    }

    /** Whether {@code record}'s hash matches its payload. */
    public static <P> boolean matches(ProductFormat<P> format, ProductRecord<P> record) {
        return MessageDigest.isEqual(of(format, record.payload()), record.contentHash());
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
