package io.datamesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The CPU- and allocation-per-record rows count the application's stream threads, and only those. */
class StreamThreadCpuTest {

    @Test
    void countsTheStreamThreadsOfTheApplicationAndNotTheirClientsNetworkThreads() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch burnt = new CountDownLatch(3);
        Thread stream = new Thread(() -> burn(100, go, burnt, stop), "bench.app-7f3a-StreamThread-1");
        Thread network = new Thread(() -> burn(300, go, burnt, stop), "kafka-producer-network-thread | bench.app-7f3a-StreamThread-1-producer");
        Thread otherApp = new Thread(() -> burn(300, go, burnt, stop), "bench.other-7f3a-StreamThread-1");
        stream.start();
        network.start();
        otherApp.start();
        try {
            StreamThreadCpu before = StreamThreadCpu.of("bench.app");
            go.countDown();
            assertThat(burnt.await(60, TimeUnit.SECONDS)).isTrue();
            StreamThreadCpu after = StreamThreadCpu.of("bench.app");
            long stream100ms = after.nanosSince(before);
            // The stream thread burnt 100 ms (and a little more to notice it) after the first snapshot; the others 300 ms each.
            assertThat(stream100ms).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100)).isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
        } finally {
            stop.countDown();
            stream.join();
            network.join();
            otherApp.join();
        }
    }

    @Test
    void countsTheBytesTheStreamThreadsAllocateAndNotTheOthers() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(3);
        Thread stream = new Thread(() -> allocate(10 << 20, go, done, stop), "bench.app-7f3a-StreamThread-1");
        Thread network = new Thread(() -> allocate(30 << 20, go, done, stop), "kafka-producer-network-thread | bench.app-7f3a-StreamThread-1-producer");
        Thread otherApp = new Thread(() -> allocate(30 << 20, go, done, stop), "bench.other-7f3a-StreamThread-1");
        stream.start();
        network.start();
        otherApp.start();
        try {
            StreamThreadCpu before = StreamThreadCpu.of("bench.app");
            go.countDown();
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            StreamThreadCpu after = StreamThreadCpu.of("bench.app");
            // 10 MiB in 1 KiB arrays (each with its header), and what waiting on the latches takes: far below the others' 30 MiB.
            assertThat(after.bytesAllocatedSince(before)).isGreaterThanOrEqualTo(10L << 20).isLessThan(12L << 20);
        } finally {
            stop.countDown();
            stream.join();
            network.join();
            otherApp.join();
        }
    }

    @Test
    void anApplicationWithoutStreamThreadsIsAnError() {
        assertThatThrownBy(() -> StreamThreadCpu.of("no-such-app")).hasMessageContaining("no stream thread of no-such-app");
    }

    /** Once told to go, spins for {@code millis} of this thread's CPU time, then waits until told to stop. */
    private static void burn(long millis, CountDownLatch go, CountDownLatch burnt, CountDownLatch stop) {
        var threads = ManagementFactory.getThreadMXBean();
        try {
            go.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long start = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
            x += System.nanoTime() % 7;
        }
        burnt.countDown();
        try {
            stop.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    /** Once told to go, allocates {@code bytes} in 1 KiB arrays, then waits until told to stop. */
    private static void allocate(int bytes, CountDownLatch go, CountDownLatch done, CountDownLatch stop) {
        try {
            go.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long sum = 0;
        for (int made = 0; made < bytes; made += 1024) {
            byte[] b = new byte[1024];
            b[made % 1024] = 1;
            sum += b.length;
        }
        done.countDown();
        try {
            stop.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sum == 42) {
            System.out.print("");
        }
    }
}
