package io.datamesh.sdk;

import java.time.Instant;

/**
 * Where a {@link Mapping} emits product records. The platform adds recordedAt, source position and
 * content hash; the mapping says which entity, from which business time, and what.
 */
public interface Emitter<P> {

    /** The entity {@code key} has {@code payload} from {@code validFrom} on. */
    void upsert(String key, Instant validFrom, P payload);

    /** The entity {@code key} ends at {@code validFrom}. */
    void delete(String key, Instant validFrom);

    /** A value for a valid time in the past, recorded now: corrects what was known. */
    void correct(String key, Instant validFrom, P payload);
}
