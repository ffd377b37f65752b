package io.datamesh.sdk;

/**
 * What a feature team writes for a product: a private raw record in, public product records out.
 * Emit nothing to skip a record; throw (any exception) to reject it: it goes to the domain's DLQ
 * with the exception's message as the reason, and processing goes on.
 *
 * @param <R> the raw record type
 * @param <P> the product's payload type
 */
@FunctionalInterface
public interface Mapping<R, P> {

    void map(RawRecord<R> in, Emitter<P> out) throws Exception;
}
