package io.datamesh.runtime;

/** A domain cannot start; the message says why and what to do, in one line. */
public final class RuntimeStartException extends RuntimeException {

    public RuntimeStartException(String message) {
        super(message);
    }

    public RuntimeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
