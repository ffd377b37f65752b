package io.datamesh.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time that the stream threads of one Kafka Streams application have used, from
 * {@link ThreadMXBean}: the figure of a topology's cost that does not move with the broker's noise
 * (waiting for fetches and acknowledgements costs the thread no CPU). A stream thread is named
 * {@code <client id>-StreamThread-<n>}, and the client id starts with the application id; the
 * clients' own network threads are named otherwise and are not counted.
 */
final class StreamThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds by thread id at the time of the snapshot. */
    private final Map<Long, Long> nanos;

    private StreamThreadCpu(Map<Long, Long> nanos) {
        this.nanos = nanos;
    }

    /** The CPU time each stream thread of {@code applicationId} has used until now. */
    static StreamThreadCpu of(String applicationId) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        Map<Long, Long> nanos = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith(applicationId + "-") && name.contains("-StreamThread-")) {
                long cpu = THREADS.getThreadCpuTime(t.getId());
                if (cpu >= 0) {
                    nanos.put(t.getId(), cpu);
                }
            }
        }
        if (nanos.isEmpty()) {
            throw new IllegalStateException("no stream thread of " + applicationId + " is alive");
        }
        return new StreamThreadCpu(nanos);
    }

    /** CPU nanoseconds used since {@code earlier}, summed over the stream threads (a thread started since counts from zero). */
    long nanosSince(StreamThreadCpu earlier) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : nanos.entrySet()) {
            sum += e.getValue() - earlier.nanos.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }
}
