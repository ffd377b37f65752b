package io.datamesh.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * B8.6 and B8.7: the query API under the load a user would test it with, {@link LoadGenerator} holding
 * {@value #CONNECTIONS} keep-alive connections (like {@code wrk -t2 -c16}), asking {@code asOf} of keys the
 * instance asked owns, on the deployment of {@link QueryBench}.
 * <ul>
 *   <li>{@code query-load} (B8.6): at a fixed offered rate of {@value #OFFERED_PER_SECOND} requests/s on the
 *       domain's own port: the rate answered, p50 and p99 (counted from when each request was due).</li>
 *   <li>{@code query-router} (B8.7): as fast as the connections go (a closed loop), once on the domain's
 *       own port and once through the query router, one after the other in each repetition (their order
 *       alternates): the router's throughput ÷ the direct one, and what it adds to p50.</li>
 * </ul>
 */
final class QueryLoadBench implements Bench {

    enum Mode { FIXED_RATE, ROUTER_VS_DIRECT }

    static final int CONNECTIONS = 16;
    static final int OFFERED_PER_SECOND = 2_000;

    private final Mode mode;
    private QueryBench.Deployment deployment;
    private LoadGenerator load;
    private List<String> paths;
    private Duration duration;
    private int repetition;

    QueryLoadBench(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == Mode.FIXED_RATE ? "query-load" : "query-router";
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        deployment = QueryBench.deployment(context);
        load = new LoadGenerator(CONNECTIONS);
        paths = deployment.keysOfA.stream().map(k -> "/domains/orders/views/orders-by-id/keys/" + k).toList();
        duration = Duration.ofMillis(context.scale(5_000));
    }

    @Override
    public Sample runOnce() throws Exception {
        long seed = 8L * ++repetition;
        if (mode == Mode.FIXED_RATE) {
            LoadGenerator.Result r = load.fixedRate(deployment.aUrl, paths, OFFERED_PER_SECOND, duration, seed);
            return new Sample(Map.of("req/s", r.perSecond(), "p50 µs", r.micros(0.5), "p99 µs", r.micros(0.99),
                    "server CPU µs/req", r.cpuMicrosPerRequest()));
        }
        LoadGenerator.Result direct;
        LoadGenerator.Result routed;
        if (repetition % 2 == 0) {
            direct = load.closedLoop(deployment.aUrl, paths, duration, seed);
            routed = load.closedLoop(deployment.router.url(), paths, duration, seed);
        } else {
            routed = load.closedLoop(deployment.router.url(), paths, duration, seed);
            direct = load.closedLoop(deployment.aUrl, paths, duration, seed);
        }
        Map<String, Double> m = new HashMap<>();
        m.put("direct req/s", direct.perSecond());
        m.put("router req/s", routed.perSecond());
        m.put("direct p50 µs", direct.micros(0.5));
        m.put("router p50 µs", routed.micros(0.5));
        m.put("direct p99 µs", direct.micros(0.99));
        m.put("router p99 µs", routed.micros(0.99));
        m.put("router ÷ direct req/s", routed.perSecond() / direct.perSecond());
        m.put("p50 added µs", routed.micros(0.5) - direct.micros(0.5));
        m.put("direct server CPU µs/req", direct.cpuMicrosPerRequest());
        m.put("router server CPU µs/req", routed.cpuMicrosPerRequest());
        return new Sample(m);
    }

    @Override
    public void tearDown() throws Exception {
        if (load != null) {
            load.close();
        }
        QueryBench.release();
    }
}
