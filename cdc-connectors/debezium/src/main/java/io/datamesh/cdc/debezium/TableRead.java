package io.datamesh.cdc.debezium;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Every row now in a capture's tables, as the raw records of snapshot reads ({@code op} {@code r}),
 * exactly as the capture writes them: a one-off Debezium snapshot with the capture's own table,
 * column and value settings ({@link Capture#rowsAsRaw}), offsets and schema history in memory, no
 * lock on the tables (a consistent read per table), nothing written anywhere and no binlog read.
 * What {@code mesh audit} runs a domain's mapping on, to hold the source against the product.
 */
public final class TableRead {

    private TableRead() {
    }

    /**
     * The rows of every table of {@code config}, in primary-key order per table.
     *
     * @throws CaptureException when the database cannot be read within {@code timeout}
     */
    public static List<ProducerRecord<byte[], byte[]>> rows(CaptureConfig config, Duration timeout) {
        String prefix = config.serverName() + "-audit";
        Properties p = new Properties();
        p.setProperty("name", config.domain() + "-audit-read");
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("topic.prefix", prefix);
        p.setProperty("database.hostname", config.host());
        p.setProperty("database.port", String.valueOf(config.port()));
        p.setProperty("database.user", config.user());
        p.setProperty("database.password", config.password());
        // Never connects as a replica (no binlog is read), but the connector wants an id.
        p.setProperty("database.server.id", String.valueOf(4_000_000_000L + (System.nanoTime() & 0xFFFFFF)));
        p.setProperty("database.include.list", Pattern.quote(config.database()));
        Capture.rowsAsRaw(p, config);
        config.debeziumOptions().forEach(p::setProperty);
        p.setProperty("snapshot.mode", "initial_only");
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("bootstrap.servers", config.bootstrapServers()); // the engine's worker config requires it; nothing is written there
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("include.schema.changes", "false");
        p.setProperty("errors.max.retries", "0");

        RawRecords records = new RawRecords(config, 0, null, 0);
        List<ProducerRecord<byte[], byte[]>> rows = new ArrayList<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        DebeziumJmx jmx = new DebeziumJmx(prefix);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-audit-read-" + config.domain()));
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(p)
                .notifying((batch, committer) -> {
                    for (RecordChangeEvent<SourceRecord> e : batch) {
                        RawRecords.Raw raw = records.map(e.record());
                        if (raw != null && raw.snapshot()) {
                            synchronized (rows) {
                                rows.add(raw.record());
                            }
                        }
                        committer.markProcessed(e);
                    }
                    committer.markBatchFinished();
                })
                .using((success, message, failure) -> {
                    if (success) {
                        finished.complete(null);
                    } else {
                        finished.completeExceptionally(failure != null ? failure : new IllegalStateException(message));
                    }
                })
                .build()) {
            thread.execute(engine);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (finished.isCompletedExceptionally()) {
                    Throwable t = finished.handle((v, x) -> x).join();
                    throw new CaptureException(CaptureException.Reason.ENGINE_FAILED, "reading the tables of " + config.database() + " failed: "
                            + t.getMessage(), t);
                }
                Optional<DebeziumJmx.Snapshot> s = jmx.snapshot();
                if (s.isPresent() && s.get().completed()) {
                    long scanned = s.get().rowsScanned().values().stream().mapToLong(Long::longValue).sum();
                    synchronized (rows) {
                        if (rows.size() >= scanned) {
                            return List.copyOf(rows);
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new CaptureException(CaptureException.Reason.ENGINE_FAILED, "reading the tables of " + config.database()
                            + " did not finish within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the tables of " + config.database(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            thread.shutdownNow();
            try {
                thread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
