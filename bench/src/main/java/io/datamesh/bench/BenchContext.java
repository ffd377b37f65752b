package io.datamesh.bench;

import io.datamesh.kafka.embedded.EmbeddedKafka;

/**
 * What benches share in one run: the embedded broker, and whether this is a quick run (smaller
 * workloads, to check that the harness works).
 */
record BenchContext(EmbeddedKafka kafka, boolean quick) {

    /** {@code full} records for a normal run, a tenth of it for a quick one. */
    int scale(int full) {
        return quick ? Math.max(1, full / 10) : full;
    }
}
