package io.datamesh.collector;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.collector.AcceptedClicks.Claim;
import io.datamesh.collector.AcceptedClicks.Mine;
import io.datamesh.collector.AcceptedClicks.Pending;
import io.datamesh.collector.AcceptedClicks.Stored;
import io.datamesh.collector.ClickContract.Violation;

/**
 * Collects the events of one request: each is checked against the {@link ClickContract}; a valid
 * one is stored once — written to the raw topic, keyed by its session, and answered
 * {@code accepted} only once Kafka acknowledged it — or answered {@code duplicate} if it was stored
 * before ({@link AcceptedClicks}). When Kafka does not take them, the whole request is answered 503
 * and claims nothing: events it did store are answered {@code duplicate} when it is sent again.
 *
 * <p>Why the session as key: the clickstream domain groups clicks into sessions, and one partition
 * per session keeps a session's clicks in the order the collector received them (a click's own
 * identity, its {@code click_id}, travels in the source position).
 */
final class CollectService {

    private final CollectorConfig config;
    private final ClickWriter writer;
    private final AcceptedClicks accepted;
    private final CollectorMetrics metrics;
    private final Clock clock;

    CollectService(CollectorConfig config, ClickWriter writer, AcceptedClicks accepted, CollectorMetrics metrics, Clock clock) {
        this.config = config;
        this.writer = writer;
        this.accepted = accepted;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The answer to a request: its status and JSON body. */
    record Answer(int status, Map<String, Object> body) {
    }

    private enum Status { ACCEPTED, DUPLICATE, REJECTED, FAILED }

    private record Result(Status status, String clickId, Violation violation) {
    }

    /**
     * Collects {@code events} (the request's, in order); the answer is 200 when none is rejected, else
     * 400, each with a result per index.
     *
     * @return completes with the answer, or exceptionally with a 503 {@link CollectorException}
     */
    CompletableFuture<Answer> collect(List<JsonNode> events) {
        String down = writer.unavailable();
        if (down != null) {
            return CompletableFuture.failedFuture(unavailable(down));
        }
        Instant receivedAt = clock.instant();
        List<CompletableFuture<Result>> results = new ArrayList<>(events.size());
        for (JsonNode event : events) {
            results.add(collect(event, receivedAt));
        }
        long waitMs = config.kafkaTimeout().toMillis() + 2_000;
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .orTimeout(waitMs, TimeUnit.MILLISECONDS)
                .handle((ok, e) -> {
                    if (e != null) {
                        throw unavailable(e instanceof TimeoutException || e.getCause() instanceof TimeoutException
                                ? "Kafka did not acknowledge the events within " + waitMs + " ms" : String.valueOf(writer.unavailable()));
                    }
                    List<Result> done = results.stream().map(CompletableFuture::join).toList();
                    if (done.stream().anyMatch(r -> r.status() == Status.FAILED)) {
                        String why = writer.unavailable();
                        throw unavailable(why == null ? "Kafka did not take every event" : why);
                    }
                    return answer(done);
                });
    }

    private CompletableFuture<Result> collect(JsonNode event, Instant receivedAt) {
        byte[] json;
        try {
            json = RequestBody.JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event read as JSON cannot be written as JSON", e);
        }
        String clickId = event.path("click_id").isTextual() ? event.get("click_id").textValue() : null;
        Violation violation = ClickContract.check(event, json.length, config.maxEventBytes());
        if (violation != null) {
            return CompletableFuture.completedFuture(new Result(Status.REJECTED, clickId, violation));
        }
        Claim claim = accepted.claim(clickId, receivedAt);
        if (claim instanceof Stored) {
            return CompletableFuture.completedFuture(new Result(Status.DUPLICATE, clickId, null));
        }
        if (claim instanceof Pending pending) {
            return pending.outcome().thenApply(stored -> new Result(stored ? Status.DUPLICATE : Status.FAILED, clickId, null));
        }
        assert claim instanceof Mine;
        byte[] session = event.get("session_id").textValue().getBytes(StandardCharsets.UTF_8);
        return writer.write(session, json, clickId, receivedAt).handle((ok, e) -> {
            if (e == null) {
                accepted.stored(clickId, clock.instant());
                return new Result(Status.ACCEPTED, clickId, null);
            }
            accepted.failed(clickId);
            return new Result(Status.FAILED, clickId, null);
        });
    }

    private Answer answer(List<Result> done) {
        List<Map<String, Object>> results = new ArrayList<>(done.size());
        int acceptedCount = 0;
        int duplicates = 0;
        int rejected = 0;
        for (int i = 0; i < done.size(); i++) {
            Result r = done.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
            if (r.clickId() != null) {
                m.put("click_id", r.clickId());
            }
            switch (r.status()) {
                case ACCEPTED -> acceptedCount++;
                case DUPLICATE -> duplicates++;
                default -> {
                    rejected++;
                    m.put("field", r.violation().field());
                    m.put("reason", r.violation().reason());
                    metrics.rejected(r.violation().reasonClass());
                }
            }
            results.add(m);
        }
        metrics.accepted(acceptedCount);
        metrics.duplicates(duplicates);
        Map<String, Object> body = new LinkedHashMap<>();
        if (rejected > 0) {
            body.put("error", rejected + " of " + done.size() + " events rejected: fix them by their field and reason and send them again;"
                    + " the events answered accepted or duplicate are stored");
        }
        body.put("accepted", acceptedCount);
        body.put("duplicates", duplicates);
        body.put("rejected", rejected);
        body.put("results", results);
        return new Answer(rejected == 0 ? 200 : 400, body);
    }

    private CollectorException unavailable(String why) {
        metrics.unavailable();
        return new CollectorException(503, why + "; nothing of this request is claimed stored: send it again in "
                + config.retryAfter().toSeconds() + " s (events it did store are then answered duplicate)", config.retryAfter().toSeconds());
    }
}
