package io.datamesh.bitemporal.aggregate;

import java.util.Objects;

import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;

/**
 * A bucket's version to publish: {@link Operation#UPSERT} the first time its coordinates (bucket,
 * recordedAt) are published, {@link Operation#CORRECTION} when a late change alters a value that was
 * published already. Numbered per partition of the aggregate, in publication order, so that each
 * record of the aggregate's product has an identity of its own.
 *
 * @param version the bucket's version, with the operation to publish it with
 * @param stream the stream the sequence counts in: the aggregate's repartition topic
 * @param partition the partition of the bucket (of that topic)
 * @param sequence the publication's number in that partition, from 0
 */
public record Publication<A>(Version<A> version, String stream, int partition, long sequence) {

    public Publication {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(stream, "stream");
    }
}
