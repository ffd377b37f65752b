package io.datamesh.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time that the stream threads of one Kafka Streams application have used, from
 * {@link ThreadMXBean}: the figure of a topology's cost that does not move with the broker's noise
 * (waiting for fetches and acknowledgements costs the thread no CPU); and the bytes they have
 * allocated on the heap (HotSpot's own measure), which the garbage collector's threads pay for more
 * than these threads do. A stream thread is named
 * {@code <client id>-StreamThread-<n>}, and the client id starts with the application id; the
 * clients' own network threads are named otherwise and are not counted.
 */
final class StreamThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds by thread id at the time of the snapshot. */
    private final Map<Long, Long> nanos;
    /** Bytes allocated by thread id at the time of the snapshot. */
    private final Map<Long, Long> allocated;

    private StreamThreadCpu(Map<Long, Long> nanos, Map<Long, Long> allocated) {
        this.nanos = nanos;
        this.allocated = allocated;
    }

    /** The CPU time each stream thread of {@code applicationId} has used until now, and the bytes it has allocated. */
    static StreamThreadCpu of(String applicationId) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        if (!(THREADS instanceof com.sun.management.ThreadMXBean hotspot) || !hotspot.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot measure the bytes a thread allocates");
        }
        if (!hotspot.isThreadAllocatedMemoryEnabled()) {
            hotspot.setThreadAllocatedMemoryEnabled(true);
        }
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, Long> allocated = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith(applicationId + "-") && name.contains("-StreamThread-")) {
                long cpu = THREADS.getThreadCpuTime(t.getId());
                long bytes = hotspot.getThreadAllocatedBytes(t.getId());
                if (cpu >= 0 && bytes >= 0) {
                    nanos.put(t.getId(), cpu);
                    allocated.put(t.getId(), bytes);
                }
            }
        }
        if (nanos.isEmpty()) {
            throw new IllegalStateException("no stream thread of " + applicationId + " is alive");
        }
        return new StreamThreadCpu(nanos, allocated);
    }

    /** CPU nanoseconds used since {@code earlier}, summed over the stream threads (a thread started since counts from zero). */
    long nanosSince(StreamThreadCpu earlier) {
        return since(nanos, earlier.nanos);
    }

    /** Bytes allocated since {@code earlier}, summed over the stream threads (a thread started since counts from zero). */
    long bytesAllocatedSince(StreamThreadCpu earlier) {
        return since(allocated, earlier.allocated);
    }

    private static long since(Map<Long, Long> now, Map<Long, Long> then) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : now.entrySet()) {
            sum += e.getValue() - then.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }
}
