package io.datamesh.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The version of what the platform keeps under {@code --home}: a second {@code make run} continues
 * from it, so a platform whose stores changed their layout must not read an older one as its own
 * (an aggregate would rebuild from committed offsets over empty stores, and be wrong without a
 * word). The number is written to {@code <home>/state-format}; a home without it that holds state
 * is of format 1.
 *
 * <ul>
 *   <li>1: the first layout.</li>
 *   <li>2: aggregates keep each entity's versions ({@code <name>-entities}) and publish through an
 *       outbox; derivations identify versions by source position and keep their outputs.</li>
 * </ul>
 */
final class StateFormat {

    static final int CURRENT = 2;
    static final String FILE = "state-format";

    private StateFormat() {
    }

    /**
     * Checks {@code home} and marks it as the current format.
     *
     * @return null when the platform may use it, else what is wrong and what to do
     */
    static String checkAndMark(Path home) throws IOException {
        Path marker = home.resolve(FILE);
        int found;
        if (Files.exists(marker)) {
            String text = Files.readString(marker).trim();
            try {
                found = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return marker + " should hold the state's format number, holds '" + text + "'; remove " + home + " (make clean) to start over";
            }
        } else {
            found = holdsState(home) ? 1 : CURRENT;
        }
        if (found != CURRENT) {
            return "the state in " + home + " was written by " + (found < CURRENT ? "an older" : "a newer") + " version of the platform"
                    + " (state format " + found + ", this one reads " + CURRENT + "); its stores have another layout."
                    + " make clean (or removing " + home + ") starts over with fresh demo data";
        }
        Files.createDirectories(home);
        Files.writeString(marker, CURRENT + "\n");
        return null;
    }

    private static boolean holdsState(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(home)) {
            return entries.anyMatch(p -> !p.getFileName().toString().equals("logs"));
        }
    }
}
