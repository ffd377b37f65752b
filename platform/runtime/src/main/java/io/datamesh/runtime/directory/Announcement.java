package io.datamesh.runtime.directory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a running domain instance tells the platform about itself on {@value DomainDirectory#TOPIC}:
 * where its query API is and what it serves. Its key is {@link #key()}; an instance that stops cleanly
 * withdraws it (a tombstone), and one that dies stops renewing it ({@link #heartbeatAt}), so readers
 * see it stale.
 *
 * @param domain the domain's name
 * @param instance the instance's {@code host:port} (its {@code application.server})
 * @param url base URL of the instance's query API
 * @param owner the team that owns the domain
 * @param products the domain's product topics
 * @param views the domain's views
 * @param aggregates the domain's aggregates
 * @param startedAt when the instance started serving
 * @param heartbeatAt when the instance last said it runs
 */
public record Announcement(String domain, String instance, String url, String owner, List<String> products, List<String> views,
                           List<String> aggregates, Instant startedAt, Instant heartbeatAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Announcement {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(url, "url");
        owner = owner == null ? "unknown" : owner;
        products = List.copyOf(products);
        views = List.copyOf(views);
        aggregates = List.copyOf(aggregates);
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
    }

    /** The record key on the directory topic: one per instance. */
    public String key() {
        return key(domain, instance);
    }

    static String key(String domain, String instance) {
        return domain + "@" + instance;
    }

    /** The same announcement, renewed at {@code now}. */
    public Announcement renewed(Instant now) {
        return new Announcement(domain, instance, url, owner, products, views, aggregates, startedAt, now);
    }

    byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("domain", domain).put("instance", instance).put("url", url).put("owner", owner);
        products.forEach(n.putArray("products")::add);
        views.forEach(n.putArray("views")::add);
        aggregates.forEach(n.putArray("aggregates")::add);
        n.put("startedAt", startedAt.toString()).put("heartbeatAt", heartbeatAt.toString());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the announcement of " + key(), e);
        }
    }

    /** Reads an announcement; throws IllegalArgumentException naming what is wrong. */
    static Announcement fromJson(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new Announcement(text(n, "domain"), text(n, "instance"), text(n, "url"), n.path("owner").asText(null),
                    list(n, "products"), list(n, "views"), list(n, "aggregates"), Instant.parse(text(n, "startedAt")),
                    Instant.parse(text(n, "heartbeatAt")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a domain announcement: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return v.asText();
    }

    private static List<String> list(JsonNode n, String field) {
        return n.path(field).isArray() ? java.util.stream.StreamSupport.stream(n.path(field).spliterator(), false).map(JsonNode::asText).toList()
                : List.of();
    }
}
