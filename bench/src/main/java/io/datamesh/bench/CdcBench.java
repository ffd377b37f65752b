package io.datamesh.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.datamesh.apps.orders.OrdersTables;
import io.datamesh.cdc.debezium.Capture;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureStatus;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;
import org.apache.kafka.clients.admin.Admin;

/**
 * B5.3 and B5.4: the Debezium capture of cdc-connectors/debezium against plain JDBC on the same
 * server, in the same repetition. Each repetition starts a new capture (a domain of its own, so it
 * finds no stored offset) over two tables of the demo's orders schema: {@code snapshot_orders},
 * filled once, which it reads as its initial snapshot, and {@code stream_orders}, emptied before, into
 * which the bench then inserts rows in JDBC batches that the capture reads from the binlog.
 *
 * <p>Metrics: {@code jdbc rows/s}, a plain {@code SELECT *} of the snapshot table reading every
 * column; {@code snapshot rows/s}, from the moment Debezium's task runs until the raw topic holds every
 * row (the start-up before is {@code start ms}); {@code insert rows/s}, the JDBC batched inserts
 * (1,000 rows a batch and a commit); {@code streaming records/s}, those rows from the first insert
 * until the raw topic holds all of them.
 */
final class CdcBench implements Bench {

    private static final String DATABASE = "bench_cdc";
    private static final int BATCH = 1_000;
    private BenchContext context;
    private EmbeddedMariaDb db;
    private int snapshotRows;
    private int streamRows;
    private int rep;

    @Override
    public String name() {
        return "cdc";
    }

    @Override
    public boolean ownTopicsPerRepetition() {
        return true;
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        this.context = context;
        this.snapshotRows = context.scale(40_000);
        this.streamRows = context.scale(20_000);
        db = SourceDatabase.acquire();
        SourceDatabase.createDatabase(db, DATABASE);
        db.execute("USE " + DATABASE, OrdersTables.ORDERS.create("snapshot_orders"), OrdersTables.ORDERS.create("stream_orders"));
        try (Connection c = SourceDatabase.connect(db, DATABASE)) {
            insert(c, "snapshot_orders", "s", 0, snapshotRows);
        }
    }

    @Override
    public Sample runOnce() throws Exception {
        db.execute("USE " + DATABASE, "TRUNCATE TABLE stream_orders");
        double jdbcRowsPerSecond = jdbcRead();
        CaptureConfig config = SourceDatabase.capture(db, context.kafka().bootstrapServers(), "bench-cdc-" + rep++, DATABASE,
                "snapshot_orders,stream_orders");
        long begin = System.nanoTime();
        try (Capture capture = Capture.start(config); Admin admin = context.kafka().admin()) {
            long running = System.nanoTime();
            long snapshotDone = new TopicCounter(admin, config.rawTopic("snapshot_orders").value()).await(snapshotRows, Duration.ofMinutes(3));
            awaitStreaming(capture);
            TopicCounter streamed = new TopicCounter(admin, config.rawTopic("stream_orders").value());
            long insertStart = System.nanoTime();
            try (Connection c = SourceDatabase.connect(db, DATABASE)) {
                insert(c, "stream_orders", "t", 0, streamRows);
            }
            long insertEnd = System.nanoTime();
            long streamDone = streamed.await(streamRows, Duration.ofMinutes(3));
            return new Sample(Map.of(
                    "jdbc rows/s", jdbcRowsPerSecond,
                    "snapshot rows/s", snapshotRows / ((snapshotDone - running) / 1e9),
                    "start ms", (running - begin) / 1e6,
                    "insert rows/s", streamRows / ((insertEnd - insertStart) / 1e9),
                    "streaming records/s", streamRows / ((streamDone - insertStart) / 1e9)));
        }
    }

    /** The baseline of B5.3: every row and column of the snapshot table over one JDBC connection, streamed. */
    private double jdbcRead() throws Exception {
        try (Connection c = SourceDatabase.connect(db, DATABASE); Statement s = c.createStatement()) {
            s.setFetchSize(1_000);
            long start = System.nanoTime();
            long rows = 0;
            long chars = 0;
            try (ResultSet r = s.executeQuery("SELECT * FROM snapshot_orders")) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    for (int i = 1; i <= columns; i++) {
                        String v = r.getString(i);
                        chars += v == null ? 0 : v.length();
                    }
                    rows++;
                }
            }
            long nanos = System.nanoTime() - start;
            if (rows != snapshotRows || chars == 0) {
                throw new IllegalStateException("snapshot_orders has " + rows + " rows, expected " + snapshotRows);
            }
            return rows / (nanos / 1e9);
        }
    }

    private static void awaitStreaming(Capture capture) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (capture.status().state() != CaptureStatus.State.STREAMING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("capture " + capture.config().serverName() + " not streaming after 60 s: " + capture.status());
            }
            Thread.sleep(20);
        }
    }

    /** Inserts rows {@code from} to {@code from + n} in JDBC batches of {@value #BATCH}, a commit after each. */
    static void insert(Connection c, String table, String prefix, int from, int n) throws Exception {
        c.setAutoCommit(false);
        Instant t = Instant.parse("2018-07-08T10:00:00Z");
        try (PreparedStatement p = c.prepareStatement(String.format(SourceDatabase.INSERT, table))) {
            for (int i = from; i < from + n; i++) {
                String at = SourceDatabase.sql(t.plusSeconds(i));
                p.setString(1, prefix + String.format("%09d", i));
                p.setString(2, "napoli-" + i % 40);
                p.setString(3, "c" + i % 1000);
                p.setString(4, at);
                p.setBigDecimal(5, new BigDecimal("12.50"));
                p.setString(6, at);
                p.addBatch();
                if ((i - from + 1) % BATCH == 0 || i == from + n - 1) {
                    p.executeBatch();
                    c.commit();
                }
            }
        } finally {
            c.setAutoCommit(true);
        }
    }

    @Override
    public void tearDown() {
        if (db != null) {
            db.dropDatabase(DATABASE);
            SourceDatabase.release();
            db = null;
        }
    }
}
