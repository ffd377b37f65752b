package io.datamesh.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Median and spread of repetitions. The spread is the interquartile range relative to the median
 * (IQR ÷ median), which one outlier repetition does not move.
 */
record Stats(double median, double q1, double q3, double min, double max, int n) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), v[0], v[v.length - 1], v.length);
    }

    /** Linear interpolation between closest ranks. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** IQR ÷ median, e.g. 0.04 for ±2 %. */
    double relativeSpread() {
        return median == 0 ? 0 : (q3 - q1) / Math.abs(median);
    }

    static String format(double x) {
        double a = Math.abs(x);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        return String.format(Locale.ROOT, "%.2f", x);
    }

    @Override
    public String toString() {
        return format(median) + " (IQR " + format(q1) + "–" + format(q3) + ", n=" + n + ")";
    }

    static double[] sorted(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }
}
