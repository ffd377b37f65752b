package io.datamesh.bitemporal.aggregate;

import java.time.Instant;

/**
 * One bucket of an aggregate as known at some time.
 *
 * @param group the group (e.g. pizzeria id)
 * @param label the bucket label (e.g. {@code 2018-07-08})
 * @param start first instant of the bucket
 * @param value the aggregate's value
 * @param recordedAt when this value was recorded
 */
public record BucketValue<A>(String group, String label, Instant start, A value, Instant recordedAt) {
}
