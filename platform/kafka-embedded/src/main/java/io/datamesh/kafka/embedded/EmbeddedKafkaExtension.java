package io.datamesh.kafka.embedded;

import java.util.Objects;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a real {@link EmbeddedKafka} broker for a test class.
 *
 * <p>Two scopes:
 * <ul>
 *   <li>{@link #perClass()}: a broker of its own for the class, started before the first test and
 *       stopped (its data folder deleted) after the last; classes running in parallel never share one;</li>
 *   <li>{@link #perJvm()}: one broker for every class of the test JVM that asks for it, stopped when
 *       the JUnit run ends. Cheaper when many classes need a broker and each uses its own topics.</li>
 * </ul>
 * Use it as {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();}
 * or as {@code @ExtendWith(EmbeddedKafkaExtension.class)} (per class) with an {@link EmbeddedKafka} parameter.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
    private static final String SHARED_KEY = "shared-broker";

    private final boolean shared;
    private final Consumer<EmbeddedKafka.Builder> customizer;
    private EmbeddedKafka broker;

    /** For {@code @ExtendWith}: a broker per test class with the default settings. */
    public EmbeddedKafkaExtension() {
        this(false, b -> { });
    }

    private EmbeddedKafkaExtension(boolean shared, Consumer<EmbeddedKafka.Builder> customizer) {
        this.shared = shared;
        this.customizer = Objects.requireNonNull(customizer);
    }

    /** A broker of its own for the test class. */
    public static EmbeddedKafkaExtension perClass() {
        return new EmbeddedKafkaExtension(false, b -> { });
    }

    /** A broker of its own for the test class, with settings changed by {@code customizer}. */
    public static EmbeddedKafkaExtension perClass(Consumer<EmbeddedKafka.Builder> customizer) {
        return new EmbeddedKafkaExtension(false, customizer);
    }

    /** One broker shared by every class of this JVM that registers this extension. */
    public static EmbeddedKafkaExtension perJvm() {
        return new EmbeddedKafkaExtension(true, b -> { });
    }

    /** The running broker; valid from {@code @BeforeAll} on. */
    public EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException("the embedded Kafka broker starts before @BeforeAll; it is not running yet");
        }
        return broker;
    }

    /** Shortcut for {@code broker().bootstrapServers()}. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Shortcut for {@code broker().producerConfig()}. */
    public java.util.Map<String, Object> producerConfig() {
        return broker().producerConfig();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
            broker = root.getOrComputeIfAbsent(SHARED_KEY, k -> new SharedBroker(startBroker()), SharedBroker.class).broker;
        } else {
            broker = startBroker();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && broker != null) {
            broker.close();
        }
        broker = null;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker();
    }

    private EmbeddedKafka startBroker() {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        customizer.accept(builder);
        return builder.build().start();
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run in this JVM. */
    private record SharedBroker(EmbeddedKafka broker) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }
}
