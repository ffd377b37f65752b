package io.datamesh.bench;

import java.util.Map;

/**
 * What one repetition measured, by metric name, e.g. {@code records/s}, {@code MB/s}, {@code p50 µs}.
 */
record Sample(Map<String, Double> metrics) {

    Sample {
        metrics = Map.copyOf(metrics);
    }

    static Sample throughput(long records, long bytes, long nanos) {
        double seconds = nanos / 1e9;
        return new Sample(Map.of("records/s", records / seconds, "MB/s", bytes / seconds / 1e6));
    }

    double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + metric + "' in " + metrics.keySet());
        }
        return v;
    }
}
