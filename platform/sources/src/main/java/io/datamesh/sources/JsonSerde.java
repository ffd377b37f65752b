package io.datamesh.sources;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * JSON raw records (Debezium change events, bus messages, clicks) as Jackson trees. Bytes that are
 * not JSON fail to deserialize, so the record goes to the DLQ with the parser's reason.
 */
public final class JsonSerde {

    /** Also {@link ChangeEvent}'s: nested column values are read as trees with it. */
    static final ObjectMapper JSON = new ObjectMapper();
    /** Resolved once: {@code ObjectMapper.readTree} looks the tree type and its deserializer up on every call. */
    private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);

    private JsonSerde() {
    }

    public static Serde<JsonNode> tree() {
        return Serdes.serdeFrom((topic, node) -> {
            try {
                return node == null ? null : JSON.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new SerializationException("cannot write JSON to " + topic, e);
            }
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                JsonNode node = TREE.readTree(bytes);
                if (node == null || node.isMissingNode()) {
                    throw new SerializationException("record of " + topic + " is empty, not JSON");
                }
                return node;
            } catch (IOException e) {
                throw new SerializationException("record of " + topic + " is not JSON: " + e.getMessage(), e);
            }
        });
    }

    /**
     * JSON objects with typed getters ({@link JsonRecord}); bytes that are not a JSON object fail to
     * deserialize with the reason, so the record goes to the DLQ.
     */
    public static Serde<JsonRecord> record() {
        Serde<JsonNode> tree = tree();
        return Serdes.serdeFrom((topic, record) -> record == null ? null : tree.serializer().serialize(topic, record.node()),
                (topic, bytes) -> {
                    JsonNode node = tree.deserializer().deserialize(topic, bytes);
                    if (node == null) {
                        return null;
                    }
                    if (!(node instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) {
                        throw new SerializationException("record of " + topic + " is JSON but not an object: " + node.getNodeType());
                    }
                    return new JsonRecord(object);
                });
    }
}
