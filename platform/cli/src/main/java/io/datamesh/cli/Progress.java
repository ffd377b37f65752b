package io.datamesh.cli;

import java.io.PrintWriter;

/**
 * A progress bar on stderr for long operations: redrawn in place on a terminal
 * ({@code [#########           ] 45% 450/1000 letters}), and on a pipe or log only every tenth so
 * that a log is not flooded. Nothing is printed for fewer than {@link #MIN_TOTAL} items.
 */
final class Progress implements AutoCloseable {

    static final int MIN_TOTAL = 20;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean terminal;
    private long done;
    private int lastTenth = -1;

    Progress(PrintWriter err, String what, long total) {
        this(err, what, total, System.console() != null);
    }

    Progress(PrintWriter err, String what, long total, boolean terminal) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
    }

    /** One more item done. */
    void step() {
        advanceTo(done + 1);
    }

    void advanceTo(long n) {
        done = Math.min(n, total);
        if (total < MIN_TOTAL) {
            return;
        }
        int percent = (int) (100 * done / total);
        if (terminal) {
            int filled = (int) (WIDTH * done / total);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% " + done + "/" + total + " " + what);
            err.flush();
        } else if (percent / 10 != lastTenth) {
            lastTenth = percent / 10;
            err.println("mesh: " + percent + "% " + done + "/" + total + " " + what);
            err.flush();
        }
    }

    @Override
    public void close() {
        if (terminal && total >= MIN_TOTAL) {
            err.println();
            err.flush();
        }
    }
}
