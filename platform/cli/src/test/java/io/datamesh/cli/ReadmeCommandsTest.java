package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code bin/mesh} line of the README's code blocks is a command the tool understands: its
 * subcommands and options exist and take the arguments shown (optional parts in brackets included,
 * placeholders in capitals as values).
 * A renamed option or command fails here before a reader meets it.
 */
class ReadmeCommandsTest {

    @Test
    void everyMeshCommandOfTheReadmeParses() throws IOException {
        List<String> commands = meshLines(Files.readAllLines(readme()));
        assertThat(commands).as("the README shows the tool at work").hasSizeGreaterThan(20);
        List<String> broken = new ArrayList<>();
        for (String line : commands) {
            try {
                Mesh.commandLine(new PlatformLocation(name -> null)).parseArgs(words(line).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                broken.add(line + "\n    -> " + e.getMessage());
            }
        }
        assertThat(broken).as("README lines that bin/mesh refuses").isEmpty();
    }

    @Test
    void wordsAreSplitAsTheShellSplitsThem() {
        assertThat(words("../bin/mesh produce t k '{\"a\": 1}' \"x y\" # a comment [--x]"))
                .containsExactly("produce", "t", "k", "{\"a\": 1}", "x y");
        assertThat(words("bin/mesh audit orders --json > audit.json   # as JSON")).containsExactly("audit", "orders", "--json");
        assertThat(words("bin/mesh tail t | head -3")).containsExactly("tail", "t");
        assertThat(words("bin/mesh dlq replay orders [--offset N] [--reason text]")).containsExactly("dlq", "replay", "orders", "--offset", "1",
                "--reason", "text");
    }

    /** The lines of fenced code blocks that run {@code bin/mesh}. */
    static List<String> meshLines(List<String> readme) {
        List<String> lines = new ArrayList<>();
        boolean code = false;
        for (String raw : readme) {
            String line = raw.strip();
            if (line.startsWith("```")) {
                code = !code;
            } else if (code && (line.startsWith("bin/mesh ") || line.startsWith("../bin/mesh "))) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * The arguments after {@code bin/mesh}: quotes as the shell reads them; a comment, a redirection or a pipe
     * ends them; optional parts' brackets removed.
     */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if ((c == '#' || c == '>' || c == '<' || c == '|' || c == ';' || c == '&') && word == null) {
                break; // a comment, a redirection or the next command: the rest is the shell's, not mesh's
            } else if ((c == '[' && word == null) || (c == ']' && i + 1 >= line.length() | (i + 1 < line.length() && Character.isWhitespace(line.charAt(i + 1))))) {
                continue;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        // A placeholder in capitals (N, HOST, DIR) stands for a value: 1 is one for numbers and text alike.
        return words.subList(1, words.size()).stream().map(w -> w.matches("[A-Z][A-Z_]*") ? "1" : w).toList();
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("Makefile"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md beside a Makefile above " + Path.of("").toAbsolutePath());
    }
}
