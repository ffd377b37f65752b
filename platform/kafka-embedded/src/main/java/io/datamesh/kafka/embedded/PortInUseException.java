package io.datamesh.kafka.embedded;

/** A fixed port asked for by the configuration is already taken by another process. */
public final class PortInUseException extends IllegalStateException {

    private final int port;

    public PortInUseException(String what, String host, int port) {
        super(what + " port " + host + ":" + port + " is already in use; stop whatever listens there or choose another port");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
