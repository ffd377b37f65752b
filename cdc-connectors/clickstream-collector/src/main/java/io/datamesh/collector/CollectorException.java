package io.datamesh.collector;

/** A request the collector answers with a 4xx or 503 and a JSON body that says what to do. */
final class CollectorException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    CollectorException(int status, String message) {
        this(status, message, 0);
    }

    CollectorException(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    /** Seconds for the {@code Retry-After} header, or 0 for none. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
