package io.datamesh.cdc.debezium;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import io.datamesh.cdc.debezium.CaptureException.Reason;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.ProvisionReport;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import io.datamesh.topics.TopicProvisioner;
import io.datamesh.topics.TopicSpec;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One domain database captured into the domain's raw topics by Debezium's embedded async engine and
 * its MariaDB connector (no Kafka Connect cluster): snapshot, then binlog.
 *
 * <p>{@link #start(CaptureConfig)} creates the domain's raw topics and the capture's state topics by
 * the platform's conventions, checks the database (see {@link SourceChecks}) and what is stored in
 * Kafka, and only then starts the engine:
 * <ul>
 *   <li>nothing stored: the initial snapshot of every table, then the binlog;</li>
 *   <li>an offset stored: the binlog from there (an initial snapshot that had not finished starts over,
 *       numbering its reads the same way, see {@link RawRecords});</li>
 *   <li>an offset in a binlog the server has purged, offsets lost while the schema history is there, or
 *       the history lost while an offset is there: a {@link CaptureException} that says what happened and
 *       the command that re-snapshots on purpose ({@link #resnapshot}). Never a silent second snapshot.</li>
 * </ul>
 * Raw records go out through an idempotent producer with {@code acks=all}; Debezium's offset of a record
 * is committed only after Kafka acknowledged it and every record before it (at least once: after a crash
 * Debezium sends again what it had not committed, and the domains' replay guard drops what they have).
 * Offsets and schema history live in Kafka ({@code <domain>.cdc.offsets}, {@code <domain>.cdc.schema-history}).
 * Incremental snapshots are asked for with {@link #requestSnapshot}, through {@code <domain>.cdc.signals}.
 */
public final class Capture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);
    private static final Pattern PURGED = Pattern.compile("(?i)no longer available on the server|binlog.*purged|purged.*binlog");

    private final CaptureConfig config;
    private final Clock clock;
    private final Duration startTimeout;
    private final DebeziumJmx jmx;
    private final SnapshotTracker snapshots;
    private final SourceChecks checks;
    private final Map<String, Long> rowCounts = new ConcurrentHashMap<>();
    private final AtomicReference<Headroom> headroom = new AtomicReference<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private volatile CaptureStatus.State state = CaptureStatus.State.STARTING;
    private volatile Instant since;
    private volatile String error;
    private volatile boolean taskRunning;
    private volatile boolean everConnected;
    private volatile boolean closing;
    private volatile SourcePosition lastPosition;
    private volatile Instant lastRecordedAt;
    /** Binlog file and position of the last offset handed to Debezium's committer: the stored offset, within a commit interval. */
    private volatile String storedFile;
    private volatile long storedPosition;
    private int epoch;
    /** Whether the capture's note says its initial snapshot is done (it streams); written once. */
    private volatile boolean initialDone;

    private KafkaProducer<byte[], byte[]> producer;
    private PrometheusMeterRegistry registry;
    private CaptureMetrics metrics;
    private CaptureHttp http;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService engineThread;
    private ScheduledExecutorService monitor;

    private Capture(CaptureConfig config, Clock clock, Duration startTimeout) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = clock;
        this.startTimeout = startTimeout;
        this.jmx = new DebeziumJmx(config.serverName());
        this.snapshots = new SnapshotTracker(config.database(), config.tables());
        this.checks = new SourceChecks(config);
        this.since = clock.instant();
    }

    /** Starts a capture of {@code config} with the defaults: see {@link #builder(CaptureConfig)}. */
    public static Capture start(CaptureConfig config) {
        return builder(config).build().start();
    }

    /** A builder: the config is required; the clock and the start timeout have defaults. */
    public static Builder builder(CaptureConfig config) {
        return new Builder(config);
    }

    /**
     * Provisions the topics, checks the database and the stored state, starts the engine and returns
     * once Debezium's task runs.
     *
     * @throws CaptureException when the capture must not run, saying why and what to do
     * @throws org.apache.kafka.common.config.ConfigException when a setting is refused by Debezium
     */
    public synchronized Capture start() {
        if (engine != null) {
            throw new IllegalStateException("capture " + config.serverName() + " already started");
        }
        long began = System.nanoTime();
        provisionTopics();
        SourceChecks.Facts facts = checks.run();
        StoredState stored = StoredState.read(config);
        refuseUnsafeStart(stored, facts);
        epoch = stored.epoch();
        initialDone = "done".equals(stored.initial()) || stored.offset().isPresent() && !stored.snapshotUnfinished();
        Map<String, Object> offset = stored.offset().orElse(Map.of());
        storedFile = (String) offset.get("file");
        storedPosition = offset.get("pos") == null ? 0 : ((Number) offset.get("pos")).longValue();
        if (storedFile != null) {
            headroom.set(Headroom.of(facts.binlogs(), storedFile, storedPosition));
        }
        String run = (String) offset.get(RawRecords.OFFSET_RUN);
        long runRecords = offset.get(RawRecords.OFFSET_RUN_RECORDS) == null ? 0 : ((Number) offset.get(RawRecords.OFFSET_RUN_RECORDS)).longValue();
        RawRecords records = new RawRecords(config, epoch, run, runRecords);
        producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        if (stored.offset().isEmpty()) {
            note("started");
        } else if (stored.snapshotUnfinished()) {
            log.warn("Capture {} of domain {}: its initial snapshot did not finish; it is read again, under the same positions, so "
                    + "the domains drop what they have. A row deleted or changed since it was first read keeps the version they have "
                    + "until its next change", config.serverName(), config.domain());
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new CaptureMetrics(registry, config, jmx, headroom::get, () -> state);
        try {
            if (config.httpPort() >= 0) {
                http = CaptureHttp.start(config.httpHost(), config.httpPort(), this, metrics);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("capture " + config.serverName() + ": cannot serve HTTP on "
                    + config.httpHost() + ":" + config.httpPort() + ": " + e.getMessage(), e);
        }
        CountDownLatch started = new CountDownLatch(1);
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(engineProperties(facts))
                .notifying(new Delivery(records))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        taskRunning = true;
                        jmx.subscribe(snapshots::notified);
                        started.countDown();
                    }

                    @Override
                    public void taskStopped() {
                        taskRunning = false;
                    }
                })
                .using((success, message, failure) -> finished(success, message, failure, started))
                .build();
        engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-engine-" + config.domain()));
        engineThread.execute(engine);
        try {
            if (!started.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new CaptureException(Reason.ENGINE_FAILED, "capture " + config.serverName() + ": Debezium's task did not start within "
                        + startTimeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting capture " + config.serverName(), e);
        }
        if (terminated.isCompletedExceptionally()) {
            Throwable cause = terminated.handle((v, t) -> t).join();
            close();
            throw cause instanceof CaptureException ce ? ce : new CaptureException(Reason.ENGINE_FAILED, String.valueOf(cause.getMessage()), cause);
        }
        monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-monitor-" + config.domain());
            t.setDaemon(true);
            return t;
        });
        monitor.scheduleWithFixedDelay(this::measureHeadroom, config.timings().headroomInterval().toMillis(),
                config.timings().headroomInterval().toMillis(), TimeUnit.MILLISECONDS);
        monitor.scheduleWithFixedDelay(this::status, 1, 1, TimeUnit.SECONDS);
        log.info("Capture started domain={} server={} epoch={} database={} tables={} resumeFrom={} http={} startedInMs={}",
                config.domain(), config.serverName(), epoch, config.database(), config.tables(),
                storedFile == null ? "snapshot" : storedFile + ":" + storedPosition, httpUrl().orElse("none"),
                (System.nanoTime() - began) / 1_000_000);
        return this;
    }

    /** The configuration it runs with. */
    public CaptureConfig config() {
        return config;
    }

    /** {@code http://host:port} of {@code /health}, {@code /ready}, {@code /metrics} and {@code /status}, when served. */
    public Optional<String> httpUrl() {
        CaptureHttp h = http;
        return h == null ? Optional.empty() : Optional.of("http://" + config.httpHost() + ":" + h.port());
    }

    /** Completes when the capture stops: normally after {@link #close()}, exceptionally when it failed. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** What the capture does now. */
    public CaptureStatus status() {
        CaptureStatus.State now = currentState();
        synchronized (this) {
            if (now != state) {
                log.info("Capture state domain={} server={} from={} to={}{}", config.domain(), config.serverName(), state, now,
                        error == null ? "" : " reason=" + error);
                state = now;
                since = clock.instant();
            }
        }
        return new CaptureStatus(config.domain(), config.serverName(), epoch, now, since, lastPosition, lastRecordedAt,
                jmx.millisBehindSource().orElse(null), headroom.get(), metrics == null ? Map.of() : metrics.perTable(),
                snapshots.initial(this::rowCount), snapshots.incremental(this::rowCount), error);
    }

    /** Why a capture in this status is not ready (empty: ready). */
    static List<String> notReady(CaptureStatus s) {
        return switch (s.state()) {
            case STREAMING, SNAPSHOTTING -> List.of();
            case STARTING -> List.of("starting");
            case RECONNECTING -> List.of("the database is unreachable; retrying" + (s.error() == null ? "" : ": " + s.error()));
            case FAILED -> List.of("failed: " + s.error());
            case STOPPED -> List.of("stopped");
        };
    }

    private CaptureStatus.State currentState() {
        if (terminated.isCompletedExceptionally()) {
            return CaptureStatus.State.FAILED;
        }
        if (closing || terminated.isDone()) {
            return CaptureStatus.State.STOPPED;
        }
        if (!taskRunning && !everConnected) {
            return CaptureStatus.State.STARTING;
        }
        Optional<DebeziumJmx.Snapshot> s = jmx.snapshot();
        s.ifPresent(snapshots::debeziumSnapshot);
        CaptureStatus.SnapshotProgress initial = snapshots.initial(t -> -1);
        boolean initialRunning = initial != null && "RUNNING".equals(initial.state())
                || s.map(x -> x.running() && !snapshots.incrementalRunning()).orElse(false) && !everConnected;
        if (initialRunning) {
            return CaptureStatus.State.SNAPSHOTTING;
        }
        Optional<Boolean> connected = jmx.connected();
        if (connected.orElse(false)) {
            everConnected = true;
            return CaptureStatus.State.STREAMING;
        }
        return everConnected ? CaptureStatus.State.RECONNECTING : CaptureStatus.State.STARTING;
    }

    private long rowCount(String table) {
        if (table == null) {
            return -1;
        }
        return rowCounts.computeIfAbsent(table, checks::rowCount);
    }

    /** Stops the engine (Debezium commits the offset of what Kafka acknowledged), then HTTP and the producer. */
    @Override
    public void close() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> e;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            e = engine;
        }
        if (monitor != null) {
            monitor.shutdownNow();
        }
        if (e != null) {
            try {
                e.close();
            } catch (IOException ex) {
                log.warn("Debezium engine of {} did not close cleanly: {}", config.serverName(), ex.getMessage());
            }
        }
        if (engineThread != null) {
            engineThread.shutdown();
            try {
                if (!engineThread.awaitTermination(60, TimeUnit.SECONDS)) {
                    log.warn("Debezium engine of {} still running 60 s after close; interrupting it", config.serverName());
                    engineThread.shutdownNow();
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        jmx.unsubscribe();
        if (http != null) {
            http.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
        if (registry != null) {
            registry.close();
        }
        terminated.complete(null);
        log.info("Capture stopped domain={} server={} position={}", config.domain(), config.serverName(), lastPosition);
    }

    private void finished(boolean success, String message, Throwable failure, CountDownLatch started) {
        if (!success && !closing) {
            CaptureException e = explain(message, failure);
            error = e.getMessage();
            log.error("Capture failed domain={} server={} reason={} message={}", config.domain(), config.serverName(), e.reason(), e.getMessage(), failure);
            terminated.completeExceptionally(e);
        } else {
            terminated.complete(null);
        }
        started.countDown();
    }

    /** Debezium's failure in the capture's words. */
    private CaptureException explain(String message, Throwable failure) {
        StringBuilder all = new StringBuilder(String.valueOf(message));
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CaptureException ce) {
                return ce;
            }
            all.append(" | ").append(t.getMessage());
        }
        String text = all.toString();
        if (PURGED.matcher(text).find()) {
            return purged(storedFile == null ? "?" : storedFile, storedPosition, text);
        }
        if (text.contains("history topic") || text.contains("schema history")) {
            return new CaptureException(Reason.HISTORY_LOST, "capture " + config.serverName() + " of domain " + config.domain()
                    + " cannot read its schema history " + TopicNames.cdcSchemaHistory(config.domain()).value() + ": " + text
                    + "; re-snapshot on purpose with: " + CaptureException.resnapshotCommand(config.domain()), failure);
        }
        if (text.contains("Access denied") || text.contains("command denied")) {
            return new CaptureException(Reason.ACCESS_DENIED, "capture " + config.serverName() + ": the database refused user '"
                    + config.user() + "': " + text + "; grant it " + CaptureGrants.grants(config.database()), failure);
        }
        return new CaptureException(Reason.ENGINE_FAILED, "capture " + config.serverName() + " stopped: " + text, failure);
    }

    private CaptureException purged(String file, long position, String detail) {
        return new CaptureException(Reason.BINLOG_PURGED, "capture " + config.serverName() + " of domain " + config.domain()
                + " stopped: its stored offset is " + file + ":" + position + ", but the server no longer has that binlog "
                + "(purged or expired" + (detail == null ? "" : "; " + detail) + "), so the changes since then are lost to it. "
                + "It does not re-snapshot by itself; re-snapshot on purpose with: " + CaptureException.resnapshotCommand(config.domain())
                + " (the domain then reads every row again as a new stream, and its replay guard keeps what it has)");
    }

    private void refuseUnsafeStart(StoredState stored, SourceChecks.Facts facts) {
        String offsets = TopicNames.cdcOffsets(config.domain()).value();
        String history = TopicNames.cdcSchemaHistory(config.domain()).value();
        if (stored.offset().isEmpty() && stored.historyRecords() > 0 && "started".equals(stored.initial())) {
            log.warn("Capture {} of domain {}: its initial snapshot (epoch {}) stopped before Debezium stored an offset; "
                    + "it is read again, under the same positions", config.serverName(), config.domain(), stored.epoch());
            return;
        }
        if (stored.offset().isEmpty() && stored.historyRecords() > 0) {
            throw new CaptureException(Reason.OFFSETS_LOST, "capture " + config.serverName() + " of domain " + config.domain()
                    + " stopped: " + offsets + " has no offset for it, but " + history + " holds " + stored.historyRecords()
                    + " records, so it ran before and its offsets were lost (deleted or expired topic, or a renamed server). "
                    + "Starting now would snapshot every table again without being asked to; re-snapshot on purpose with: "
                    + CaptureException.resnapshotCommand(config.domain()));
        }
        if (stored.offset().isPresent() && stored.historyRecords() == 0) {
            throw new CaptureException(Reason.HISTORY_LOST, "capture " + config.serverName() + " of domain " + config.domain()
                    + " stopped: it has an offset (" + stored.binlogFile().orElse("?") + ":" + stored.binlogPosition().orElse(0L)
                    + ") but its schema history " + history + " is empty, so it cannot read the binlog's rows; "
                    + "re-snapshot on purpose with: " + CaptureException.resnapshotCommand(config.domain()));
        }
        if (stored.offset().isPresent() && !stored.snapshotUnfinished()) {
            String file = stored.binlogFile().orElse("");
            Headroom h = Headroom.of(facts.binlogs(), file, stored.binlogPosition().orElse(0L));
            if (!h.available()) {
                throw purged(file, stored.binlogPosition().orElse(0L), "the oldest binlog there is " + h.oldestFile());
            }
        }
    }

    private void provisionTopics() {
        List<TopicSpec> specs = new ArrayList<>();
        for (TopicName.Raw raw : config.rawTopics().values()) {
            specs.add(TopicSpec.of(raw, config.topicSettings()));
        }
        specs.add(TopicSpec.of(TopicNames.cdcOffsets(config.domain()), config.topicSettings()));
        specs.add(TopicSpec.of(TopicNames.cdcSchemaHistory(config.domain()), config.topicSettings()));
        specs.add(TopicSpec.of(TopicNames.cdcSignals(config.domain()), config.topicSettings()));
        try (Admin admin = admin(config)) {
            ProvisionReport report = new TopicProvisioner(admin, 30_000).ensure(specs);
            log.info("Capture topics domain={} created={} existing={} drifts={}", config.domain(), report.created(),
                    report.unchanged(), report.drifts());
        }
    }

    /** Writes the capture's note on its initial snapshot (see {@link StoredState#initialNote}). */
    private void note(String initial) {
        try {
            producer.send(StoredState.initialNote(config, epoch, initial)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("capture " + config.serverName() + ": cannot write its note to "
                    + TopicNames.cdcOffsets(config.domain()).value() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the note of capture " + config.serverName(), e);
        }
    }

    private void measureHeadroom() {
        String file = storedFile;
        if (file == null) {
            return;
        }
        try {
            Headroom h = Headroom.of(checks.binlogs(), file, storedPosition);
            headroom.set(h);
            if (!h.available()) {
                log.warn("Binlog of the stored offset is gone domain={} stored={} oldest={}: the capture cannot resume after a restart",
                        config.domain(), file, h.oldestFile());
            }
        } catch (CaptureException e) {
            log.debug("Cannot measure the binlog headroom of {}: {}", config.serverName(), e.getMessage());
        }
    }

    private Properties engineProperties(SourceChecks.Facts facts) {
        Properties p = new Properties();
        String db = config.database();
        p.setProperty("name", StoredState.engineName(config));
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("topic.prefix", config.serverName());
        p.setProperty("database.hostname", config.host());
        p.setProperty("database.port", String.valueOf(config.port()));
        p.setProperty("database.user", config.user());
        p.setProperty("database.password", config.password());
        p.setProperty("database.server.id", String.valueOf(config.replicaServerId()));
        p.setProperty("database.include.list", Pattern.quote(db));
        rowsAsRaw(p, config);
        // Snapshot, then binlog; an offset whose binlog is gone fails instead of snapshotting again.
        p.setProperty("snapshot.mode", "initial");
        // Each table read in primary-key order, so that a snapshot read again numbers its rows the same way.
        List<String> qualified = new ArrayList<>();
        for (Map.Entry<String, List<String>> t : facts.primaryKeys().entrySet()) {
            String name = db + "." + t.getKey();
            qualified.add(name);
            p.setProperty("snapshot.select.statement.overrides." + name, "SELECT * FROM `" + db + "`.`" + t.getKey() + "` ORDER BY "
                    + String.join(", ", t.getValue().stream().map(c -> "`" + c + "`").toList()));
        }
        p.setProperty("snapshot.select.statement.overrides", String.join(",", qualified));
        // Offsets and schema history in Kafka, in the topics the platform created.
        p.setProperty("offset.storage", KafkaOffsetStore.class.getName());
        p.setProperty("offset.storage.topic", TopicNames.cdcOffsets(config.domain()).value());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", String.valueOf(config.topicSettings().replicationFactor()));
        p.setProperty("offset.flush.interval.ms", String.valueOf(config.timings().offsetsCommitInterval().toMillis()));
        p.setProperty("offset.flush.timeout.ms", "30000");
        p.setProperty("bootstrap.servers", config.bootstrapServers());
        p.setProperty("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
        p.setProperty("schema.history.internal.kafka.topic", TopicNames.cdcSchemaHistory(config.domain()).value());
        p.setProperty("schema.history.internal.kafka.bootstrap.servers", config.bootstrapServers());
        p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("include.schema.changes", "false");
        // Incremental snapshots on demand: signals through Kafka, watermarks from GTIDs (no signalling table to write).
        p.setProperty("signal.enabled.channels", "kafka");
        p.setProperty("signal.kafka.topic", TopicNames.cdcSignals(config.domain()).value());
        p.setProperty("signal.kafka.bootstrap.servers", config.bootstrapServers());
        p.setProperty("signal.kafka.groupId", config.domain() + ".cdc-signals");
        p.setProperty("signal.poll.interval.ms", "1000");
        p.setProperty("read.only", "true");
        p.setProperty("incremental.snapshot.chunk.size", String.valueOf(config.timings().incrementalChunkSize()));
        p.setProperty("notification.enabled.channels", "jmx");
        // Faults: reconnect to the binlog quickly, restart a failed task with backoff, forever.
        p.setProperty("connect.keep.alive.interval.ms", String.valueOf(config.timings().reconnectInterval().toMillis()));
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("errors.retry.delay.initial.ms", String.valueOf(config.timings().retryDelayInitial().toMillis()));
        p.setProperty("errors.retry.delay.max.ms", String.valueOf(config.timings().retryDelayMax().toMillis()));
        p.setProperty("retriable.restart.connector.wait.ms", String.valueOf(config.timings().retryDelayInitial().toMillis()));
        p.setProperty("heartbeat.interval.ms", String.valueOf(config.timings().heartbeatInterval().toMillis()));
        p.setProperty("poll.interval.ms", String.valueOf(config.timings().pollInterval().toMillis()));
        config.debeziumOptions().forEach(p::setProperty);
        return p;
    }

    /**
     * Which rows are read and how their values are written: the tables and columns captured, and the
     * value formats the raw format reads. Shared with {@link TableRead}, so that an audit reads a row
     * exactly as the capture does.
     */
    static void rowsAsRaw(Properties p, CaptureConfig config) {
        String db = config.database();
        List<String> tables = config.tables().stream().map(t -> Pattern.quote(db + "." + t)).toList();
        p.setProperty("table.include.list", String.join(",", tables));
        if (!config.excludedColumns().isEmpty()) {
            p.setProperty("column.exclude.list", String.join(",", config.excludedColumns().stream().map(c -> Pattern.quote(db + "." + c)).toList()));
        }
        // Values as the raw format reads them: amounts as text ("8.50"), DATETIME and TIMESTAMP as instants
        // (epoch milliseconds and ISO-8601 text), DATE as ISO text, TINYINT(1) as 0/1, BIGINT UNSIGNED exact.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "connect");
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        p.setProperty("converters", "isodate");
        p.setProperty("isodate.type", IsoDateConverter.class.getName());
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.domain() + ".cdc-" + config.serverName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // The raw topics may have been created a moment ago: one request in flight (KAFKA-15591, see EmbeddedKafka).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        return p;
    }

    static Admin admin(CaptureConfig config) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
    }

    /**
     * Re-snapshots on purpose, what the error of a purged binlog or lost offsets asks for: forgets the
     * capture's offset and schema history and moves it to the next epoch, so that its next start
     * snapshots every table again as a new stream ({@code <server>@<epoch>}) that the domains' replay
     * guards do not mistake for the old one. The capture must be stopped.
     *
     * @param why said in the log and stored with the epoch
     * @return the new epoch
     */
    public static int resnapshot(CaptureConfig config, String why) {
        try (Admin admin = admin(config)) {
            new TopicProvisioner(admin, 30_000).ensure(List.of(
                    TopicSpec.of(TopicNames.cdcOffsets(config.domain()), config.topicSettings()),
                    TopicSpec.of(TopicNames.cdcSchemaHistory(config.domain()), config.topicSettings()),
                    TopicSpec.of(TopicNames.cdcSignals(config.domain()), config.topicSettings())));
            int epoch = StoredState.reset(config, admin, why);
            log.warn("Capture reset on purpose domain={} server={} epoch={} reason={}: its next start snapshots every table as stream {}",
                    config.domain(), config.serverName(), epoch, why, RawRecords.streamSource(config.serverName(), epoch));
            return epoch;
        }
    }

    /** What the capture of {@code config} has stored in Kafka (it may run or not). */
    public static StoredOffset stored(CaptureConfig config) {
        StoredState s = StoredState.read(config);
        return new StoredOffset(s.epoch(), s.binlogFile().orElse(null), s.binlogPosition().orElse(0L),
                s.offset().map(o -> (String) o.get("gtids")).orElse(null), s.snapshotUnfinished(), s.historyRecords());
    }

    /**
     * Asks the running capture of {@code config} for an incremental snapshot of some of its tables, through
     * its signals topic; the capture reads them again in chunks while it streams. Follow it in
     * {@link CaptureStatus#incrementalSnapshots()} under the returned id.
     *
     * @return the snapshot's id (its reads' source is {@code <server>[@epoch]/snapshot-<id>})
     */
    public static String requestSnapshot(CaptureConfig config, List<String> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("name at least one table of " + config.tables());
        }
        for (String t : tables) {
            if (!config.tables().contains(t)) {
                throw new IllegalArgumentException("table " + t + " is not captured by " + config.serverName() + "; captured: " + config.tables());
            }
        }
        String id = "i" + Instant.now().toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 4);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data-collections", tables.stream().map(t -> config.database() + "." + t).toList());
        data.put("type", "incremental");
        Map<String, Object> signal = new LinkedHashMap<>();
        signal.put("id", id);
        signal.put("type", "execute-snapshot");
        signal.put("data", data);
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(TopicNames.cdcSignals(config.domain()).value(), 0, config.serverName(),
                    StoredState.JSON.writeValueAsString(signal))).get(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the snapshot signal: " + e.getMessage(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send the snapshot signal to " + TopicNames.cdcSignals(config.domain()).value()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the snapshot signal", e);
        }
        log.info("Incremental snapshot requested domain={} server={} id={} tables={}", config.domain(), config.serverName(), id, tables);
        return id;
    }

    /**
     * Debezium's batches to Kafka: every raw record of a batch is sent, then every acknowledgement
     * awaited, and only then is each record's offset handed to Debezium's committer, in order. A
     * record Kafka refuses fails the engine before any later offset is committed: nothing is skipped.
     */
    private final class Delivery implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

        private final RawRecords records;

        Delivery(RawRecords records) {
            this.records = records;
        }

        private record Sent(RecordChangeEvent<SourceRecord> event, RawRecords.Raw raw, Future<RecordMetadata> ack,
                            Map<String, Object> offset) {
        }

        @Override
        public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
            List<Sent> sent = new ArrayList<>(batch.size());
            for (RecordChangeEvent<SourceRecord> event : batch) {
                SourceRecord r = event.record();
                RawRecords.Raw raw = records.map(r);
                sent.add(new Sent(event, raw, raw == null ? null : producer.send(raw.record()), records.offsetOf(r)));
            }
            for (Sent s : sent) {
                if (s.ack() != null) {
                    try {
                        s.ack().get();
                    } catch (ExecutionException e) {
                        throw new ConnectException("Kafka refused the raw record of " + config.database() + "." + s.raw().table()
                                + " at " + s.raw().position() + " for topic " + s.raw().record().topic() + ": " + e.getCause().getMessage()
                                + "; its offset and every later one stay uncommitted", e.getCause());
                    }
                    long now = clock.millis();
                    metrics.acknowledged(s.raw(), now);
                    if (s.raw().snapshot()) {
                        String source = s.raw().position().source();
                        snapshots.read(source.substring(source.lastIndexOf("/snapshot-") + "/snapshot-".length()), s.raw().table());
                    } else {
                        snapshots.changed();
                    }
                    lastPosition = s.raw().position();
                    lastRecordedAt = s.raw().recordedAt();
                }
                snapshots.passed(s.offset().get(RawRecords.INCREMENTAL_ID));
                DebeziumEngine.Offsets offsets = committer.buildOffsets();
                s.offset().forEach(offsets::set);
                committer.markProcessed(s.event(), offsets);
                Object file = s.offset().get("file");
                if (file != null) {
                    storedFile = file.toString();
                    storedPosition = ((Number) s.offset().getOrDefault("pos", 0L)).longValue();
                    if (!initialDone && s.offset().get("snapshot") == null) {
                        // The first offset past the initial snapshot (a change or a heartbeat): it is done.
                        initialDone = true;
                        note("done");
                    }
                }
            }
            committer.markBatchFinished();
        }
    }

    /** Builds a {@link Capture}. */
    public static final class Builder {
        private final CaptureConfig config;
        private Clock clock = Clock.systemUTC();
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder(CaptureConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The clock of latencies and state times (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link Capture#start()} waits for Debezium's task to start (default 120 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Capture build() {
            return new Capture(config, clock, startTimeout);
        }
    }
}
