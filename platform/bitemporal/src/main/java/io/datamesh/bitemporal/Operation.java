package io.datamesh.bitemporal;

/**
 * What a version says about its entity from {@code validFrom} on. Codes are stored in every view:
 * they never change.
 */
public enum Operation {
    /** The entity has this value. */
    UPSERT((byte) 'U'),
    /** The entity ends: from {@code validFrom} on it has no value. */
    DELETE((byte) 'D'),
    /** A value for a valid time in the past, recorded later than what it corrects. */
    CORRECTION((byte) 'C');

    private final byte code;

    Operation(byte code) {
        this.code = code;
    }

    /** The byte that stands for this operation in a stored value. */
    public byte code() {
        return code;
    }

    /** Whether the entity has a value from this version on. */
    public boolean hasValue() {
        return this != DELETE;
    }

    /** The operation of a stored code. */
    public static Operation ofCode(byte code) {
        for (Operation op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation code 0x" + Integer.toHexString(code & 0xFF));
    }
}
