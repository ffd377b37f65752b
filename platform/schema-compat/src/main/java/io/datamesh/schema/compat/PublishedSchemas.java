package io.datamesh.schema.compat;

import java.util.List;

/** Where the published versions of public schemas are read from: the repository, or a registry. */
public interface PublishedSchemas {

    /** The published versions of {@code subject}, oldest first; empty if it was never published. */
    List<org.apache.avro.Schema> versions(String subject);

    /** The level {@code subject} is checked at. */
    CompatibilityLevel level(String subject);
}
