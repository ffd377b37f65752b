package io.datamesh.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A home written by another layout of the stores is refused with what to do; a fresh or current one is used. */
class StateFormatTest {

    @TempDir
    Path dir;

    @Test
    void aFreshHomeIsMarkedAndUsed() throws Exception {
        Path home = dir.resolve(".mesh");
        assertThat(StateFormat.checkAndMark(home)).isNull();
        assertThat(Files.readString(home.resolve(StateFormat.FILE)).trim()).isEqualTo(String.valueOf(StateFormat.CURRENT));
        assertThat(StateFormat.checkAndMark(home)).as("the second run").isNull();
    }

    @Test
    void aHomeWithStateButNoMarkIsTheFirstFormatAndRefused() throws Exception {
        Files.createDirectories(dir.resolve("kafka"));
        Files.createDirectories(dir.resolve("logs"));
        assertThat(StateFormat.checkAndMark(dir)).contains("state format 1, this one reads " + StateFormat.CURRENT).contains("make clean");
        assertThat(dir.resolve(StateFormat.FILE)).doesNotExist();
    }

    @Test
    void aHomeWithOnlyLogsIsFresh() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        assertThat(StateFormat.checkAndMark(dir)).isNull();
    }

    @Test
    void anUnreadableMarkIsRefusedWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve(StateFormat.FILE), "two");
        assertThat(StateFormat.checkAndMark(dir)).contains("holds 'two'").contains("make clean");
    }
}
