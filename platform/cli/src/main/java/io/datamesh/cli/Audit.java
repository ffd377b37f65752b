package io.datamesh.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.TableRead;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.serde.SchemaRegistryClient;
import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code mesh audit}'s work, without the command line: reads a domain's catalog from the query API,
 * then for each product its raw topic, the product topic and the DLQ from Kafka ({@code
 * read_committed}, up to the committed end offsets it states), and its views through the query API,
 * and reconciles them ({@link RawAccounting}, {@link ViewComparison}).
 *
 * <p>Against a live platform the domain may not have processed the newest raw records when the audit
 * reads them, nor its views the newest product records. What it has processed is what its consumer
 * group has committed: under exactly-once, a raw record below the committed offset has its product
 * records committed too, and a product record below it is in the views. The audit accounts for
 * records below those offsets and counts the rest as not processed yet; while there are such records,
 * or source rows the product has not caught up with, it reads again (a second apart) until
 * {@code patience} has passed.
 */
final class Audit {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;

    /**
     * @param queryUrl the query API (router or a domain instance)
     * @param product only this product topic; null for all of the domain's
     * @param patience how long records may take to reach the product and its views
     * @param capture the domain's CDC capture, whose tables are held against the products; null to skip that stage
     * @param mappings the domain as its jar declares it, whose mappings are run on the tables' rows; null to skip that stage
     */
    record Settings(String bootstrap, String queryUrl, SchemaRegistryClient registry, String domain, String product, Duration patience,
                    CaptureConfig capture, Domain mappings) {
    }

    private final Settings settings;
    private final PrintWriter progress;
    private final EnvelopeReader envelopes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Audit(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
        this.envelopes = new EnvelopeReader(settings.registry());
    }

    AuditReport run() throws IOException, InterruptedException {
        JsonNode catalog = get("/domains/" + encode(settings.domain()));
        List<JsonNode> products = new ArrayList<>();
        catalog.path("products").forEach(products::add);
        if (settings.product() != null) {
            products.removeIf(p -> !p.path("topic").asText().equals(settings.product()));
            if (products.isEmpty()) {
                List<String> names = new ArrayList<>();
                catalog.path("products").forEach(p -> names.add(p.path("topic").asText()));
                throw new IllegalArgumentException("domain " + settings.domain() + " has no product " + settings.product() + "; its products: "
                        + String.join(", ", names));
            }
        }
        long deadline = System.nanoTime() + settings.patience().toNanos();
        Map<String, Map<Integer, Long>> goal = null;
        while (true) {
            AuditReport report = new AuditReport(settings.domain());
            Map<String, List<ProducerRecord<byte[], byte[]>>> rows = new HashMap<>();
            if (settings.capture() != null && settings.mappings() != null) {
                progress.println("mesh: reading the rows of " + settings.capture().database() + "." + settings.capture().tables());
                progress.flush();
                for (ProducerRecord<byte[], byte[]> r : TableRead.rows(settings.capture(), Duration.ofMinutes(5))) {
                    rows.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r);
                }
            }
            // Read once a pass, before the raw topics: every receipt then names a raw record the audit reads.
            Map<String, List<Receipt>> receipts = receipts(report);
            for (JsonNode p : products) {
                List<String> views = new ArrayList<>();
                catalog.path("views").forEach(v -> {
                    if (v.path("product").asText().equals(p.path("topic").asText())) {
                        views.add(v.path("name").asText());
                    }
                });
                audit(report, catalog.path("applicationId").asText(), p.path("topic").asText(), p.path("raw").isTextual() ? p.path("raw").asText() : null,
                        views, rows, receipts);
            }
            if (rows.isEmpty() && (settings.capture() == null || settings.mappings() == null)
                    && report.tables.stream().noneMatch(t -> t.stage().startsWith(ReceiptComparison.STAGE))) {
                report.notes.add("source⇄product was not run: for CDC tables it needs the domain's capture file (--capture) and jar (--jar);"
                        + " for the bus and the clickstream, receipts in " + TopicNames.receipts(settings.domain()).value());
            }
            // Reads again until the domain has processed what was there when the audit began (not what came since:
            // under load there is always more), and the product has caught up with the source's rows.
            goal = goal == null ? report.read : goal;
            boolean behind = report.pending > 0 && !report.processedAll(goal) || report.count(AuditReport.MISSING_ROW)
                    + report.count(AuditReport.SOURCE_DIFFERS) + report.count(AuditReport.GONE) > 0;
            if (!behind || System.nanoTime() > deadline) {
                return report;
            }
            progress.println("mesh: " + report.pending + " records not processed by the domain yet, " + (report.count(AuditReport.MISSING_ROW)
                    + report.count(AuditReport.SOURCE_DIFFERS) + report.count(AuditReport.GONE)) + " source rows not caught up with;"
                    + " reading again until " + settings.patience().toSeconds() + " s have passed");
            progress.flush();
            Thread.sleep(1000);
        }
    }

    private void audit(AuditReport report, String applicationId, String topic, String raw, List<String> views,
                       Map<String, List<ProducerRecord<byte[], byte[]>>> rows, Map<String, List<Receipt>> receipts)
            throws IOException, InterruptedException {
        String dlq = TopicNames.deadLetters(settings.domain()).value();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> productPartitions = partitions(consumer, topic, true);
            List<TopicPartition> rawPartitions = raw == null ? List.of() : partitions(consumer, raw, true);
            List<TopicPartition> dlqPartitions = partitions(consumer, dlq, false);
            // In this order: what the domain committed is in the product below its end, and a product record below
            // the product's end comes from a raw record below the raw's second end.
            Map<TopicPartition, Long> committed = committed(applicationId);
            Map<TopicPartition, Long> rawLatest = consumer.endOffsets(rawPartitions);
            Map<TopicPartition, Long> rawAudited = new HashMap<>();
            rawLatest.forEach((tp, end) -> rawAudited.put(tp, Math.min(end, committed.getOrDefault(tp, 0L))));
            Map<TopicPartition, Long> productEnd = consumer.endOffsets(productPartitions);
            Map<TopicPartition, Long> dlqEnd = consumer.endOffsets(dlqPartitions);
            Map<TopicPartition, Long> rawEnd = consumer.endOffsets(rawPartitions);
            Map<TopicPartition, Long> rawStart = consumer.beginningOffsets(rawPartitions);
            if (raw != null) {
                report.auditedTo.put(raw, byPartition(rawAudited));
                report.processed.put(raw, byPartition(rawAudited));
            }
            Map<Integer, Long> productProcessed = new TreeMap<>();
            committed.forEach((tp, o) -> {
                if (tp.topic().equals(topic)) {
                    productProcessed.put(tp.partition(), o);
                }
            });
            if (!views.isEmpty()) {
                report.processed.put(topic, productProcessed);
            }
            report.auditedTo.put(topic, byPartition(productEnd));
            report.auditedTo.put(dlq, byPartition(dlqEnd));

            List<RawAccounting.Published> published = new ArrayList<>();
            Map<String, String> unreadable = new LinkedHashMap<>();
            read(consumer, topic, null, productEnd, r -> {
                try {
                    published.add(new RawAccounting.Published(r.partition(), r.offset(), envelopes.read(topic, r.value())));
                } catch (RuntimeException e) {
                    unreadable.put(r.partition() + "@" + r.offset(), String.valueOf(e.getMessage()));
                }
                if (!views.isEmpty()) {
                    report.read.computeIfAbsent(topic, t -> new TreeMap<>()).merge(r.partition(), r.offset() + 1, Math::max);
                }
            });
            List<RawAccounting.Letter> letters = new ArrayList<>();
            Map<String, String> rejectedByView = new HashMap<>();
            read(consumer, dlq, null, dlqEnd, r -> {
                String source = DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC);
                String partition = DeadLetters.header(r.headers(), DeadLetters.SOURCE_PARTITION);
                String offset = DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET);
                String reason = DeadLetters.header(r.headers(), DeadLetters.REASON);
                if (partition == null || offset == null) {
                    return;
                }
                if (source != null && source.equals(raw)) {
                    letters.add(new RawAccounting.Letter(r.offset(), Integer.parseInt(partition), Long.parseLong(offset), reason));
                } else if (topic.equals(source)) {
                    // A reader of the product rejected it: a view's writer, or an aggregate's or a derivation's check.
                    rejectedByView.put(partition + "@" + offset, DeadLetters.header(r.headers(), DeadLetters.PROCESSOR) + " rejected it to the DLQ: " + reason);
                }
            });
            if (raw != null) {
                List<RawAccounting.Raw> raws = new ArrayList<>();
                read(consumer, raw, null, rawEnd, r -> {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < rawLatest.get(tp)) {
                        report.read.computeIfAbsent(raw, t -> new TreeMap<>()).merge(r.partition(), r.offset() + 1, Math::max);
                    }
                    raws.add(new RawAccounting.Raw(r.partition(), r.offset(), r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8),
                            position(r), r.value() == null, r.offset() < rawAudited.get(tp),
                            r.offset() >= rawAudited.get(tp) && r.offset() < rawLatest.get(tp)));
                });
                RawAccounting.account(report, topic, raw, raws, byPartition(rawStart), published, unreadable, letters);
                source(report, topic, raw, rows, published);
                if (receipts.containsKey(raw)) {
                    ReceiptComparison.compare(report, topic, raw, receipts.get(raw), raws, byPartition(rawStart), byPartition(rawEnd), published,
                            letters);
                }
            } else {
                report.notes.add(topic + " is published by an aggregate or a derivation, not mapped from a raw topic: stage raw⇄product does not apply");
            }
            for (String view : views) {
                List<ViewComparison.Served> served = served(topic, view, productPartitions.size());
                Map<TopicPartition, Long> laterEnd = consumer.endOffsets(productPartitions);
                Set<String> later = new HashSet<>();
                read(consumer, topic, productEnd, laterEnd, r -> {
                    try {
                        later.add(envelopes.read(topic, r.value()).storeKey());
                    } catch (RuntimeException e) {
                        // an unreadable record is no version of the view; the next audit lists it
                    }
                });
                ViewComparison.compare(report, topic, view, productPartitions.size(), published, later, served, rejectedByView, productProcessed);
            }
        }
    }

    /**
     * The receipts of the domain's bus bridge and clickstream collector, by the raw topic they name. A record of
     * the receipts topic that is not a receipt is a mismatch of its own.
     */
    private Map<String, List<Receipt>> receipts(AuditReport report) {
        String topic = TopicNames.receipts(settings.domain()).value();
        Map<String, List<Receipt>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic, false);
            read(consumer, topic, null, consumer.endOffsets(partitions), r -> {
                try {
                    Receipt receipt = Receipt.read(r);
                    out.computeIfAbsent(receipt.rawTopic(), k -> new ArrayList<>()).add(receipt);
                } catch (IllegalArgumentException e) {
                    report.mismatches.add(new AuditReport.Mismatch(topic, ReceiptComparison.STAGE, AuditReport.UNREADABLE, "?",
                            topic + "-" + r.partition() + "@" + r.offset() + " is not a receipt: " + e.getMessage()));
                }
            });
        }
        return out;
    }

    /** The offsets the domain's application has committed, by partition: what it has processed. */
    private Map<TopicPartition, Long> committed(String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .forEach((tp, o) -> {
                        if (o != null) {
                            out.put(tp, o.offset());
                        }
                    });
            return out;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of " + applicationId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the committed offsets of " + applicationId, e);
        }
    }

    /** Stage source ⇄ product, when the product's raw topic is one of the capture's tables. */
    private void source(AuditReport report, String topic, String raw, Map<String, List<ProducerRecord<byte[], byte[]>>> rows,
                        List<RawAccounting.Published> published) {
        if (settings.capture() == null || settings.mappings() == null) {
            return;
        }
        String table = settings.capture().rawTopics().entrySet().stream().filter(e -> e.getValue().value().equals(raw)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        Domain.Product<?> product = settings.mappings().products().stream().filter(p -> p.topic().value().equals(topic)).findFirst().orElse(null);
        if (table == null || product == null) {
            return;
        }
        List<SourceComparison.Row> mapped = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : rows.getOrDefault(raw, List.of())) {
            String rowKey = r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8);
            try {
                var records = product.mapOnce(rowKey, r.value(), r.headers(), SourceHeaders.recordedAt(r.headers(), java.time.Instant.now()),
                        SourceHeaders.position(r.headers(), null));
                if (records.isEmpty()) {
                    mapped.add(new SourceComparison.Row(rowKey, null, null, null, null));
                }
                for (var p : records) {
                    mapped.add(new SourceComparison.Row(rowKey, p.key(), p.operation(), p.contentHash(), null));
                }
            } catch (RuntimeException e) {
                mapped.add(new SourceComparison.Row(rowKey, null, null, null, String.valueOf(e.getMessage())));
            }
        }
        SourceComparison.compare(report, topic, table, mapped, published);
    }

    /** Every version the view serves, partition by partition, page by page, through the query API. */
    private List<ViewComparison.Served> served(String topic, String view, int partitions) throws IOException, InterruptedException {
        List<ViewComparison.Served> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String after = null;
            do {
                JsonNode page = get("/domains/" + encode(settings.domain()) + "/views/" + encode(view) + "/partitions/" + p
                        + "/versions?limit=" + PAGE + (after == null ? "" : "&after=" + after));
                for (JsonNode item : page.path("items")) {
                    String key = item.path("key").asText();
                    String id = item.path("id").asText();
                    String describe = key + " (validFrom " + item.path("validFrom").asText() + ", recordedAt " + item.path("recordedAt").asText()
                            + ", " + item.path("operation").asText().toLowerCase(java.util.Locale.ROOT) + ")";
                    if (item.path("record").isTextual()) {
                        byte[] bytes = Base64.getDecoder().decode(item.path("record").asText());
                        EnvelopeReader.Envelope e;
                        try {
                            e = envelopes.read(topic, bytes);
                        } catch (RuntimeException x) {
                            out.add(new ViewComparison.Served(p, id, key, item.path("operation").asText(), new byte[32], false, describe
                                    + " (its record cannot be read: " + x.getMessage() + ")"));
                            continue;
                        }
                        // A record stored under another version's key is not the version it claims to be.
                        boolean same = e.storeKey().equals(id);
                        out.add(new ViewComparison.Served(p, id, key, e.operation().name(), e.contentHash(), e.hashMatches() && same,
                                same ? describe : describe + " (holding the record of " + e.describe() + ")"));
                    } else {
                        out.add(new ViewComparison.Served(p, id, key, item.path("operation").asText(), EnvelopeReader.deleteHash(), true, describe));
                    }
                }
                after = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (after != null);
        }
        return out;
    }

    /** The raw record's source position as the ingest reads it: its header, else its Kafka coordinates. */
    private static String position(ConsumerRecord<byte[], byte[]> r) {
        SourcePosition p;
        try {
            p = SourceHeaders.position(r.headers(), null);
        } catch (IllegalArgumentException e) {
            p = null; // the ingest dead-letters it with the reason: its letter names these coordinates
        }
        return SourceHeaders.encode(p == null ? SourcePosition.kafka(r.topic(), r.partition(), r.offset()) : p);
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic, boolean required) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("no topic " + topic + " at " + settings.bootstrap() + ": is domain " + settings.domain()
                        + " deployed there?");
            }
            return List.of();
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** Reads {@code topic} from {@code from} (its beginning when null) up to {@code to}, with a progress bar. */
    private void read(KafkaConsumer<byte[], byte[]> consumer, String topic, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to,
                      Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = new ArrayList<>(to.keySet());
        if (partitions.isEmpty()) {
            return;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> start = from != null ? from : consumer.beginningOffsets(partitions);
        partitions.forEach(p -> consumer.seek(p, start.get(p)));
        long total = partitions.stream().mapToLong(p -> Math.max(0, to.get(p) - start.get(p))).sum();
        try (Progress bar = new Progress(progress, "records of " + topic + " read", total)) {
            long done = 0;
            long stalled = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < to.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                        bar.advanceTo(++done);
                        stalled = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    }
                }
                if (System.nanoTime() > stalled) {
                    throw new IllegalStateException("reading " + topic + " made no progress for 60 s");
                }
            }
            bar.advanceTo(total);
        }
        consumer.unsubscribe();
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.queryUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("nothing answers at " + settings.queryUrl() + ": is make run or the router running? --url or MESH_URL sets the address");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(settings.queryUrl() + path + " answered " + r.statusCode() + " without JSON");
        }
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(settings.queryUrl() + path + " answered " + r.statusCode() + ": " + body.path("message").asText("")
                    + (r.statusCode() == 503 ? " (retry in " + r.headers().firstValue("Retry-After").orElse("a few") + " s)" : ""));
        }
        return body;
    }

    /** A path segment of the query API. */
    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
