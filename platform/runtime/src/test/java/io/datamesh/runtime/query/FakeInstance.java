package io.datamesh.runtime.query;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * A stand-in for a domain instance, on a free port: answers every GET with 200 and
 * {@code {"path":"<the request's path and query>"}} (and the instance header), after {@code delay} when
 * the path ends in {@code /slow} or its last segment starts with {@code slow}; counts the connections it accepted; optionally drops each connection
 * shortly after answering on it, as a server does with idle keep-alive connections.
 */
final class FakeInstance implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final AtomicInteger connections = new AtomicInteger();
    private final Duration delay;
    private final boolean dropsAfterAnswer;
    private final Channel server;

    FakeInstance(Duration delay, boolean dropsAfterAnswer) throws InterruptedException {
        this.delay = delay;
        this.dropsAfterAnswer = dropsAfterAnswer;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Answering());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Stops it (again: a test stops an instance midway, then try-with-resources does). */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = ("{\"path\":\"" + request.uri() + "\"}").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(QueryService.INSTANCE, "fake:1");
            Runnable answer = () -> {
                ctx.writeAndFlush(response);
                if (dropsAfterAnswer) {
                    ctx.executor().schedule(() -> ctx.close(), 20, TimeUnit.MILLISECONDS);
                }
            };
            String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?')) : request.uri();
            if (path.endsWith("/slow") || path.substring(path.lastIndexOf('/') + 1).startsWith("slow")) {
                ctx.executor().schedule(answer, delay.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }
    }
}
