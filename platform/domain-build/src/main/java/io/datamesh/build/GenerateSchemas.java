package io.datamesh.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;

/**
 * Build step of a domain's module (generate-sources, run by mesh-domain-parent): reads the module's
 * Avro folder ({@link DomainSchemas}), generates the envelope record of every payload, and writes the
 * Java classes of payloads, envelopes and consumed products — never the platform's shared envelope
 * types, which the SDK brings. The classes are what the avro-maven-plugin would make with the
 * platform's settings (strings as {@code String}, decimals as {@code BigDecimal}), so a product's schema
 * is the same, byte for byte, whichever made it. Files are rewritten only when their text changes, so
 * an unchanged schema recompiles nothing (and the step prints nothing).
 *
 * <p>Usage: {@code GenerateSchemas <avro folder> <java output folder>}.
 */
public final class GenerateSchemas {

    private GenerateSchemas() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: GenerateSchemas <avro folder> <java output folder>");
        }
        Path avro = Path.of(args[0]);
        Path out = Path.of(args[1]);
        DomainSchemas schemas = DomainSchemas.read(avro);
        int written = generate(schemas, out);
        if (written == 0) {
            // Nothing changed: a build of an unchanged module says nothing here.
            return;
        }
        List<String> what = new ArrayList<>();
        schemas.products().forEach(p -> what.add(p.payload().getName() + " (envelope " + p.envelope().getName() + ")"));
        schemas.consumed().forEach(c -> what.add(c.getName() + " (consumed)"));
        System.out.println("mesh: schemas of " + avro + ": " + String.join(", ", what) + "; " + written + " Java file"
                + (written == 1 ? "" : "s") + " changed in " + out);
    }

    /**
     * Writes the Java sources of {@code schemas} into {@code out}, removing those of schemas that are gone.
     *
     * @return how many files were written or removed
     */
    public static int generate(DomainSchemas schemas, Path out) throws IOException {
        Path scratch = Files.createTempDirectory("mesh-avro-");
        try {
            if (!schemas.all().isEmpty()) {
                SpecificCompiler compiler = new SpecificCompiler(schemas.all());
                compiler.setStringType(GenericData.StringType.String);
                compiler.setEnableDecimalLogicalType(true);
                compiler.setFieldVisibility(SpecificCompiler.FieldVisibility.PRIVATE);
                compiler.setCreateSetters(true);
                compiler.setOutputCharacterEncoding(StandardCharsets.UTF_8.name());
                compiler.compileToDestination(null, scratch.toFile());
            }
            Path shared = Path.of("", EnvelopeSchema.SHARED_NAMESPACE.split("\\."));
            Set<Path> generated = new HashSet<>();
            int changed = 0;
            for (Path f : javaFiles(scratch)) {
                Path relative = scratch.relativize(f);
                if (relative.startsWith(shared)) {
                    continue;
                }
                generated.add(relative);
                Path target = out.resolve(relative);
                byte[] text = Files.readAllBytes(f);
                if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), text)) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, text);
                    changed++;
                }
            }
            for (Path f : javaFiles(out)) {
                if (!generated.contains(out.relativize(f))) {
                    Files.delete(f);
                    changed++;
                }
            }
            return changed;
        } finally {
            deleteTree(scratch);
        }
    }

    private static List<Path> javaFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".java")).sorted().toList();
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
