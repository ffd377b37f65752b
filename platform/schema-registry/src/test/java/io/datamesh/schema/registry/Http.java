package io.datamesh.schema.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A tiny HTTP client for the registry tests: status, content type, body as JSON. */
final class Http {

    static final String V1 = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        int errorCode() {
            return json().get("error_code").asInt();
        }

        String message() {
            return json().get("message").asText();
        }
    }

    private final String base;

    Http(String base) {
        this.base = base;
    }

    Answer get(String path) {
        return send("GET", path, null, V1, V1);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, V1, V1);
    }

    Answer post(String path, String body) {
        return send("POST", path, body, V1, V1);
    }

    Answer put(String path, String body) {
        return send("PUT", path, body, V1, V1);
    }

    Answer send(String method, String path, String body, String contentType, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (body != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code {"schema": "<schema JSON as a string>"}}. */
    static String schemaBody(String schemaJson) {
        return JSON.createObjectNode().put("schema", schemaJson).toString();
    }

    static String record(String name, String... fields) {
        StringBuilder sb = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test\",\"fields\":[");
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ",").append(fields[i]);
        }
        return sb.append("]}").toString();
    }
}
