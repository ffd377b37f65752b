package io.datamesh.bitemporal.aggregate;

import java.util.Objects;

/**
 * The entity key of an aggregate's bucket: the group (e.g. a pizzeria id) and the bucket label.
 * Encoded as {@code group + '\0' + label}, so that one group's buckets are contiguous and in time
 * order in the view store, and a valid-time range of buckets is one store range.
 */
public record BucketKey(String group, String label) {

    static final char SEPARATOR = '\0';

    public BucketKey {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(label, "label");
        if (label.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a bucket label cannot contain NUL: " + label);
        }
    }

    /** The entity string under which the bucket's versions are stored. */
    public String entity() {
        return group + SEPARATOR + label;
    }

    /** Reads an entity string written by {@link #entity()}. */
    public static BucketKey parse(String entity) {
        int sep = entity.lastIndexOf(SEPARATOR);
        if (sep < 0) {
            throw new IllegalArgumentException("not a bucket key: " + entity);
        }
        return new BucketKey(entity.substring(0, sep), entity.substring(sep + 1));
    }
}
