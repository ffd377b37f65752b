package io.datamesh.bench;

/**
 * One line of the results table: a metric of a bench, optionally divided by a baseline row.
 *
 * @param id stable id, e.g. {@code B0.1}
 * @param title what is measured
 * @param bench the bench that measures it
 * @param metric the metric of the bench's samples
 * @param baseline id of the row this one is divided by, or null for a baseline
 * @param goal the goal on the ratio; on the median itself, in the row's unit, for a row without a baseline
 *             (a latency with no honest baseline, shown against its goal); or null
 */
record Row(String id, String title, String bench, String metric, String baseline, Goal goal) {

    /** A goal on a ratio (or on an absolute figure): at least or at most a bound. */
    record Goal(boolean atLeast, double bound) {
        static Goal atLeast(double bound) {
            return new Goal(true, bound);
        }

        static Goal atMost(double bound) {
            return new Goal(false, bound);
        }

        boolean met(double ratio) {
            return atLeast ? ratio >= bound : ratio <= bound;
        }

        @Override
        public String toString() {
            return (atLeast ? "≥ " : "≤ ") + Stats.format(bound);
        }
    }
}
