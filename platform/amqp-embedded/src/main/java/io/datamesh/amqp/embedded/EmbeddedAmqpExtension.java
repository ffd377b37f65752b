package io.datamesh.amqp.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs an {@link EmbeddedAmqpBroker} of its own for a test class, on a free
 * port, started before the first test and stopped after the last:
 * {@code @RegisterExtension static final EmbeddedAmqpExtension AMQP = new EmbeddedAmqpExtension();}
 */
public final class EmbeddedAmqpExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedAmqpBroker broker;

    /** The running broker; valid from {@code @BeforeAll} on. */
    public EmbeddedAmqpBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the embedded AMQP broker starts before @BeforeAll; it is not running yet");
        }
        return broker;
    }

    /** Shortcut for {@code broker().amqpUri()}. */
    public String amqpUri() {
        return broker().amqpUri();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedAmqpBroker.builder().build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
