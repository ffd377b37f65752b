package io.datamesh.cdc.debezium;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's change records into the domains' raw records: the change event as Debezium's
 * JSON without schemas ({@code op}, {@code before}, {@code after}, {@code source}, ...), keyed by the
 * row's primary key (as JSON, e.g. {@code {"id":"o1"}}), on the table's raw topic, with the source
 * headers: {@code mesh.recorded.at} = the commit time the binlog carries (for a snapshot read, the
 * time it was read), and {@code mesh.source} = the record's source position:
 * <ul>
 *   <li>a change: source = the server name (with {@code @<epoch>} after a re-snapshot on purpose),
 *       segment = binlog file, offset = the event's position in it, row = the row within the event,
 *       id = the MariaDB GTID ({@code domain-server-sequence});</li>
 *   <li>a snapshot read: source = {@code <server name>[@epoch]/snapshot-<run>} (run = {@code initial} or
 *       the incremental snapshot's id), segment empty, offset = the record's number in its run from 1,
 *       row 0, no id. Tables are read in a fixed order and each by its primary key, so a crashed
 *       snapshot read again numbers the same rows the same way while the tables did not change.</li>
 * </ul>
 * One instance per capture, used by the engine's one handler thread: not thread-safe.
 */
final class RawRecords {

    /** The run of the initial snapshot, in a snapshot read's source. */
    static final String INITIAL_RUN = "initial";
    /** Offset keys the capture adds to Debezium's: the incremental snapshot run and how many reads it has numbered. */
    static final String OFFSET_RUN = "mesh_snapshot_run";
    static final String OFFSET_RUN_RECORDS = "mesh_snapshot_records";
    static final String OFFSET_EPOCH = "mesh_epoch";
    /** Where Debezium keeps the running incremental snapshot's id in an offset. */
    static final String INCREMENTAL_ID = "incremental_snapshot_correlation_id";

    private final CaptureConfig config;
    private final int epoch;
    private final String stream;
    private final JsonConverter keys = converter(true);
    private final JsonConverter values = converter(false);
    private String run;
    private long runRecords;

    /**
     * @param restoredRun     the incremental snapshot run the stored offset was in, or null
     * @param restoredRecords how many reads of it were numbered when that offset was stored
     */
    RawRecords(CaptureConfig config, int epoch, String restoredRun, long restoredRecords) {
        this.config = Objects.requireNonNull(config, "config");
        this.epoch = epoch;
        this.stream = streamSource(config.serverName(), epoch);
        this.run = restoredRun;
        this.runRecords = restoredRun == null ? 0 : restoredRecords;
    }

    /** {@code <server>} in epoch 0, {@code <server>@<epoch>} after a re-snapshot on purpose. */
    static String streamSource(String serverName, int epoch) {
        return epoch == 0 ? serverName : serverName + "@" + epoch;
    }

    /** A raw record and what the capture counts about it. */
    record Raw(String table, ProducerRecord<byte[], byte[]> record, SourcePosition position, Instant recordedAt, boolean snapshot) {
    }

    /** The raw record of a row change or snapshot read, or null for anything else (heartbeats, schema changes). */
    Raw map(SourceRecord r) {
        if (!(r.value() instanceof Struct value) || value.schema().field("op") == null || value.schema().field("source") == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        String db = source.getString("db");
        String table = source.getString("table");
        if (!config.database().equals(db) || !config.tables().contains(table)) {
            return null;
        }
        String op = value.getString("op");
        String snapshot = source.schema().field("snapshot") == null ? null : source.getString("snapshot");
        Instant recordedAt = Instant.ofEpochMilli(source.getInt64("ts_ms"));
        SourcePosition position;
        boolean read = "r".equals(op);
        if (read) {
            position = snapshotPosition(snapshot, r.sourceOffset());
        } else {
            Object gtid = source.get("gtid");
            position = SourcePosition.cdc(stream, source.getString("file"), source.getInt64("pos"), source.getInt32("row"),
                    gtid == null ? null : gtid.toString());
        }
        String topic = config.rawTopic(table).value();
        byte[] key = keys.fromConnectData(topic, r.keySchema(), r.key());
        byte[] json = values.fromConnectData(topic, r.valueSchema(), value);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, key, json);
        SourceHeaders.write(out.headers(), recordedAt, position);
        return new Raw(table, out, position, recordedAt, read);
    }

    /**
     * The offset to store with a record: Debezium's, plus the capture's epoch and, during an
     * incremental snapshot, how many of its reads are numbered (so a restart numbers on).
     */
    Map<String, Object> offsetOf(SourceRecord r) {
        Map<String, Object> offset = new HashMap<>(r.sourceOffset());
        offset.put(OFFSET_EPOCH, epoch);
        Object incremental = r.sourceOffset().get(INCREMENTAL_ID);
        if (incremental != null && incremental.toString().equals(run)) {
            offset.put(OFFSET_RUN, run);
            offset.put(OFFSET_RUN_RECORDS, runRecords);
        }
        return offset;
    }

    private SourcePosition snapshotPosition(String snapshot, Map<String, ?> offset) {
        String thisRun;
        if ("incremental".equals(snapshot)) {
            Object id = offset.get(INCREMENTAL_ID);
            thisRun = id == null ? "incremental" : id.toString();
        } else {
            thisRun = INITIAL_RUN;
            if ("first".equals(snapshot)) {
                // The initial snapshot starts over (a first start, or one that crashed before it finished):
                // the same tables in the same order, so the same numbers.
                run = null;
            }
        }
        if (!thisRun.equals(run)) {
            run = thisRun;
            runRecords = 0;
        }
        runRecords++;
        return SourcePosition.cdc(stream + "/snapshot-" + thisRun, "", runRecords, 0, null);
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        Map<String, Object> conf = new HashMap<>();
        conf.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false);
        // Decimals the connector keeps as numbers (BIGINT UNSIGNED) are written as JSON numbers, not base64 bytes.
        conf.put(JsonConverterConfig.DECIMAL_FORMAT_CONFIG, "NUMERIC");
        conf.put(JsonConverterConfig.REPLACE_NULL_WITH_DEFAULT_CONFIG, false);
        c.configure(conf, isKey);
        return c;
    }
}
