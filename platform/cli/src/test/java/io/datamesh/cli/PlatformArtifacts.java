package io.datamesh.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The platform's artifacts as a team gets them: published to a Maven repository. Starting from what a
 * domain's pom names (mesh-domain-parent), it follows the platform's poms — parents, dependencies, and the
 * build's plugin dependencies of the parents a team's module inherits — and installs each module's pom and
 * jar into a local repository, in Maven's layout, as {@code mvn install} would. The jars are made from the
 * classes this checkout's build compiled, never from an earlier install: what the team's build gets is
 * what this build made. Nothing is written into the checkout, which a running build may be reading.
 */
final class PlatformArtifacts {

    private static final String GROUP = "io.datamesh";

    private final Path root;
    private final Map<String, Path> modules = new TreeMap<>();
    private final String version;

    private PlatformArtifacts(Path root) throws Exception {
        this.root = root;
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml") && !p.toString().contains("/target/")).toList()) {
                modules.put(text(read(pom).getDocumentElement(), "artifactId"), pom.getParent());
            }
        }
        this.version = text(read(root.resolve("pom.xml")).getDocumentElement(), "version");
    }

    /** The platform whose checkout is {@code root}. */
    static PlatformArtifacts of(Path root) throws Exception {
        return new PlatformArtifacts(root.toRealPath());
    }

    String version() {
        return version;
    }

    /**
     * Installs into {@code repository} every platform artifact a module whose parent is {@code parent}
     * needs, replacing what an earlier run installed there.
     *
     * @return the artifact ids installed
     */
    Set<String> install(String parent, Path repository) throws Exception {
        Path installed = repository.resolve(GROUP.replace('.', '/'));
        if (Files.exists(installed)) {
            deleteTree(installed);
        }
        Set<String> done = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(parent));
        Set<String> inherited = new LinkedHashSet<>(ancestry(parent));
        while (!todo.isEmpty()) {
            String artifact = todo.pop();
            if (!done.add(artifact)) {
                continue;
            }
            Path module = module(artifact);
            Element project = read(module.resolve("pom.xml")).getDocumentElement();
            Path dir = Files.createDirectories(installed.resolve(artifact).resolve(version));
            Files.copy(module.resolve("pom.xml"), dir.resolve(artifact + "-" + version + ".pom"));
            if (!"pom".equals(text(project, "packaging"))) {
                jar(module, dir.resolve(artifact + "-" + version + ".jar"));
            }
            List<String> ancestry = ancestry(artifact);
            todo.addAll(ancestry.subList(1, ancestry.size()));
            todo.addAll(platformDependencies(child(project, "dependencies")));
            if (inherited.contains(artifact)) {
                // A team's module runs the build of the parents it inherits, with their plugins' dependencies.
                Element build = child(project, "build");
                Element plugins = build == null ? null : child(build, "plugins");
                for (Element plugin : plugins == null ? List.<Element>of() : children(plugins, "plugin")) {
                    todo.addAll(platformDependencies(child(plugin, "dependencies")));
                }
            }
        }
        return done;
    }

    /** {@code artifact} and the platform poms it inherits from, nearest first. */
    private List<String> ancestry(String artifact) throws Exception {
        List<String> chain = new ArrayList<>(List.of(artifact));
        Element parent = child(read(module(artifact).resolve("pom.xml")).getDocumentElement(), "parent");
        while (parent != null && GROUP.equals(text(parent, "groupId"))) {
            String id = text(parent, "artifactId");
            chain.add(id);
            parent = child(read(module(id).resolve("pom.xml")).getDocumentElement(), "parent");
        }
        return chain;
    }

    private List<String> platformDependencies(Element dependencies) {
        List<String> out = new ArrayList<>();
        for (Element d : dependencies == null ? List.<Element>of() : children(dependencies, "dependency")) {
            String type = text(d, "type");
            if (GROUP.equals(text(d, "groupId")) && !"test".equals(text(d, "scope")) && (type == null || type.equals("jar") || type.equals("pom"))) {
                out.add(text(d, "artifactId"));
            }
        }
        return out;
    }

    private Path module(String artifact) {
        Path module = modules.get(artifact);
        if (module == null) {
            throw new IllegalStateException("no module of the platform under " + root + " is " + GROUP + ":" + artifact);
        }
        return module;
    }

    /** The module's jar, packed from the classes this build compiled (its own jar may be older, or not made yet). */
    private static void jar(Path module, Path jar) throws IOException {
        Path classes = module.resolve("target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException(classes + " does not exist: build the platform first (mvn -pl platform/cli -am package)");
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }

    private static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The direct child element {@code name} of {@code e}, or null. */
    private static Element child(Element e, String name) {
        if (e == null) {
            return null;
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().trim();
    }

    static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
