package io.datamesh.cli;

import java.io.PrintWriter;
import java.util.List;

/** Rows printed as aligned columns, two spaces apart, the last column unpadded: the commands' tables. */
final class TextTable {

    private TextTable() {
    }

    static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                if (i < row.size()) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
        }
        StringBuilder format = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            format.append(i == widths.length - 1 ? "%s" : "%-" + widths[i] + "s  ");
        }
        format.append("%n");
        out.printf(format.toString(), header.toArray());
        for (List<String> row : rows) {
            out.printf(format.toString(), row.toArray());
        }
    }
}
