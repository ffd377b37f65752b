package io.datamesh.sdk.dlq;

import java.util.Objects;

/**
 * A record the pipeline cannot process, with the reason a person reads in the DLQ. Thrown by the
 * SDK's processors; the platform's exception handlers turn it into a dead letter and go on.
 */
public class PoisonRecordException extends RuntimeException {

    private final Stage stage;
    private final ReasonClass reasonClass;
    private final String reason;

    public PoisonRecordException(Stage stage, String reason) {
        this(stage, reason, null);
    }

    public PoisonRecordException(Stage stage, String reason, Throwable cause) {
        this(stage, ReasonClass.of(stage), reason, cause);
    }

    public PoisonRecordException(Stage stage, ReasonClass reasonClass, String reason) {
        this(stage, reasonClass, reason, null);
    }

    public PoisonRecordException(Stage stage, ReasonClass reasonClass, String reason, Throwable cause) {
        super(stage.tag() + ": " + reason, cause);
        this.stage = Objects.requireNonNull(stage, "stage");
        this.reasonClass = Objects.requireNonNull(reasonClass, "reasonClass");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Where it was rejected. */
    public Stage stage() {
        return stage;
    }

    /** The reason's class, for metrics. */
    public ReasonClass reasonClass() {
        return reasonClass;
    }

    /** Why, in one line, e.g. {@code content hash mismatch}. */
    public String reason() {
        return reason;
    }
}
