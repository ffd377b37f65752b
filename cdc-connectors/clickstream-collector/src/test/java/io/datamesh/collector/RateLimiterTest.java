package io.datamesh.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void aClientGetsItsBurstThenTheAverageAndIsToldHowLongToWait() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(0.5, 2, 10, now::get);

        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).as("one token every 2 s").isEqualTo(2);
        assertThat(limiter.acquire("b")).as("another client has its own bucket").isZero();

        now.addAndGet(1_000_000_000L);
        assertThat(limiter.acquire("a")).isEqualTo(1);
        now.addAndGet(1_000_000_000L);
        assertThat(limiter.acquire("a")).isZero();
    }
}
