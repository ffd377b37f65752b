package io.datamesh.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * objectives and readers, and its views. The runtime reads it before loading any code, refuses a
 * missing, malformed or misnamed one with the reason, and checks that the code declares the same.
 */
public record DomainManifest(String domain, String owner, String definitionClass, String applicationId,
                             List<String> rawInputs, List<String> consumedProducts, List<Output> outputs, List<String> views) {

    /** Where the manifest lives in a domain's jar. */
    public static final String PATH = "META-INF/mesh/domain.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One published product. */
    public record Output(String topic, String valueSchema, long freshnessSeconds, List<String> readers) {
    }

    public DomainManifest {
        Objects.requireNonNull(domain, "domain");
        rawInputs = List.copyOf(rawInputs);
        consumedProducts = List.copyOf(consumedProducts);
        outputs = List.copyOf(outputs);
        views = List.copyOf(views);
    }

    /** The manifest of a declaration. */
    public static DomainManifest of(Domain d, Class<?> definitionClass) {
        List<Output> outputs = new ArrayList<>();
        for (Domain.Product<?> p : d.products()) {
            String schema = p.format() instanceof AvroProductFormat<?, ?> avro ? avro.schema().toString() : null;
            outputs.add(new Output(p.topic().value(), schema, p.freshness().slo().toSeconds(), p.readers().stream().sorted().toList()));
        }
        return new DomainManifest(d.name(), d.owner(), definitionClass.getName(), d.applicationId(),
                d.raws().stream().map(r -> r.topic().value()).toList(),
                d.consumed().stream().map(c -> c.topic().value()).toList(),
                outputs,
                d.views().stream().map(Domain.View::name).toList());
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
            om.put("freshnessSeconds", o.freshnessSeconds());
            om.put("readers", o.readers());
            outs.add(om);
        }
        m.put("outputs", outs);
        m.put("views", views);
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
                    o.path("freshnessSeconds").asLong(900), readers));
        }
        DomainManifest m = new DomainManifest(domain, n.path("owner").asText("unknown"), text(n, "definitionClass", where),
                text(n, "applicationId", where), strings(n, "rawInputs", where), strings(n, "consumedProducts", where), outputs,
                strings(n, "views", where));
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
