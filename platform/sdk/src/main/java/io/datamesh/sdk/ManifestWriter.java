package io.datamesh.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Build step of a domain's module: finds its {@link DomainDefinition} (through
 * {@code META-INF/services}), declares it and writes {@link DomainManifest#PATH} into the classes
 * folder, so the jar carries its manifest. Usage: {@code ManifestWriter <classes folder>}.
 */
public final class ManifestWriter {

    private ManifestWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManifestWriter <classes folder>");
        }
        List<DomainDefinition> definitions = ServiceLoader.load(DomainDefinition.class).stream().map(ServiceLoader.Provider::get).toList();
        if (definitions.size() != 1) {
            throw new IllegalStateException("a domain jar declares exactly one DomainDefinition in META-INF/services/"
                    + DomainDefinition.class.getName() + ", found " + definitions.size());
        }
        DomainDefinition definition = definitions.get(0);
        DomainManifest manifest = DomainManifest.of(Domain.of(definition), definition.getClass());
        Path out = Path.of(args[0]).resolve(DomainManifest.PATH);
        Files.createDirectories(out.getParent());
        Files.writeString(out, manifest.toJson());
        System.out.println("mesh: wrote " + out + " for domain " + manifest.domain());
    }
}
