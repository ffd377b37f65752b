package io.datamesh.collector;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A {@code POST /collect} body as events: undoes gzip (bounded, so a small body cannot unpack into
 * gigabytes), reads it as JSON, and takes an object as one event and an array as a batch.
 */
final class RequestBody {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestBody() {
    }

    /**
     * The events of a body.
     *
     * @throws CollectorException 415 for an encoding other than gzip, 400 for a body that is not
     *         JSON (or not gzip as it says), not an object or array, or an empty batch; 413 for a body
     *         larger than the limit once unpacked, or a batch of more events than the limit
     */
    static List<JsonNode> events(byte[] body, String contentEncoding, int maxBytes, int maxEvents) {
        byte[] json = decode(body, contentEncoding, maxBytes);
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CollectorException(400, "the body is not JSON: " + e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())
                    + "; send one event as a JSON object or a batch as a JSON array of objects");
        } catch (IOException e) {
            throw new CollectorException(400, "the body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new CollectorException(400, "the body is empty; send one event as a JSON object or a batch as a JSON array of objects");
        }
        if (root.isObject()) {
            return List.of(root);
        }
        if (!root.isArray()) {
            throw new CollectorException(400, "the body is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                    + "; send one event as a JSON object or a batch as a JSON array of objects");
        }
        if (root.isEmpty()) {
            throw new CollectorException(400, "the batch is empty; send at least one event");
        }
        if (root.size() > maxEvents) {
            throw new CollectorException(413, "the batch has " + root.size() + " events; the limit is " + maxEvents
                    + " events per request: split it");
        }
        List<JsonNode> events = new ArrayList<>(root.size());
        root.forEach(events::add);
        return events;
    }

    /** Whether the collector undoes bodies in {@code contentEncoding} (gzip, or none). */
    static boolean undoes(String contentEncoding) {
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "", "identity", "gzip", "x-gzip" -> true;
            default -> false;
        };
    }

    private static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity" -> {
                return body;
            }
            case "gzip", "x-gzip" -> {
                return gunzip(body, maxBytes);
            }
            default -> throw new CollectorException(415, "Content-Encoding " + contentEncoding + " is not accepted: send gzip, or no encoding");
        }
    }

    private static byte[] gunzip(byte[] body, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4 + 64));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new CollectorException(413, "the body is larger than " + maxBytes + " bytes once gzip is undone; the limit is "
                            + maxBytes + " bytes per request: send smaller batches");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new CollectorException(400, "the body is not gzip as Content-Encoding says: " + e.getMessage());
        }
    }
}
