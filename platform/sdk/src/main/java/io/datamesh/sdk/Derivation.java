package io.datamesh.sdk;

import java.util.List;

import io.datamesh.sdk.record.ProductRecord;

/**
 * A product derived from another product with memory: for each new record, the team's code sees
 * the whole history of its group (the entity, or the group a {@code regroup} function gives) in
 * valid-time order, this record included, and emits records of the derived product. The platform
 * stamps them with the input's recordedAt and source position and hashes their payload.
 *
 * <p>Example: time on the heat shelf, from a pizza's ON_HEAT_SHELF and PICKED_UP events.
 */
@FunctionalInterface
public interface Derivation<P, Q> {

    void derive(ProductRecord<P> record, List<ProductRecord<P>> history, Emitter<Q> out) throws Exception;
}
