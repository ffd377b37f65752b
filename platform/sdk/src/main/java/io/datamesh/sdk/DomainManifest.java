package io.datamesh.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datamesh.sdk.record.AvroProductFormat;
import io.datamesh.topics.InvalidTopicNameException;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;

/**
 * What a domain's jar declares, written at build time to {@code META-INF/mesh/domain.json}: the
 * domain, its owner and definition class, its inputs, its outputs with their schemas, freshness
 * objectives and readers, its views, and the schema classes the jar carries (the envelope and payload
 * classes of what it publishes and of what it reads). The runtime reads it before loading any code,
 * refuses a missing, malformed or misnamed one with the reason, refuses a jar that lacks a class the
 * manifest names, and checks that the code declares the same.
 */
public record DomainManifest(String domain, String owner, String definitionClass, String applicationId,
                             List<String> rawInputs, List<String> consumedProducts, List<Output> outputs, List<String> views,
                             List<String> schemaClasses) {

    /** Where the manifest lives in a domain's jar. */
    public static final String PATH = "META-INF/mesh/domain.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One published product; {@code valueSchema} and {@code valueClass} (its envelope class) are null for a non-Avro format. */
    public record Output(String topic, String valueSchema, String valueClass, long freshnessSeconds, List<String> readers) {
    }

    public DomainManifest {
        Objects.requireNonNull(domain, "domain");
        rawInputs = List.copyOf(rawInputs);
        consumedProducts = List.copyOf(consumedProducts);
        outputs = List.copyOf(outputs);
        views = List.copyOf(views);
        schemaClasses = List.copyOf(schemaClasses);
    }

    /** The manifest of a declaration. */
    public static DomainManifest of(Domain d, Class<?> definitionClass) {
        List<Output> outputs = new ArrayList<>();
        Set<String> schemaClasses = new TreeSet<>();
        for (Domain.Product<?> p : d.products()) {
            AvroProductFormat<?, ?> avro = p.format() instanceof AvroProductFormat<?, ?> a ? a : null;
            outputs.add(new Output(p.topic().value(), avro == null ? null : avro.schema().toString(),
                    avro == null ? null : avro.envelopeClass().getName(), p.freshness().slo().toSeconds(), p.readers().stream().sorted().toList()));
            if (avro != null) {
                schemaClasses.add(avro.envelopeClass().getName());
                schemaClasses.add(avro.payloadClass().getName());
            }
        }
        for (Domain.Consumed<?> c : d.consumed()) {
            if (c.format() instanceof AvroProductFormat<?, ?> avro) {
                schemaClasses.add(avro.envelopeClass().getName());
                schemaClasses.add(avro.payloadClass().getName());
            }
        }
        return new DomainManifest(d.name(), d.owner(), definitionClass.getName(), d.applicationId(),
                d.raws().stream().map(r -> r.topic().value()).toList(),
                d.consumed().stream().map(c -> c.topic().value()).toList(),
                outputs,
                d.views().stream().map(Domain.View::name).toList(),
                List.copyOf(schemaClasses));
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", domain);
        m.put("owner", owner);
        m.put("definitionClass", definitionClass);
        m.put("applicationId", applicationId);
        m.put("rawInputs", rawInputs);
        m.put("consumedProducts", consumedProducts);
        List<Map<String, Object>> outs = new ArrayList<>();
        for (Output o : outputs) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("topic", o.topic());
            om.put("valueSchema", o.valueSchema());
            om.put("valueClass", o.valueClass());
            om.put("freshnessSeconds", o.freshnessSeconds());
            om.put("readers", o.readers());
            outs.add(om);
        }
        m.put("outputs", outs);
        m.put("views", views);
        m.put("schemaClasses", schemaClasses);
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads and validates a manifest: every field present, every topic named by DESIGN's rules, raw
     * inputs and outputs owned by the domain, consumed topics public products of other domains.
     *
     * @throws InvalidManifestException saying what is wrong and where
     */
    public static DomainManifest parse(InputStream in, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(in);
        } catch (IOException e) {
            throw new InvalidManifestException(where + " is not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidManifestException(where + " must be a JSON object");
        }
        String domain = text(n, "domain", where);
        List<Output> outputs = new ArrayList<>();
        for (JsonNode o : array(n, "outputs", where)) {
            List<String> readers = new ArrayList<>();
            o.path("readers").forEach(r -> readers.add(r.asText()));
            outputs.add(new Output(text(o, "topic", where), o.hasNonNull("valueSchema") ? o.get("valueSchema").asText() : null,
                    o.hasNonNull("valueClass") ? o.get("valueClass").asText() : null, o.path("freshnessSeconds").asLong(900), readers));
        }
        DomainManifest m = new DomainManifest(domain, n.path("owner").asText("unknown"), text(n, "definitionClass", where),
                text(n, "applicationId", where), strings(n, "rawInputs", where), strings(n, "consumedProducts", where), outputs,
                strings(n, "views", where), n.has("schemaClasses") ? strings(n, "schemaClasses", where) : List.of());
        m.validate(where);
        return m;
    }

    private void validate(String where) {
        try {
            TopicNames.deadLetters(domain);
            if (!applicationId.startsWith(domain + ".")) {
                throw new InvalidManifestException(where + ": application id " + applicationId + " must be <domain>.<app>, e.g. " + domain + ".pipeline");
            }
            for (String raw : rawInputs) {
                TopicName t = TopicNames.parse(raw);
                if (!(t instanceof TopicName.Raw) || !t.domain().equals(domain)) {
                    throw new InvalidManifestException(where + ": raw input " + raw + " is not a raw topic of domain " + domain
                            + " (a domain reads only its own raw topics, e.g. " + domain + ".raw.<name>)");
                }
            }
            for (Output o : outputs) {
                TopicName t = TopicNames.parse(o.topic());
                if (!(t instanceof TopicName.Product) || !t.domain().equals(domain)) {
                    throw new InvalidManifestException(where + ": output " + o.topic() + " is not a product of domain " + domain
                            + " (a domain publishes only its own products, e.g. " + domain + ".product.<name>.v1)");
                }
            }
            for (String c : consumedProducts) {
                TopicName t = TopicNames.parse(c);
                if (!(t instanceof TopicName.Product)) {
                    throw new InvalidManifestException(where + ": input " + c + " is not a public product");
                }
            }
        } catch (InvalidTopicNameException e) {
            throw new InvalidManifestException(where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidManifestException(where + " lacks the field \"" + field + "\"");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new InvalidManifestException(where + " lacks the list \"" + field + "\"");
        }
        return v;
    }

    private static List<String> strings(JsonNode n, String field, String where) {
        List<String> out = new ArrayList<>();
        array(n, field, where).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** A manifest that cannot be used; the message says what and where. */
    public static final class InvalidManifestException extends RuntimeException {
        public InvalidManifestException(String message) {
            super(message);
        }
    }
}
