package io.datamesh.bridge;

import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;

/** A team's domain under another name: its mapping as it is, its topics those of a domain no other test uses. */
record RenamedDomain(DomainDefinition domain, String name) implements DomainDefinition {

    @Override
    public void define(Domain d) {
        domain.define(d);
    }
}
