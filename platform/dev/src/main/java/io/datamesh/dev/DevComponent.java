package io.datamesh.dev;

import java.util.List;

/**
 * A part of the local platform: started in order, closed in reverse order. Each issue that adds a
 * service (registry, domains, collectors) adds a component and its rows in the endpoint table.
 */
interface DevComponent extends AutoCloseable {

    /** Short name used in logs and errors. */
    String name();

    /** The fixed ports this component will bind, checked before anything starts. */
    List<PortClaim> ports();

    /** Starts the component; returns once it serves requests. */
    void start() throws Exception;

    /** Where to reach the component once started. */
    List<Endpoint> endpoints();

    /**
     * What the {@code mesh} command needs to find this component, as keys of the file {@code make run}
     * writes ({@code bootstrap.servers}, {@code registry.url}, {@code query.url}); none by default.
     */
    default java.util.Map<String, String> location() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
