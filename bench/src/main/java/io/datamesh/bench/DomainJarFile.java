package io.datamesh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A domain's jar as built, or zipped from its classes folder when the bench runs from the reactor. */
public final class DomainJarFile {

    private DomainJarFile() {
    }

    /** The jar that holds {@code definition} (its classes and its manifest). */
    public static Path of(Class<?> definition) throws Exception {
        Path location = Path.of(definition.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = Files.createTempFile(definition.getSimpleName() + "-", ".jar");
        jar.toFile().deleteOnExit();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(location)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new ZipEntry(location.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }
}
