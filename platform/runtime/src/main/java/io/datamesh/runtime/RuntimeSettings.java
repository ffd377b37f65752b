package io.datamesh.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.datamesh.sdk.DomainStreams;
import io.datamesh.topics.TopicSettings;

/**
 * What a domain runtime needs besides the domain: where Kafka is, where its state lives, and how
 * it runs. Built with {@link #builder(String, Path)}; everything else has a default.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param stateDir folder for this instance's state stores (one per instance)
 * @param topics the platform's topic settings
 * @param commitInterval exactly-once commit interval (default 100 ms: the latency of a product record)
 * @param threads stream threads of this instance
 * @param standbyReplicas standby copies of each view kept by other instances (0 = none)
 * @param maxRecordBytes largest record a product may carry; a larger one goes to the DLQ
 * @param startTimeout how long start-up and shutdown may take
 * @param applicationServer {@code host:port} this instance serves queries on, for routing
 * @param streamsOverrides any Kafka Streams setting, applied last
 * @param httpPort port of the query API, /health, /ready and /metrics (0 = a free one); empty = no HTTP server
 * @param bindHost address the HTTP server listens on (default 127.0.0.1; 0.0.0.0 in a container)
 * @param advertisedHost host the other instances reach this one on (default 127.0.0.1; the pod's IP in Kubernetes)
 */
public record RuntimeSettings(String bootstrapServers, Path stateDir, TopicSettings topics, Duration commitInterval,
                              int threads, int standbyReplicas, int maxRecordBytes, Duration startTimeout,
                              Optional<String> applicationServer, Map<String, Object> streamsOverrides, Optional<Integer> httpPort,
                              String bindHost, String advertisedHost) {

    public RuntimeSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(commitInterval, "commitInterval");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas must be at least 0, was " + standbyReplicas);
        }
        streamsOverrides = Map.copyOf(streamsOverrides);
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
    }

    public static Builder builder(String bootstrapServers, Path stateDir) {
        return new Builder(bootstrapServers, stateDir);
    }

    /** Builds {@link RuntimeSettings}. */
    public static final class Builder {
        private final String bootstrapServers;
        private final Path stateDir;
        private TopicSettings topics = TopicSettings.defaults();
        private Duration commitInterval = Duration.ofMillis(100);
        private int threads = 1;
        private int standbyReplicas;
        private int maxRecordBytes = DomainStreams.DEFAULT_MAX_RECORD_BYTES;
        private Duration startTimeout = Duration.ofSeconds(60);
        private String applicationServer;
        private Map<String, Object> overrides = Map.of();
        private Integer httpPort;
        private String bindHost = "127.0.0.1";
        private String advertisedHost = "127.0.0.1";

        private Builder(String bootstrapServers, Path stateDir) {
            this.bootstrapServers = bootstrapServers;
            this.stateDir = stateDir;
        }

        public Builder topics(TopicSettings topics) {
            this.topics = topics;
            return this;
        }

        public Builder commitInterval(Duration interval) {
            this.commitInterval = interval;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder standbyReplicas(int replicas) {
            this.standbyReplicas = replicas;
            return this;
        }

        public Builder maxRecordBytes(int bytes) {
            this.maxRecordBytes = bytes;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder applicationServer(String hostPort) {
            this.applicationServer = hostPort;
            return this;
        }

        public Builder streamsOverrides(Map<String, Object> overrides) {
            this.overrides = overrides;
            return this;
        }

        /** Serves the query API, /health, /ready and /metrics on {@code port} (0 = a free port). */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** The address the HTTP server listens on, e.g. 0.0.0.0 in a container. */
        public Builder bindHost(String host) {
            this.bindHost = host;
            return this;
        }

        /** The host other instances forward queries to, e.g. the pod's IP. */
        public Builder advertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        public RuntimeSettings build() {
            return new RuntimeSettings(bootstrapServers, stateDir, topics, commitInterval, threads, standbyReplicas,
                    maxRecordBytes, startTimeout, Optional.ofNullable(applicationServer), overrides, Optional.ofNullable(httpPort),
                    bindHost, advertisedHost);
        }
    }
}
