package io.datamesh.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A demo domain's jar as its module's build made it, for tests that deploy it with {@code mesh run}. */
final class DomainJars {

    private DomainJars() {
    }

    /**
     * The jar that holds {@code definition}: the built jar itself, or, when the test runs against
     * the module's classes folder, a jar packed from it into {@code dir}.
     */
    static Path of(Class<?> definition, Path dir) throws IOException {
        Path location;
        try {
            location = Path.of(definition.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = dir.resolve(definition.getSimpleName() + ".jar");
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
