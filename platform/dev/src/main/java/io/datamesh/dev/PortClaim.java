package io.datamesh.dev;

/** A port a component needs, and what for: "Kafka broker", "schema registry", ... */
record PortClaim(String what, int port) {
}
