package io.datamesh.schema.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Published versions kept in the repository: {@code <dir>/<subject>/v<N>.avsc}, one self-contained
 * schema per file. Subjects are checked at the platform's default level for them.
 */
public final class PublishedDirectory implements PublishedSchemas {

    private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");
    private final Path dir;

    public PublishedDirectory(Path dir) {
        this.dir = dir;
    }

    @Override
    public List<Schema> versions(String subject) {
        Path subjectDir = dir.resolve(subject);
        if (!Files.isDirectory(subjectDir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(subjectDir)) {
            list.filter(p -> VERSION_FILE.matcher(p.getFileName().toString()).matches()).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + subjectDir, e);
        }
        files.sort(Comparator.comparingInt(PublishedDirectory::number));
        List<Schema> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(new Schema.Parser().parse(Files.readString(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            } catch (SchemaParseException e) {
                throw new IllegalArgumentException("published schema " + f + " is not valid Avro: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public CompatibilityLevel level(String subject) {
        return SubjectDefaults.levelFor(subject);
    }

    private static int number(Path p) {
        Matcher m = VERSION_FILE.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }
}
