package io.datamesh.runtime.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's fast path, one per client connection, right behind the server's HTTP codec: a
 * {@code GET /domains/{d}/…} (or {@code /domains/{d}}) goes on to an instance of {@code d} without
 * Micronaut's routing, and the instance's answer comes back as it came (status, headers, body bytes),
 * except for the headers of the instance's own connection. Every other request (the catalog
 * {@code /domains}, {@code /health}, {@code /openapi.yml}, other methods, requests the codec could not
 * read) goes on to Micronaut, as before.
 *
 * <p>Order on a connection: answers leave in the order the requests came. A request of ours waits until
 * Micronaut has answered every request before it, and everything after a request of ours waits until it is
 * answered; meanwhile nothing more is read from the client (Micronaut asks for reads: those asks are held
 * back), so the router keeps at most one answer per client connection, and a client that reads slowly
 * holds back only its own next request: the next one is read once its answer has been written to the socket.
 *
 * <p>Runs on the connection's event loop only; its connections to the instances live there too.
 */
final class RouterPassThrough extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(RouterPassThrough.class);
    private static final String PREFIX = "/domains/";

    private final QueryRouter router;
    /** Requests (and their content) that came while an earlier one is still unanswered and must answer first. */
    private final ArrayDeque<Object> held = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    /** Requests handed to Micronaut whose answer has not been written in full yet. */
    private int micronautAnswers;
    /** A request of ours is unanswered. */
    private boolean passing;
    /** The content of the request being read belongs to a request of ours (a GET's body, if any: dropped). */
    private boolean dropping;
    /** Micronaut asked for a read while we held reading back. */
    private boolean readWanted;
    /** The answer Micronaut is writing is an interim one (1xx): its end is not the end of an answer. */
    private boolean interim;

    RouterPassThrough(QueryRouter router) {
        this.router = router;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || !dispatch(msg)) {
            held.add(msg);
        }
    }

    /** Micronaut asks for more of the client's bytes: not while a request of ours, or one held behind it, waits. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (passing || !held.isEmpty()) {
            readWanted = true;
            return;
        }
        ctx.read();
    }

    /** Micronaut's answers pass here on their way out: count them, to know when a held request of ours may go. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r) {
            interim = r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        boolean answered = msg instanceof LastHttpContent && !interim;
        ctx.write(msg, promise);
        if (answered && micronautAnswers > 0 && --micronautAnswers == 0 && !held.isEmpty()) {
            // Not from inside Micronaut's write: it may be in the middle of its own bookkeeping.
            ctx.executor().execute(this::drain);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        super.channelInactive(ctx);
    }

    /** Hands {@code msg} on, to an instance or to Micronaut; false when it must wait for an earlier answer (nothing done then). */
    private boolean dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            String domain = domainOf(request);
            if (domain != null) {
                if (passing || micronautAnswers > 0) {
                    return false;
                }
                passing = true;
                dropping = !(msg instanceof LastHttpContent);
                try {
                    pass(request, domain);
                } catch (RuntimeException e) {
                    log.error("Cannot pass on {} {}", request.method(), request.uri(), e);
                    respond(json(request.protocolVersion(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"error\":\"internal\",\"message\":"
                            + "\"the router failed to pass the request on: " + e.getClass().getSimpleName() + "; its logs say more\"}"),
                            HttpUtil.isKeepAlive(request));
                } finally {
                    ReferenceCountUtil.release(msg);
                }
                return true;
            }
            if (passing) {
                return false;
            }
            dropping = false;
            micronautAnswers++;
            ctx.fireChannelRead(msg);
            return true;
        }
        if (dropping && msg instanceof HttpContent) {
            dropping = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return true;
        }
        ctx.fireChannelRead(msg);
        return true;
    }

    /** Hands on what waited, as far as the order allows; then reads again if Micronaut asked meanwhile. */
    private void drain() {
        boolean toMicronaut = false;
        while (!held.isEmpty()) {
            // Taken off before it is handed on: a refusal is written at once, and its completion drains again from in here.
            Object next = held.poll();
            boolean ours = dropping || (next instanceof HttpRequest r && domainOf(r) != null);
            if (!dispatch(next)) {
                held.addFirst(next);
                break;
            }
            toMicronaut |= !ours;
        }
        if (toMicronaut) {
            // Micronaut flushes what it writes during a read at the read's end: these reads need one too.
            ctx.fireChannelReadComplete();
        }
        if (held.isEmpty() && !passing && readWanted) {
            readWanted = false;
            ctx.read();
        }
    }

    /**
     * The domain of a request we pass on, or null for one Micronaut takes: a GET the codec could read, of
     * {@code /domains/{d}} or {@code /domains/{d}/{rest}} with neither part empty.
     */
    static String domainOf(HttpRequest request) {
        if (request.method() != HttpMethod.GET || !request.decoderResult().isSuccess()) {
            return null;
        }
        String uri = request.uri();
        if (!uri.startsWith(PREFIX)) {
            return null;
        }
        int pathEnd = uri.indexOf('?');
        if (pathEnd < 0) {
            pathEnd = uri.length();
        }
        int slash = uri.indexOf('/', PREFIX.length());
        int domainEnd = slash < 0 || slash > pathEnd ? pathEnd : slash;
        if (domainEnd == PREFIX.length() || (domainEnd < pathEnd && domainEnd == pathEnd - 1)) {
            return null;
        }
        String raw = uri.substring(PREFIX.length(), domainEnd);
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            // As Micronaut decodes a path variable: percent escapes only ('+' is a plus in a path).
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a broken escape: Micronaut answers it as before
        }
    }

    private void pass(HttpRequest request, String domain) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpVersion version = request.protocolVersion();
        // The instance compresses for a client that takes it (as Micronaut did here before); the bytes then pass as they are.
        String encodings = request.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
        java.util.Map<String, String> headers = encodings == null ? java.util.Map.of() : java.util.Map.of(HttpHeaderNames.ACCEPT_ENCODING.toString(), encodings);
        router.relay(domain, request.uri(), headers, ctx.channel().eventLoop(), new QueryRouter.Relayed() {
            @Override
            public void answered(FullHttpResponse response) {
                // The instance's connection is its own: its Connection and Keep-Alive say nothing about the client's.
                response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE)
                        .remove("Proxy-Connection").remove(HttpHeaderNames.UPGRADE);
                response.setProtocolVersion(version);
                respond(response, keepAlive);
            }

            @Override
            public void refused(QueryException e) {
                FullHttpResponse response = json(version, HttpResponseStatus.valueOf(e.status()), QueryController.toJson(e));
                if (e.retryAfterSeconds() != null) {
                    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
                }
                respond(response, keepAlive);
            }
        });
    }

    private static FullHttpResponse json(HttpVersion version, HttpResponseStatus status, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private void respond(FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release(); // the client left: its connection to the instance went back to the pool already
            return;
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                ctx.close();
                return;
            }
            // Only now the next request: a client that reads slowly holds back its own requests, not the router's memory.
            passing = false;
            drain();
        });
    }
}
