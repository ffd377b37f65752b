package io.datamesh.dev;

/** One row of the table {@code make run} prints: what runs, where to reach it, and a hint. */
public record Endpoint(String component, String address, String note) {
}
