package io.datamesh.runtime.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Random requests to the query API of {@link QueryApiTest}'s {@code orders} and {@code sales}
 * deployments, and what every answer must be. Requests take every route with random parameters:
 * times at the limits of what a store holds (epoch milliseconds ±1, ±1 ns), years ±999,999,999,
 * nanosecond fractions, offsets ±18:00, dates in the domain's zone; genuine,
 * forged and garbled page tokens; keys and groups that are non-ASCII, very long or hold NUL; limits
 * and orders of every kind; and random paths. A genuine {@code next} token is followed at once,
 * and that next page must be answered.
 *
 * <p>Every answer is JSON: a 2xx, or a 4xx whose body has {@code error} and a {@code parameter} or
 * {@code message} (a 400 names a parameter of the route); never a 5xx, never a stack trace. A 2xx
 * answers as known at a time that is not in the future, and a range's keys come in key order.
 */
final class QueryFuzz {

    /** A request: which deployment to ask, the path with its query, and whether it must be answered (a genuine next page). */
    record Request(String domain, String path, boolean mustAnswer) {

        /** The page size the request asks for, or 0 if it is no number. */
        int limit() {
            int at = path.indexOf("limit=");
            if (at < 0 || at > 0 && path.charAt(at - 1) != '?' && path.charAt(at - 1) != '&') {
                return QueryService.DEFAULT_LIMIT;
            }
            String raw = path.substring(at + "limit=".length()).split("&", 2)[0];
            try {
                String value = URLDecoder.decode(raw, StandardCharsets.UTF_8).trim();
                return value.isEmpty() ? QueryService.DEFAULT_LIMIT : Integer.parseInt(value);
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
    }

    static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIRST = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LAST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private static final List<String> EXTREME_TIMES = List.of(
            FIRST.toString(), FIRST.minusMillis(1).toString(), FIRST.plusMillis(1).toString(), FIRST.minusNanos(1).toString(),
            FIRST.plusNanos(1).toString(), LAST.toString(), LAST.plusMillis(1).toString(), LAST.minusMillis(1).toString(),
            LAST.plusNanos(1).toString(), LAST.plusNanos(999_999).toString(), LAST.plusNanos(1_000_000).toString(),
            "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59.999999999Z", "+300000000-01-01T00:00:00Z",
            "-300000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00+18:00", "+999999999-12-31T23:59:59.999999999-18:00",
            Instant.MIN.toString(), Instant.MAX.toString(), "0000-01-01", "9999-12-31", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z", "2018-07-08T10:30:00.000000001Z", "2018-07-08T10:29:59.999999999Z",
            "2018-07-08T10:30:00.000999999+00:00");
    private static final List<String> GARBAGE_TIMES = List.of("now", "", " ", "yesterday", "2018-02-30", "2018-13-01",
            "2018-07-08T25:00:00Z", "2018-07-08T10:00:00+25:00", "1e9", "-1", "2018-07-08T10:00:00", "2018-07-08Z", "99999-01-01",
            "2018-07-08T10:00:00.0000000001Z", "+0-01-01T00:00:00Z", "\0");
    private static final List<String> KEYS = List.of("o1", "o1#2", "o2#1", "p05#1", "nobody", "café", "ü", "日本", "😀", "a b",
            "a/b", "a+b", "a?b", "%", "\0", "o1\0", ".", "..", " ", "k".repeat(1024), "k".repeat(1025), "é".repeat(1024),
            "é".repeat(1025), "日".repeat(1024), "😀".repeat(512), "😀".repeat(513), "o1#2".repeat(256), "\uFFFF", "\uFEFF", "日".repeat(4000));
    private static final List<String> BOUNDS = List.of("", "o", "o1", "o2", "p", "p03", "p03#1", "q", "\0", "o1#2\0", "p0\0",
            "\uFFFF", "😀", "日本", "k".repeat(1024), "k".repeat(1025), "é".repeat(1024));
    private static final List<String> LIMITS = List.of("1", "2", "7", "100", "1000", "0", "-1", "1001", "2147483647", "2147483648",
            "99999999999", "ten", "", "+5", " 5", "5 ", "1e3", "0x10", "٣");
    private static final List<String> ORDERS = List.of("valid", "recorded", "RECORDED", "Valid", "sideways", "", " ", "\0");
    private static final List<String> GROUPS = List.of("42", "99", "7", "nobody", "café", "日本", "g".repeat(1024), "g".repeat(1025),
            "\0", "42\0", "", " ", "😀");
    private static final List<String> GARBAGE_TOKENS = List.of("not-a-token", "%00", "AAAA", "====", "-_-_", "A", "~", "a b",
            "djEAAAAA", "dj" + "A".repeat(3000));
    private static final String[] SEGMENTS = {"domains", "orders", "sales", "views", "orders-by-id", "order-lines-by-id", "keys",
        "history", "aggregates", "pizzas-sold-by-day", "o1", "o1%232", "%00", "%ZZ", "%2F", "..", ".", "%F0%9F%8D%95", "",
        "%C3%28", "a%20b", "é", "keys;x"};
    private static final String[] PARAMS = {"validAt", "knownAt", "from", "to", "limit", "page", "group", "order", "x"};

    /** The parameters a route may name in a 400. */
    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            "key", Set.of("key", "validAt", "knownAt", QueryService.PARTITIONS),
            "history", Set.of("key", "order", QueryService.PARTITIONS),
            "range", Set.of("from", "to", "validAt", "knownAt", "limit", "page", QueryService.PARTITIONS),
            "aggregate", Set.of("group", "from", "to", "knownAt", QueryService.PARTITIONS));

    private final Random random;
    private final List<String> genuineTokens = new ArrayList<>();
    private final Deque<Request> followUps = new ArrayDeque<>();

    QueryFuzz(Random random) {
        this.random = random;
    }

    /** The next request: a genuine next page if one is due, else a random one. */
    Request next() {
        if (!followUps.isEmpty()) {
            return followUps.poll();
        }
        return switch (random.nextInt(20)) {
            case 0, 1, 2, 3, 4 -> keyRoute();
            case 5, 6 -> historyRoute();
            case 7, 8, 9, 10, 11, 12 -> rangeRoute();
            case 13, 14, 15, 16, 17 -> aggregateRoute();
            case 18 -> new Request(random.nextBoolean() ? "orders" : "sales", random.nextBoolean() ? "/domains" : "/domains/"
                    + encode(pick(List.of("orders", "sales", "nope", "", "é", "\0"))), false);
            default -> randomPath();
        };
    }

    /**
     * What is wrong with an answer, or null if nothing is; a range answer's genuine {@code next} is
     * queued as the next request.
     */
    String check(Request request, int status, String contentType, String body) {
        String route = route(request.path());
        if (status >= 500 || status < 200 || status >= 300 && status < 400) {
            return "status " + status + ": " + abbreviate(body);
        }
        if (request.mustAnswer() && status != 200) {
            return "a genuine next page was refused with " + status + ": " + abbreviate(body);
        }
        if (!contentType.startsWith("application/json")) {
            return "content type '" + contentType + "' for status " + status + ": " + abbreviate(body);
        }
        if (body.contains("\tat ") || body.contains(".java:") || body.contains("Exception") || body.contains("Caused by")) {
            return "a stack trace or exception in the body: " + abbreviate(body);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (Exception e) {
            return "not JSON: " + abbreviate(body);
        }
        if (status >= 400) {
            if (!json.path("error").isTextual() || json.path("error").asText().isBlank()) {
                return "a refusal without 'error': " + abbreviate(body);
            }
            if (!json.path("parameter").isTextual() && !json.path("message").isTextual()) {
                return "a refusal without 'parameter' or 'message': " + abbreviate(body);
            }
            if (status == 400 && json.has("parameter") && route != null && !PARAMETERS.get(route).contains(json.path("parameter").asText())) {
                return "a 400 names '" + json.path("parameter").asText() + "', no parameter of the " + route + " route: " + abbreviate(body);
            }
            if (status == 400 && json.has("parameter") && json.path("message").asText().isBlank()) {
                return "a 400 without a message: " + abbreviate(body);
            }
            return null;
        }
        if (json.has("knownAt")) {
            Instant knownAt = Instant.parse(json.path("knownAt").asText());
            if (knownAt.isAfter(Instant.now().plus(QueryTime.CLOCK_SKEW))) {
                return "answered as known at " + knownAt + ", in the future: " + abbreviate(body);
            }
        }
        if ("range".equals(route)) {
            List<String> keys = new ArrayList<>();
            json.path("items").forEach(i -> keys.add(i.path("key").asText()));
            for (int i = 1; i < keys.size(); i++) {
                if (Arrays.compareUnsigned(keys.get(i - 1).getBytes(StandardCharsets.UTF_8), keys.get(i).getBytes(StandardCharsets.UTF_8)) >= 0) {
                    return "range keys out of order: " + keys;
                }
            }
            if (keys.size() > request.limit()) {
                return keys.size() + " keys for limit " + request.limit();
            }
            if (json.path("next").isTextual()) {
                String next = json.path("next").asText();
                genuineTokens.add(next);
                followUps.add(new Request("orders", request.path().substring(0, request.path().indexOf("/keys") + 5) + "?page="
                        + encode(next) + "&limit=" + request.limit(), true));
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- routes

    private Request keyRoute() {
        String path = viewPath() + "/keys/" + encode(key()) + query(Map.of("validAt", this::time, "knownAt", this::time));
        return new Request(random.nextInt(10) == 0 ? "sales" : "orders", path, false);
    }

    private Request historyRoute() {
        String path = viewPath() + "/keys/" + encode(key()) + "/history" + query(Map.of("order", () -> pick(ORDERS)));
        return new Request("orders", path, false);
    }

    private Request rangeRoute() {
        Map<String, Supplier<String>> params = new LinkedHashMap<>();
        params.put("from", this::bound);
        params.put("to", this::bound);
        params.put("validAt", this::time);
        params.put("knownAt", this::time);
        params.put("limit", () -> pick(LIMITS));
        if (random.nextInt(3) == 0) {
            params.put("page", this::token);
        }
        return new Request("orders", viewPath() + "/keys" + query(params), false);
    }

    private Request aggregateRoute() {
        String name = random.nextInt(15) == 0 ? "nope" : "pizzas-sold-by-day";
        Map<String, Supplier<String>> params = new LinkedHashMap<>();
        params.put("group", () -> pick(GROUPS));
        params.put("from", this::time);
        params.put("to", this::time);
        params.put("knownAt", this::time);
        if (random.nextInt(3) > 0) { // mostly a range that can be answered, with one odd parameter
            String from = pick(List.of("2018-07-08", "2018-07-01", "0000-01-01", "9999-12-01", "2018-07-08T10:00:00Z"));
            params.put("from", () -> random.nextInt(3) == 0 ? time() : from);
            params.put("to", () -> random.nextInt(3) == 0 ? time() : pick(List.of("2018-07-09", "2018-08-01", "0000-02-01", "9999-12-31")));
        }
        return new Request(random.nextInt(15) == 0 ? "orders" : "sales", "/domains/sales/aggregates/" + name + query(params), false);
    }

    private Request randomPath() {
        StringBuilder path = new StringBuilder();
        for (int d = 1 + random.nextInt(7); d > 0; d--) {
            path.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (random.nextBoolean()) {
            path.insert(0, "/domains/" + (random.nextBoolean() ? "orders" : "sales"));
        }
        for (int p = random.nextInt(4); p > 0; p--) {
            path.append(path.indexOf("?") < 0 ? '?' : '&').append(PARAMS[random.nextInt(PARAMS.length)]).append('=').append(encode(time()));
        }
        return new Request(random.nextBoolean() ? "orders" : "sales", path.toString(), false);
    }

    // ---------------------------------------------------------------- values

    private String viewPath() {
        String view = random.nextInt(20) == 0 ? "nope" : random.nextBoolean() ? "orders-by-id" : "order-lines-by-id";
        return "/domains/orders/views/" + view;
    }

    /** Some of the parameters, in a random order, each value URL-encoded as a client does (or, rarely, raw). */
    private String query(Map<String, Supplier<String>> params) {
        List<String> names = new ArrayList<>(params.keySet());
        Collections.shuffle(names, random);
        StringBuilder q = new StringBuilder();
        for (String name : names) {
            if (random.nextInt(5) < 2) {
                continue;
            }
            String value = params.get(name).get();
            q.append(q.isEmpty() ? '?' : '&').append(name).append('=').append(random.nextInt(25) == 0 ? raw(value) : encode(value));
        }
        if (random.nextInt(20) == 0) {
            q.append(q.isEmpty() ? '?' : '&').append("x=").append(encode(time()));
        }
        return q.toString();
    }

    private String time() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(List.of("2018-07-08", "2018-07-09", "2018-07-10", "2018-07-08T10:30:00Z", "2018-07-08T12:00:00+02:00",
                    Instant.now().minusSeconds(60).toString(), LocalDate.now(ROME).toString(), LocalDate.now(ROME).plusDays(1).toString(),
                    Instant.now().plusSeconds(86_400).toString()));
            case 1, 2 -> pick(EXTREME_TIMES);
            case 3 -> { // anywhere an Instant reaches
                double span = (double) Instant.MAX.getEpochSecond() - Instant.MIN.getEpochSecond();
                long second = Math.min(Instant.MAX.getEpochSecond(), Instant.MIN.getEpochSecond() + (long) (random.nextDouble() * span));
                yield Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)).toString();
            }
            case 4 -> Instant.ofEpochMilli(random.nextLong()).plusNanos(random.nextBoolean() ? 0 : random.nextInt(1_000_000)).toString();
            default -> pick(GARBAGE_TIMES);
        };
    }

    private String key() {
        return random.nextInt(3) == 0 ? randomText(1 + random.nextInt(12)) : pick(KEYS);
    }

    private String bound() {
        return random.nextInt(4) == 0 ? randomText(random.nextInt(6)) : pick(BOUNDS);
    }

    private String randomText(int length) {
        String[] parts = {"o", "1", "#", "2", "p", "\0", "/", "?", "&", "%", " ", "+", "é", "日", "😀", "\uFFFF"};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(parts[random.nextInt(parts.length)]);
        }
        return s.toString();
    }

    /** A page token: one a previous answer gave, one forged with the production encoder, one mutated, one made by hand, or garbage. */
    private String token() {
        switch (random.nextInt(5)) {
            case 0:
                if (!genuineTokens.isEmpty()) {
                    return genuineTokens.get(random.nextInt(genuineTokens.size()));
                }
                // fall through: nothing genuine yet
            case 1:
                return new QueryService.PageToken(random.nextBoolean() ? bound() : key(), random.nextBoolean(),
                        random.nextBoolean() ? null : bound(), Instant.ofEpochMilli(millis()), Instant.ofEpochMilli(millis())).encode();
            case 2:
                if (!genuineTokens.isEmpty()) {
                    return mutate(genuineTokens.get(random.nextInt(genuineTokens.size())));
                }
                return pick(GARBAGE_TOKENS);
            case 3:
                String[] fields = {pick(List.of("v1", "v2", "v3", "", "v1\0v1")), bound(), pick(List.of("x", "i", "y", "")),
                    pick(List.of("", "=", "=p05", "p05", "=\0")), String.valueOf(millis()), pick(List.of(String.valueOf(millis()),
                    "9223372036854775808", "-9223372036854775809", "1e3", "", " 1", "0x10"))};
                String raw = String.join("\0", Arrays.copyOf(fields, fields.length - random.nextInt(2)));
                if (random.nextInt(4) == 0) {
                    raw = raw + "\0" + millis();
                }
                return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
            default:
                return pick(GARBAGE_TOKENS);
        }
    }

    private long millis() {
        return switch (random.nextInt(5)) {
            case 0 -> pick(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE));
            case 1 -> System.currentTimeMillis() + 86_400_000L; // tomorrow: a knownAt nobody may ask for
            case 2 -> random.nextLong();
            default -> Instant.parse("2018-07-09T00:00:00Z").toEpochMilli();
        };
    }

    private String mutate(String token) {
        StringBuilder s = new StringBuilder(token);
        int at = random.nextInt(s.length() + 1);
        switch (random.nextInt(5)) {
            case 0 -> s.setLength(at);
            case 1 -> s.insert(at, pick(List.of("A", "+", "/", "=", "%", "-", "_")));
            case 2 -> s.append("AAAA");
            case 3 -> {
                if (at < s.length()) {
                    s.setCharAt(at, s.charAt(at) == 'A' ? 'B' : 'A');
                }
            }
            default -> s.reverse();
        }
        return s.toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String encode(String s) {
        return QueryService.encode(s);
    }

    /** A value as a careless client sends it: only what would make the URI unparseable is escaped. */
    private static String raw(String s) {
        return s.replace("%", "%25").replace(" ", "%20").replace("\0", "%00").replace("#", "%23").replace("&", "%26");
    }

    private static String route(String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (p.matches("/domains/[^/]+/views/[^/]+/keys/[^/]+/history")) {
            return "history";
        }
        if (p.matches("/domains/[^/]+/views/[^/]+/keys/[^/]+")) {
            return "key";
        }
        if (p.matches("/domains/[^/]+/views/[^/]+/keys")) {
            return "range";
        }
        if (p.matches("/domains/[^/]+/aggregates/[^/]+")) {
            return "aggregate";
        }
        return null;
    }

    private static String abbreviate(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "…" : body;
    }
}
