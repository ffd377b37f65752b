package io.datamesh.collector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (its API key, else its address): {@code burst} requests at once, then
 * {@code perSecond} on average. Buckets of clients not seen for a while are forgotten, the least
 * recently seen first, beyond {@code maxClients}.
 */
final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final int maxClients;
    private final LongSupplier nanoTime;
    private final Map<String, double[]> buckets;

    RateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxClients = maxClients;
        this.nanoTime = nanoTime;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > RateLimiter.this.maxClients;
            }
        };
    }

    /**
     * Takes a token of {@code client}'s bucket.
     *
     * @return 0 if the request may go on, else the whole seconds until a token is there (Retry-After)
     */
    synchronized long acquire(String client) {
        long now = nanoTime.getAsLong();
        // {tokens, last refill in nanoseconds}
        double[] b = buckets.computeIfAbsent(client, c -> new double[] {burst, now});
        b[0] = Math.min(burst, b[0] + (now - b[1]) / 1e9 * perSecond);
        b[1] = now;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - b[0]) / perSecond);
    }
}
