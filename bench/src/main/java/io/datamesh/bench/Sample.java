package io.datamesh.bench;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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

    /** The figures as the log shows them, e.g. {@code records/s 208,648, MB/s 48.54}. */
    @Override
    public String toString() {
        return metrics.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, e.getValue() >= 1000 ? "%,.0f" : "%.2f", e.getValue()))
                .collect(Collectors.joining(", "));
    }

    double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + metric + "' in " + metrics.keySet());
        }
        return v;
    }
}
