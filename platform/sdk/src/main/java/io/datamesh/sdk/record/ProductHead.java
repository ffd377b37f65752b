package io.datamesh.sdk.record;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.SourcePosition;

/**
 * What a view needs of a product record to store it, read from the record's bytes without
 * decoding the payload: the version's coordinates, its operation, and whether its content hash
 * matches the payload as written.
 *
 * @param key the entity key
 * @param validFrom epoch milliseconds
 * @param recordedAt epoch milliseconds
 * @param operation upsert, delete or correction
 * @param source the record's source position: its place among versions with equal times ({@link TieBreak})
 * @param hashMatches whether the content hash is SHA-256 of the payload's bytes in the record
 */
public record ProductHead(String key, long validFrom, long recordedAt, Operation operation, SourcePosition source,
                         boolean hashMatches) {
}
