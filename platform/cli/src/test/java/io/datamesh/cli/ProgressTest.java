package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), "letters", 40, true)) {
            for (int i = 0; i < 40; i++) {
                p.step();
            }
        }
        assertThat(err.toString()).contains("\r[###############               ] 50% 20/40 letters")
                .endsWith("\r[" + "#".repeat(30) + "] 100% 40/40 letters" + System.lineSeparator());
    }

    @Test
    void onAPipeEveryTenthIsOneLineAndSmallJobsPrintNothing() {
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), "letters", 1000, false)) {
            for (int i = 0; i < 1000; i++) {
                p.step();
            }
        }
        assertThat(err.toString().lines()).hasSize(11).startsWith("mesh: 0% 1/1000 letters").endsWith("mesh: 100% 1000/1000 letters");

        StringWriter small = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(small), "letters", 3, true)) {
            p.step();
        }
        assertThat(small.toString()).isEmpty();
    }
}
