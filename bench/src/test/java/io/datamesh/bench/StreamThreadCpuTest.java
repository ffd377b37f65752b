package io.datamesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;

/** The CPU- and allocation-per-record rows count the application's stream threads, and only those. */
class StreamThreadCpuTest {

    @Test
    void countsTheStreamThreadsOfTheApplicationAndNotTheirClientsNetworkThreads() throws Exception {
        Snapshots s = whileWorking(StreamThreadCpuTest::burn, 100, 300);
        // The stream thread burnt 100 ms (and a little more to notice it) after the first snapshot; the others 300 ms each.
        assertThat(s.after().nanosSince(s.before()))
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100)).isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Test
    void countsTheBytesTheStreamThreadsAllocateAndNotTheOthers() throws Exception {
        Snapshots s = whileWorking(StreamThreadCpuTest::allocate, 10 << 20, 30 << 20);
        // 10 MiB in 1 KiB arrays (each with its header), and what waiting on the latches takes: far below the others' 30 MiB.
        assertThat(s.after().bytesAllocatedSince(s.before())).isGreaterThanOrEqualTo(10L << 20).isLessThan(12L << 20);
    }

    @Test
    void anApplicationWithoutStreamThreadsIsAnError() {
        assertThatThrownBy(() -> StreamThreadCpu.of("no-such-app")).hasMessageContaining("no stream thread of no-such-app");
    }

    private record Snapshots(StreamThreadCpu before, StreamThreadCpu after) {
    }

    /**
     * Snapshots of {@code bench.app}'s stream threads taken before and after its stream thread does {@code work} of
     * {@code streamAmount}, while its producer's network thread and another app's stream thread do {@code otherAmount} each.
     */
    private static Snapshots whileWorking(IntConsumer work, int streamAmount, int otherAmount) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(3);
        CountDownLatch stop = new CountDownLatch(1);
        List<Thread> threads = List.of(
                new Thread(() -> worker(work, streamAmount, go, done, stop), "bench.app-7f3a-StreamThread-1"),
                new Thread(() -> worker(work, otherAmount, go, done, stop), "kafka-producer-network-thread | bench.app-7f3a-StreamThread-1-producer"),
                new Thread(() -> worker(work, otherAmount, go, done, stop), "bench.other-7f3a-StreamThread-1"));
        threads.forEach(Thread::start);
        try {
            StreamThreadCpu before = StreamThreadCpu.of("bench.app");
            go.countDown();
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            return new Snapshots(before, StreamThreadCpu.of("bench.app"));
        } finally {
            stop.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /** Once told to go, does {@code work} of {@code amount}, then waits until told to stop (the thread stays alive for the snapshot). */
    private static void worker(IntConsumer work, int amount, CountDownLatch go, CountDownLatch done, CountDownLatch stop) {
        try {
            go.await(60, TimeUnit.SECONDS);
            work.accept(amount);
            done.countDown();
            stop.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spins for {@code millis} of this thread's CPU time. */
    private static void burn(int millis) {
        var threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    /** Allocates {@code bytes} in 1 KiB arrays. */
    private static void allocate(int bytes) {
        long sum = 0;
        for (int made = 0; made < bytes; made += 1024) {
            byte[] b = new byte[1024];
            b[made % 1024] = 1;
            sum += b.length;
        }
        if (sum == 42) {
            System.out.print("");
        }
    }
}
