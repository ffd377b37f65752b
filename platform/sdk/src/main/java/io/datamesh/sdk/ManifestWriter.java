package io.datamesh.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step of a domain's module: finds its {@link DomainDefinition} (named in the module's
 * {@code META-INF/services}), declares it and writes {@link DomainManifest#PATH} into the classes
 * folder, so the jar carries its manifest. Usage: {@code ManifestWriter <classes folder> [<packaging>]}; a
 * module of packaging {@code pom} (the domain parent itself) has no domain and gets no manifest.
 */
public final class ManifestWriter {

    private ManifestWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 2) {
            throw new IllegalArgumentException("usage: ManifestWriter <classes folder> [<packaging>]");
        }
        if (args.length == 2 && args[1].equals("pom")) {
            return;
        }
        // The module's own services file, not every one on the classpath (a consumer domain's tests may
        // have the domains it reads on theirs).
        Path services = Path.of(args[0]).resolve("META-INF/services/" + DomainDefinition.class.getName());
        if (!Files.isRegularFile(services)) {
            throw new IllegalStateException("a domain module names its DomainDefinition in " + services);
        }
        List<String> classes = Files.readAllLines(services).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (classes.size() != 1) {
            throw new IllegalStateException("a domain jar declares exactly one DomainDefinition in " + services + ", found " + classes);
        }
        DomainDefinition definition = (DomainDefinition) Class.forName(classes.get(0)).getDeclaredConstructor().newInstance();
        DomainManifest manifest = DomainManifest.of(Domain.of(definition), definition.getClass());
        Path out = Path.of(args[0]).resolve(DomainManifest.PATH);
        Files.createDirectories(out.getParent());
        Files.writeString(out, manifest.toJson());
        System.out.println("mesh: wrote " + out + " for domain " + manifest.domain());
    }
}
