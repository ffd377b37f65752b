package io.datamesh.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.datamesh.schema.compat.SchemaGate;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainManifest;
import io.datamesh.sdk.record.AvroProductFormat;
import io.datamesh.serde.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A feature team's jar, opened for deployment: its manifest is read and checked before any of its
 * code runs, and the jar must hold every class the manifest names (its definition, and the schema
 * classes of what it publishes and reads: a domain's schemas travel in its jar). Its classes load in a
 * class loader of their own: the platform's API — SDK, the shared envelope, Kafka, Avro — comes from the
 * parent, everything else from the jar first, so two domains with different versions of a library, or
 * of another domain's schema they read, cannot clash. Then its output schemas are checked against the
 * registry and registered, or the deployment stops with field and rule before any record is written.
 */
public final class DomainJar implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DomainJar.class);
    private static final List<String> PLATFORM_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "io.datamesh.sdk.", "io.datamesh.sources.",
            "io.datamesh.bitemporal.", "io.datamesh.serde.", "io.datamesh.topics.", "io.datamesh.schema.", "io.datamesh.schemas.envelope.",
            "org.apache.kafka.", "org.apache.avro.", "com.fasterxml.jackson.", "org.slf4j.");

    private final Path jar;
    private final DomainManifest manifest;
    private final URLClassLoader loader;

    private DomainJar(Path jar, DomainManifest manifest, URLClassLoader loader) {
        this.jar = jar;
        this.manifest = manifest;
        this.loader = loader;
    }

    /**
     * Reads and checks the manifest of {@code jar}.
     *
     * @throws RuntimeStartException naming what is wrong: no such jar, no manifest, a malformed one,
     *                               a topic that breaks the naming rules or belongs to another domain, a
     *                               class the manifest names that the jar lacks
     */
    public static DomainJar open(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new RuntimeStartException("no domain jar at " + jar);
        }
        DomainManifest manifest;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(DomainManifest.PATH);
            if (entry == null) {
                throw new RuntimeStartException(jar.getFileName() + " has no " + DomainManifest.PATH + ": " + REBUILD
                        + " (the build writes the manifest from the domain's declaration)");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                manifest = DomainManifest.parse(in, jar.getFileName() + "!" + DomainManifest.PATH);
            }
            requireOwnClass(zip, jar, manifest.definitionClass(), "the DomainDefinition its manifest names");
            for (String cls : manifest.schemaClasses()) {
                requireOwnClass(zip, jar, cls, "a schema class its manifest names");
            }
        } catch (DomainManifest.InvalidManifestException e) {
            throw new RuntimeStartException(e.getMessage(), e);
        } catch (IOException e) {
            throw new RuntimeStartException(jar + " is not a readable jar: " + e.getMessage(), e);
        }
        try {
            return new DomainJar(jar, manifest, new ChildFirstLoader(new URL[] {jar.toUri().toURL()}, DomainJar.class.getClassLoader()));
        } catch (MalformedURLException e) {
            throw new RuntimeStartException("cannot load " + jar + ": " + e.getMessage(), e);
        }
    }

    public DomainManifest manifest() {
        return manifest;
    }

    /** What a team does about a jar that lacks a class of its own. */
    static final String REBUILD = "build the jar with mvn package in the domain's module, whose parent mesh-domain-parent generates"
            + " the schema classes from src/main/avro, packs them and writes the manifest (bin/mesh new domain makes such a module)";

    /** The jar itself must hold {@code cls}: a domain's classes never come from the platform. */
    private static void requireOwnClass(ZipFile zip, Path jar, String cls, String what) {
        String platformPackage = PLATFORM_PACKAGES.stream().filter(cls::startsWith).findFirst().orElse(null);
        if (platformPackage != null) {
            throw new RuntimeStartException(jar.getFileName() + ": class " + cls + ", " + what + ", is in the platform's package "
                    + platformPackage + "*, whose classes come from the platform, never from a jar: give the domain's classes and"
                    + " schemas (their Avro namespace) a package of its own");
        }
        if (zip.getEntry(cls.replace('.', '/') + ".class") == null) {
            throw new RuntimeStartException(jar.getFileName() + " lacks class " + cls + ", " + what + ": " + REBUILD);
        }
    }

    /**
     * Loads the domain's definition class, declares the domain with {@code registry}, and checks the
     * declaration matches the manifest.
     */
    public Domain declare(SchemaRegistryClient registry, boolean autoRegister) {
        DomainDefinition definition;
        try {
            Class<?> cls = Class.forName(manifest.definitionClass(), true, loader);
            definition = (DomainDefinition) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new RuntimeStartException("domain " + manifest.domain() + ": cannot create " + manifest.definitionClass() + ": " + e, e);
        }
        Domain domain;
        try {
            domain = Domain.of(definition, registry, autoRegister);
        } catch (RuntimeException e) {
            throw new RuntimeStartException("domain " + manifest.domain() + " failed to declare itself: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            throw new RuntimeStartException("domain " + manifest.domain() + ": class " + String.valueOf(e.getMessage()).replace('/', '.')
                    + ", needed to declare it, is in neither " + jar.getFileName() + " nor the platform: " + REBUILD, e);
        } catch (LinkageError e) {
            throw new RuntimeStartException("domain " + manifest.domain() + ": its classes do not link with this platform (" + e
                    + "): " + REBUILD + ", against the SDK of this platform's version", e);
        }
        DomainManifest declared = DomainManifest.of(domain, definition.getClass());
        if (!declared.domain().equals(manifest.domain()) || !declared.outputs().stream().map(DomainManifest.Output::topic).toList()
                .equals(manifest.outputs().stream().map(DomainManifest.Output::topic).toList())
                || !declared.rawInputs().equals(manifest.rawInputs()) || !declared.consumedProducts().equals(manifest.consumedProducts())) {
            throw new RuntimeStartException(jar.getFileName() + ": the manifest does not match what " + manifest.definitionClass()
                    + " declares; rebuild the jar");
        }
        return domain;
    }

    /**
     * Checks every output schema against the registry at its subject's level and registers it.
     *
     * @throws RuntimeStartException with field and rule of every break, before anything is registered
     */
    public static void registerSchemas(Domain domain, SchemaRegistryClient registry) {
        List<String> problems = new ArrayList<>();
        List<Object[]> toRegister = new ArrayList<>();
        for (Domain.Product<?> p : domain.products()) {
            if (!(p.format() instanceof AvroProductFormat<?, ?> avro)) {
                continue;
            }
            String subject = p.topic().value() + "-value";
            Schema schema = avro.schema();
            List<String> breaks = registry.incompatibilities(subject, schema);
            if (breaks.isEmpty()) {
                toRegister.add(new Object[] {subject, schema});
            } else {
                problems.add(subject + ": " + String.join("; ", breaks) + "; way out: " + SchemaGate.wayOut(subject));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuntimeStartException("domain " + domain.name() + " not started: its schemas would break consumers: "
                    + String.join(" | ", problems));
        }
        for (Object[] r : toRegister) {
            int id = registry.register((String) r[0], (Schema) r[1]);
            log.info("Registered schema subject={} id={}", r[0], id);
        }
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            log.warn("Cannot close the class loader of {}", jar, e);
        }
    }

    /** Loads the jar's own classes first; the platform's API always from the parent. */
    static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (PLATFORM_PACKAGES.stream().anyMatch(name::startsWith)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

}
