package io.datamesh.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * What {@code make test} keeps of {@code make chaos}: the orders runtime killed with SIGKILL while order
 * lines flow (R1) and poison of every kind mixed in (R4), each followed by the platform's first question.
 * A change that loses, duplicates or swallows a record fails the build here; the seed is printed.
 */
class ChaosShortTest {

    @Test
    void killedAndPoisonedThePlatformLosesNothingDuplicatesNothingAndStillAnswers() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("ChaosShortTest seed: " + seed + " (rerun with -Dseed=" + seed + ")");
        List<ChaosMain.Outcome> outcomes = ChaosMain.run(seed, ChaosMain.Scale.SHORT);
        System.out.println(ChaosMain.table(outcomes, seed, ChaosMain.Scale.SHORT, java.time.Duration.ZERO));
        assertThat(outcomes).extracting(ChaosMain.Outcome::id).containsExactly("Q", "R1", "Q", "R4", "Q");
        assertThat(outcomes).as("every fault held (seed %d)", seed).allSatisfy(o -> assertThat(o.holds()).as(o.toString()).isTrue());
    }
}
