package io.datamesh.sdk;

/**
 * The one class a feature team writes for its domain: it declares the domain's inputs, products,
 * views and aggregates on the {@link Domain} it is given. The platform turns the declaration into
 * a Kafka Streams topology ({@link DomainTopology}) and a manifest the runtime checks and deploys.
 *
 * <p>Implementations need a public no-argument constructor; the runtime finds them through
 * {@code META-INF/services/io.datamesh.sdk.DomainDefinition} in the domain's jar.
 */
public interface DomainDefinition {

    /** The domain's name: the first segment of all its topics, e.g. {@code orders}. */
    String name();

    /** Declares everything on {@code domain}. Pure: no I/O, no clocks. */
    void define(Domain domain);
}
