package io.datamesh.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders rows with their statistics and ratios as a Markdown table (printed and written to a file). */
final class ResultTable {

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Stats> stats = new LinkedHashMap<>();

    void add(Row row, Stats s) {
        rows.put(row.id(), row);
        stats.put(row.id(), s);
    }

    /** median ÷ baseline median, or NaN for a baseline row. */
    double ratio(String id) {
        Row row = rows.get(id);
        if (row.baseline() == null) {
            return Double.NaN;
        }
        Stats base = stats.get(row.baseline());
        if (base == null) {
            throw new IllegalStateException("row " + id + " divides by " + row.baseline() + ", which was not measured");
        }
        return stats.get(id).median() / base.median();
    }

    String markdown() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"id", "bench", "unit", "median", "spread (IQR/median)", "reps", "baseline", "ratio", "goal", "status"});
        for (Row row : rows.values()) {
            Stats s = stats.get(row.id());
            double ratio = ratio(row.id());
            // A goal without a baseline is on the figure itself (a latency with no honest baseline to divide by).
            boolean absolute = row.goal() != null && row.baseline() == null;
            String status = row.goal() == null ? (row.baseline() == null ? "baseline" : "")
                    : row.goal().met(absolute ? s.median() : ratio) ? "met" : "MISSED";
            lines.add(new String[] {row.id(), row.title(), row.metric(), Stats.format(s.median()),
                    String.format(Locale.ROOT, "±%.1f %%", 50 * s.relativeSpread()), String.valueOf(s.n()),
                    row.baseline() == null ? (absolute ? "(absolute)" : "") : row.baseline(), Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio),
                    row.goal() == null ? "" : row.goal().toString(), status});
        }
        int[] widths = new int[lines.get(0).length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                widths[i] = Math.max(widths[i], l[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int li = 0; li < lines.size(); li++) {
            sb.append('|');
            for (int i = 0; i < widths.length; i++) {
                sb.append(' ').append(pad(lines.get(li)[i], widths[i])).append(" |");
            }
            sb.append('\n');
            if (li == 0) {
                sb.append('|');
                for (int w : widths) {
                    sb.append(' ').append("-".repeat(w)).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
