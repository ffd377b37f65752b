package io.datamesh.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.datamesh.collector.AcceptedClicks.Mine;
import io.datamesh.collector.AcceptedClicks.Pending;
import io.datamesh.collector.AcceptedClicks.Stored;
import org.junit.jupiter.api.Test;

class AcceptedClicksTest {

    private static final Instant T0 = Instant.parse("2026-12-01T19:00:00Z");

    @Test
    void aClickIsStoredOnceAndThenADuplicate() {
        AcceptedClicks clicks = new AcceptedClicks(Duration.ofMinutes(10), 100);
        assertThat(clicks.claim("k1", T0)).isInstanceOf(Mine.class);
        Pending pending = (Pending) clicks.claim("k1", T0);
        assertThat(pending.outcome()).isNotDone();

        clicks.stored("k1", T0);
        assertThat(pending.outcome()).isCompletedWithValue(true);
        assertThat(clicks.claim("k1", T0.plusSeconds(599))).isInstanceOf(Stored.class);
    }

    @Test
    void aClickThatFailedToBeStoredIsNotRemembered() {
        AcceptedClicks clicks = new AcceptedClicks(Duration.ofMinutes(10), 100);
        clicks.claim("k1", T0);
        Pending pending = (Pending) clicks.claim("k1", T0);

        clicks.failed("k1");
        assertThat(pending.outcome()).isCompletedWithValue(false);
        assertThat(clicks.claim("k1", T0)).isInstanceOf(Mine.class);
    }

    @Test
    void idsAreForgottenAfterTheWindowOrBeyondTheMostRememberedButNotWhilePending() {
        AcceptedClicks clicks = new AcceptedClicks(Duration.ofMinutes(10), 2);
        clicks.claim("pending", T0);
        clicks.claim("k1", T0);
        clicks.stored("k1", T0);
        clicks.claim("k2", T0);
        clicks.stored("k2", T0);

        assertThat(clicks.claim("k3", T0)).isInstanceOf(Mine.class);
        assertThat(clicks.size()).as("k1 forgotten, the pending one kept").isEqualTo(3);
        assertThat(clicks.claim("k1", T0)).isInstanceOf(Mine.class);
        clicks.stored("k3", T0);
        assertThat(clicks.claim("k3", T0.plus(Duration.ofMinutes(11)))).isInstanceOf(Mine.class);
        assertThat(clicks.claim("pending", T0.plus(Duration.ofMinutes(11)))).isInstanceOf(Pending.class);
    }
}
