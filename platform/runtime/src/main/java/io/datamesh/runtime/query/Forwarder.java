package io.datamesh.runtime.query;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a query on to another instance of the domain (or a router on to a domain) and brings its
 * answer back as it is. A connection that fails or times out is an {@link IOException}: the
 * caller decides whether a standby can answer instead.
 *
 * <p>Connections are HTTP/1.1 keep-alive, pooled per instance and event loop ({@value #MAX_CONNECTIONS_PER_INSTANCE}
 * at most, then a request waits for a free one). A caller on a server's event loop (the router) uses
 * {@link #getAsync(EventLoop, String, String, Map)} with that loop: it is never blocked, and its
 * connections live on the same loop, as in a Netty proxy, so a request and its answer never change
 * threads. Other callers' connections live on the forwarder's own event loop; {@link #get} blocks the
 * calling thread only. A request that finds its pooled connection closed by the other side before
 * any answer (an idle keep-alive connection the server has just dropped) is sent once more on a
 * new connection: every request here is a GET, which is safe to repeat.
 */
public final class Forwarder implements AutoCloseable {

    /** Headers of an instance's answer that travel back to the client. */
    static final List<String> PASSED_HEADERS = List.of(QueryService.SERVED_BY, QueryService.INSTANCE, QueryService.PARTITION,
            QueryService.STANDBY_LAG, "Retry-After");

    /** Connections kept to one instance from one event loop; more concurrent requests queue for one of them. */
    static final int MAX_CONNECTIONS_PER_INSTANCE = 64;
    /** The largest answer taken (a page of a range is far smaller). */
    private static final int MAX_ANSWER_BYTES = 256 * 1024 * 1024;
    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("mesh.forwarder.exchange");
    private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("mesh.forwarder.used");

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Duration timeout;
    private final Map<PoolKey, FixedChannelPool> pools = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    /**
     * @param connectTimeout how long a new connection may take
     * @param timeout how long an answer may take once the request is sent (and a request may wait for a pooled connection)
     */
    public Forwarder(Duration connectTimeout, Duration timeout) {
        this.timeout = timeout;
        // One thread: it only moves bytes (encode a GET, decode an answer), a few microseconds a request.
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mesh-forwarder", true), NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** GET {@code pathAndQuery} on {@code host} with {@code headers}. */
    public Answer get(HostInfo host, String pathAndQuery, Map<String, String> headers) throws IOException {
        return get("http://" + host.host() + ":" + host.port(), pathAndQuery, headers);
    }

    /** GET {@code pathAndQuery} on the server at {@code baseUrl} with {@code headers}; blocks the calling thread. */
    public Answer get(String baseUrl, String pathAndQuery, Map<String, String> headers) throws IOException {
        CompletableFuture<Answer> answer = getAsync(baseUrl, pathAndQuery, headers);
        try {
            // The exchange times itself out; the margin only guards against a lost completion.
            return answer.get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(false);
            throw new IOException("interrupted while asking " + baseUrl, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("asking " + baseUrl + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer from " + baseUrl + " within " + timeout.toMillis() * 2 + " ms", e);
        }
    }

    /**
     * GET {@code pathAndQuery} on the server at {@code baseUrl} with {@code headers}, without blocking:
     * the answer completes on the forwarder's event loop; a failure completes it with an {@link IOException}.
     */
    public CompletableFuture<Answer> getAsync(String baseUrl, String pathAndQuery, Map<String, String> headers) {
        return getAsync(null, baseUrl, pathAndQuery, headers);
    }

    /**
     * As {@link #getAsync(String, String, Map)}, on connections of {@code loop} (the caller's own event loop, where the
     * answer then completes), or of the forwarder's loop when null.
     */
    public CompletableFuture<Answer> getAsync(EventLoop loop, String baseUrl, String pathAndQuery, Map<String, String> headers) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        relay(loop, baseUrl, pathAndQuery, headers, new Relay() {
            @Override
            public void answered(FullHttpResponse response) {
                try {
                    answer.complete(toAnswer(response));
                } finally {
                    response.release();
                }
            }

            @Override
            public void failed(IOException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /**
     * Where the answer to one {@link #relay} goes: exactly one of the two is called, on the connection's event loop
     * ({@code loop}, when one was given).
     */
    public interface Relay {

        /** The instance's whole answer, as it came (body undecoded); the receiver owns it and must release or write it. */
        void answered(FullHttpResponse response);

        /** The instance could not be reached, dropped the connection before the whole answer, or took too long. */
        void failed(IOException e);
    }

    /**
     * GET {@code pathAndQuery} on the server at {@code baseUrl} with {@code headers}, on connections of {@code loop}
     * (or of the forwarder's loop when null), and hand its answer as it came to {@code to}: nothing is decoded or copied,
     * so a router can write it on to its client as it is.
     */
    public void relay(EventLoop loop, String baseUrl, String pathAndQuery, Map<String, String> headers, Relay to) {
        InetSocketAddress address;
        try {
            address = address(baseUrl);
        } catch (IllegalArgumentException e) {
            to.failed(new IOException("not an instance address: " + baseUrl + " (" + e.getMessage() + ")", e));
            return;
        }
        send(new Exchange(new PoolKey(loop, address), baseUrl, pathAndQuery, headers, to), true);
    }

    /** An answer's status, the headers that travel back ({@link #PASSED_HEADERS}) and its body as text. */
    static Answer toAnswer(FullHttpResponse response) {
        Map<String, String> passed = new LinkedHashMap<>();
        for (String name : PASSED_HEADERS) {
            String v = response.headers().get(name);
            if (v != null) {
                passed.put(name, v);
            }
        }
        return new Answer(response.status().code(), passed, response.content().toString(StandardCharsets.UTF_8));
    }

    /** Connections taken from the pools and not given back yet: each is waiting for an answer (for tests: none may leak). */
    int connectionsInUse() {
        return pools.values().stream().mapToInt(FixedChannelPool::acquiredChannelCount).sum();
    }

    /** Host and port of a base URL, parsed once per URL; the name is resolved when a connection is made, not here. */
    private InetSocketAddress address(String baseUrl) {
        return addresses.computeIfAbsent(baseUrl, u -> {
            URI uri = URI.create(u);
            if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("expected http://host:port");
            }
            return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort());
        });
    }

    /** Connections to one instance on one event loop. */
    private record PoolKey(EventLoop loop, InetSocketAddress address) {
    }

    private FixedChannelPool pool(PoolKey key) {
        return pools.computeIfAbsent(key, k -> new FixedChannelPool(bootstrap.clone(k.loop() == null ? group : k.loop()).remoteAddress(k.address()),
                new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES), new AnswerHandler());
            }
        }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL, timeout.toMillis(),
                MAX_CONNECTIONS_PER_INSTANCE, Integer.MAX_VALUE, true, true));
    }

    private void send(Exchange x, boolean mayRetry) {
        FixedChannelPool pool = pool(x.key);
        pool.acquire().addListener(f -> {
            if (!f.isSuccess()) {
                x.fail(new IOException("cannot reach " + x.baseUrl + ": " + describe(f.cause()), f.cause()));
                return;
            }
            Channel ch = (Channel) f.getNow();
            boolean reused = ch.hasAttr(USED);
            ch.attr(USED).set(Boolean.TRUE);
            x.bind(ch, pool, reused && mayRetry ? () -> send(x, false) : null);
            ch.writeAndFlush(x.request()).addListener(w -> {
                if (!w.isSuccess()) {
                    x.connectionLost(w.cause());
                }
            });
        });
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        for (FixedChannelPool pool : pools.values()) {
            try {
                pool.close();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // its event loop (a server's) has stopped, and closed its connections with it
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** One request and its answer, on one pooled connection at a time. */
    private final class Exchange {

        final PoolKey key;
        final String baseUrl;
        final String pathAndQuery;
        final Map<String, String> headers;
        final Relay answer;
        private Channel channel;
        private FixedChannelPool pool;
        private Runnable retry;
        private ScheduledFuture<?> deadline;

        Exchange(PoolKey key, String baseUrl, String pathAndQuery, Map<String, String> headers, Relay answer) {
            this.key = key;
            this.baseUrl = baseUrl;
            this.pathAndQuery = pathAndQuery;
            this.headers = headers;
            this.answer = answer;
        }

        /** Runs on the channel's event loop (the pool's acquire listener). */
        void bind(Channel ch, FixedChannelPool p, Runnable retryOnClosed) {
            channel = ch;
            pool = p;
            retry = retryOnClosed;
            ch.attr(EXCHANGE).set(this);
            deadline = ch.eventLoop().schedule(() -> {
                if (ch.attr(EXCHANGE).compareAndSet(this, null)) {
                    ch.close();
                    pool.release(ch);
                    answer.failed(new IOException("no answer from " + baseUrl + " within " + timeout.toMillis() + " ms"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        FullHttpRequest request() {
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
            r.headers().set(HttpHeaderNames.HOST, key.address().getHostString() + ":" + key.address().getPort());
            headers.forEach((name, value) -> r.headers().set(name, value));
            return r;
        }

        /** The answer arrived: give the connection back (or close it if the server will), then pass the answer on. */
        void answered(FullHttpResponse response) {
            if (!unbind()) {
                return;
            }
            if (!HttpUtil.isKeepAlive(response)) {
                channel.close();
            }
            pool.release(channel);
            answer.answered(response.retain());
        }

        /** The connection closed or failed before the answer: once more on a new one if it was a reused connection, else a failure. */
        void connectionLost(Throwable cause) {
            if (!unbind()) {
                return;
            }
            channel.close();
            pool.release(channel);
            if (retry != null) {
                retry.run();
            } else {
                fail(new IOException("connection to " + baseUrl + " lost before the answer: "
                        + (cause == null ? "closed by the other side" : describe(cause)), cause));
            }
        }

        void fail(IOException e) {
            answer.failed(e);
        }

        private boolean unbind() {
            if (!channel.attr(EXCHANGE).compareAndSet(this, null)) {
                return false;
            }
            deadline.cancel(false);
            return true;
        }
    }

    /** Hands each answer, or the loss of the connection, to the exchange that waits on this connection. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Exchange x = ctx.channel().attr(EXCHANGE).get();
            if (x == null) {
                return;
            }
            if (response.decoderResult().isFailure()) {
                // e.g. the connection closed before the whole body: the codec hands on what came, marked as broken
                x.connectionLost(response.decoderResult().cause());
            } else {
                x.answered(response);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Exchange x = ctx.channel().attr(EXCHANGE).get();
            if (x != null) {
                x.connectionLost(null);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange x = ctx.channel().attr(EXCHANGE).get();
            if (x != null) {
                x.connectionLost(cause);
            } else {
                ctx.close();
            }
        }
    }
}
