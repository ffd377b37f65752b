package io.datamesh.build;

import java.util.List;

import io.datamesh.schemas.envelope.Operation;
import io.datamesh.schemas.envelope.Sha256;
import io.datamesh.schemas.envelope.SourcePosition;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The value schema of a product: the bitemporal envelope (DESIGN, Bitemporal records) around a team's
 * payload. A team writes only the payload; this is the one place that says what wraps it, so every
 * product's envelope is the same: {@code key}, {@code validFrom}, {@code recordedAt}, {@code operation},
 * {@code source}, {@code contentHash}, {@code payload} (null for a delete). Its shared parts (Operation,
 * SourcePosition, Sha256) are the platform's, in {@code schemas/src/main/avro/envelope}.
 */
public final class EnvelopeSchema {

    /**
     * Optional attribute of a payload schema: the doc of its envelope record. It is taken off the
     * payload, whose own schema stays as written.
     */
    public static final String DOC_ATTRIBUTE = "mesh.envelope.doc";

    /** The envelope record of payload {@code Foo} is {@code FooRecord}, in the payload's namespace. */
    public static final String SUFFIX = "Record";

    /** The namespace of the platform's shared envelope types, which a domain's build never generates. */
    public static final String SHARED_NAMESPACE = Operation.getClassSchema().getNamespace();

    /** The envelope's fields, in their order on the wire. */
    public static final List<String> FIELDS = List.of("key", "validFrom", "recordedAt", "operation", "source", "contentHash", "payload");

    private EnvelopeSchema() {
    }

    /** The envelope's doc when the payload gives none. */
    public static String defaultDoc(Schema payload) {
        return "Versions of " + payload.getName() + " in the bitemporal envelope: entity key, valid time, recorded time,"
                + " operation, source position and content hash around the payload.";
    }

    /**
     * The envelope record around {@code payload}: {@code <Payload>Record} in the payload's namespace.
     *
     * @param doc the record's doc, e.g. {@code "Product orders.product.order-lines.v1: order lines. …"}
     */
    public static Schema around(Schema payload, String doc) {
        if (payload.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("a payload is an Avro record, " + payload.getFullName() + " is a " + payload.getType());
        }
        Schema time = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        List<Schema.Field> fields = List.of(
                new Schema.Field("key", Schema.create(Schema.Type.STRING), "The entity key."),
                new Schema.Field("validFrom", time, "Business time from which this version holds."),
                new Schema.Field("recordedAt", time, "When the platform recorded it: source commit, publish or receive time."),
                new Schema.Field("operation", Operation.getClassSchema(), "Upsert, delete (end of validity) or correction."),
                new Schema.Field("source", SourcePosition.getClassSchema(), "Source position; replays of it publish nothing new."),
                new Schema.Field("contentHash", Sha256.getClassSchema(), "SHA-256 of the payload's canonical encoding."),
                new Schema.Field("payload", Schema.createUnion(Schema.create(Schema.Type.NULL), payload),
                        "The product's payload; null for a delete.", JsonProperties.NULL_VALUE));
        return Schema.createRecord(payload.getName() + SUFFIX, doc, payload.getNamespace(), false, fields);
    }
}
