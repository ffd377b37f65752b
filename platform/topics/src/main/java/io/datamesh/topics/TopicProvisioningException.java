package io.datamesh.topics;

/** The cluster refused or did not answer a topic operation; the message names the topic. */
public final class TopicProvisioningException extends RuntimeException {

    public TopicProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
