package io.datamesh.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A load generator like {@code wrk}, in Java so that {@code make bench} needs nothing else: a fixed number
 * of HTTP/1.1 keep-alive connections on two event-loop threads, each with one request in flight at a time.
 * <ul>
 *   <li>{@link #closedLoop}: each connection sends its next request as soon as its answer arrives (what
 *       {@code wrk} does): the throughput the server can give, and the latency at that load.</li>
 *   <li>{@link #fixedRate}: requests are due at a fixed offered rate, spread over the connections (what
 *       {@code wrk2} does). A request due while its connection still waits for the previous answer is sent
 *       when that answer arrives, and its latency counts from when it was due, so a stall shows in p99 as
 *       the users behind it would feel it (no coordinated omission).</li>
 * </ul>
 * Every answer must be a 200; anything else fails the run.
 */
final class LoadGenerator implements AutoCloseable {

    /**
     * What a run measured: requests answered, over how long, each request's latency (sorted), and the CPU time
     * the servers' threads used meanwhile ({@link ServerCpu}).
     */
    record Result(long requests, double seconds, long[] sortedNanos, long cpuNanos) {

        double perSecond() {
            return requests / seconds;
        }

        /** The servers' CPU time per request in µs: steadier than latency when other processes share the cores. */
        double cpuMicrosPerRequest() {
            return cpuNanos / 1e3 / requests;
        }

        /** The {@code q} quantile (0.5, 0.99) in µs. */
        double micros(double q) {
            return sortedNanos[Math.min(sortedNanos.length - 1, (int) (sortedNanos.length * q))] / 1e3;
        }
    }

    private final int connections;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    LoadGenerator(int connections) {
        this.connections = connections;
    }

    /** Each connection sends its next request as soon as the previous answer arrives, for {@code duration}. */
    Result closedLoop(String baseUrl, List<String> paths, Duration duration, long seed) throws Exception {
        return run(baseUrl, paths, duration, 0, seed);
    }

    /** Requests due at {@code perSecond} in all, spread evenly over the connections, for {@code duration}. */
    Result fixedRate(String baseUrl, List<String> paths, double perSecond, Duration duration, long seed) throws Exception {
        return run(baseUrl, paths, duration, (long) (1e9 * connections / perSecond), seed);
    }

    /** @param intervalNanos between two requests of one connection, or 0 for a closed loop */
    private Result run(String baseUrl, List<String> paths, Duration duration, long intervalNanos, long seed) throws Exception {
        URI base = URI.create(baseUrl);
        InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
        String host = base.getHost() + ":" + base.getPort();
        CountDownLatch done = new CountDownLatch(connections);
        AtomicReference<String> failure = new AtomicReference<>();
        List<Connection> conns = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        try {
            for (int c = 0; c < connections; c++) {
                Connection conn = new Connection(paths, host, intervalNanos, seeds.split(), done, failure);
                conns.add(conn);
                channels.add(new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024 * 1024), conn);
                            }
                        }).connect(address).sync().channel());
            }
            long cpuBefore = ServerCpu.nanos();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            for (int c = 0; c < connections; c++) {
                Connection conn = conns.get(c);
                // Fixed rate: the connections' first requests are due one after the other, not all at once.
                long first = start + (intervalNanos == 0 ? 0 : intervalNanos * c / connections);
                Channel ch = channels.get(c);
                ch.eventLoop().execute(() -> conn.begin(ch, first, end));
            }
            if (!done.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the load generator's connections did not finish within a minute after the run");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = ServerCpu.nanos() - cpuBefore;
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            long[] all = conns.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count)).sorted().toArray();
            return new Result(all.length, seconds, all, cpu);
        } finally {
            channels.forEach(ch -> ch.close().syncUninterruptibly());
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One keep-alive connection; all its state is touched on its event loop only. */
    private static final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final List<String> paths;
        private final String host;
        private final long intervalNanos;
        private final SplittableRandom random;
        private final CountDownLatch done;
        private final AtomicReference<String> failure;
        private Channel channel;
        private long end;
        private long due;
        private long started;
        private long[] latencies = new long[1024];
        private int count;

        Connection(List<String> paths, String host, long intervalNanos, SplittableRandom random, CountDownLatch done,
                   AtomicReference<String> failure) {
            this.paths = paths;
            this.host = host;
            this.intervalNanos = intervalNanos;
            this.random = random;
            this.done = done;
            this.failure = failure;
        }

        void begin(Channel ch, long firstDue, long endNanos) {
            channel = ch;
            end = endNanos;
            due = firstDue;
            next();
        }

        /** Sends the request that is due now, waits until it is due, or ends the run. */
        private void next() {
            long now = System.nanoTime();
            if (due >= end || now >= end) {
                done.countDown();
                return;
            }
            if (due > now) {
                // On time: the latency counts from when it is actually sent (the timer wakes up late by up to a millisecond).
                channel.eventLoop().schedule(() -> send(System.nanoTime()), due - now, TimeUnit.NANOSECONDS);
            } else {
                // Late because the previous answer was: the wait behind it counts.
                send(intervalNanos == 0 ? now : due);
            }
        }

        private void send(long latencyFrom) {
            started = latencyFrom;
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, paths.get(random.nextInt(paths.size())));
            r.headers().set(HttpHeaderNames.HOST, host);
            channel.writeAndFlush(r);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            if (response.status().code() != 200) {
                failure.compareAndSet(null, "answered " + response.status() + ": " + response.content().toString(java.nio.charset.StandardCharsets.UTF_8));
                done.countDown();
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = now - started;
            due = intervalNanos == 0 ? now : due + intervalNanos;
            next();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (channel != null && System.nanoTime() < end && done.getCount() > 0) {
                failure.compareAndSet(null, "the server closed a keep-alive connection during the run");
                done.countDown();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, "connection failed: " + cause);
            done.countDown();
            ctx.close();
        }
    }
}
