package io.datamesh.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * A product's freshness objective: the newest record's recordedAt should be at most {@code slo}
 * behind now while the source is active. Exported as a metric and checked by {@code /ready}.
 */
public record Freshness(Duration slo) {

    public Freshness {
        Objects.requireNonNull(slo, "slo");
        if (slo.isNegative() || slo.isZero()) {
            throw new IllegalArgumentException("a freshness SLO must be positive, was " + slo);
        }
    }
}
