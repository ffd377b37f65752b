package io.datamesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckWindowTest {

    @Test
    void acknowledgesUpToTheOldestDeliveryStillWaitingForKafka() {
        AckWindow w = new AckWindow();
        for (long tag = 1; tag <= 5; tag++) {
            w.delivered(tag, tag * 100);
        }
        assertThat(w.ackable()).isZero();

        w.completed(2);
        w.completed(3);
        assertThat(w.ackable()).as("1 still waits for Kafka").isZero();

        w.completed(1);
        assertThat(w.ackable()).isEqualTo(3);
        assertThat(w.deliveredUpTo(3)).containsExactly(100, 200, 300);
        w.acked(3);
        assertThat(w.ackable()).isZero();
        assertThat(w.unacked()).isEqualTo(2);

        w.completed(5);
        assertThat(w.ackable()).isZero();
        w.completed(4);
        assertThat(w.ackable()).isEqualTo(5);
        assertThat(w.deliveredUpTo(5)).containsExactly(400, 500);
        w.acked(5);
        assertThat(w.unacked()).isZero();
    }

    @Test
    void afterARecoveryTheOldDeliveriesAreForgottenAndNeverAcknowledged() {
        AckWindow w = new AckWindow();
        w.delivered(1, 0);
        w.delivered(2, 0);
        w.completed(1);

        w.forgetAll();
        assertThat(w.unacked()).isZero();
        assertThat(w.completed(2)).as("the bus requeued it; Kafka's late answer settles nothing").isFalse();
        assertThat(w.ackable()).isZero();

        w.delivered(3, 0); // the recovered channel's tags continue past the old ones
        w.completed(3);
        assertThat(w.ackable()).isEqualTo(3);
    }
}
