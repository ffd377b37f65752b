package io.datamesh.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * CPU time spent by the HTTP servers' threads of this JVM: Micronaut's event loops (every domain
 * instance's and the router's), the forwarders' loop and the bare Netty floor's. Divided by the requests
 * answered it gives what one request costs the server side, a figure that holds when other processes
 * share the cores and stretch every latency.
 */
final class ServerCpu {

    /** Thread name prefixes of the servers' threads. */
    static final List<String> PREFIXES = List.of("default-eventLoopGroup", "mesh-forwarder", NettyFloorServer.THREADS);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ServerCpu() {
    }

    /** CPU nanoseconds the servers' live threads have used so far. */
    static long nanos() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (PREFIXES.stream().anyMatch(name::startsWith)) {
                long cpu = THREADS.getThreadCpuTime(t.getId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }
}
