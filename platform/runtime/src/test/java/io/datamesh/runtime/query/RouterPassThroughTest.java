package io.datamesh.runtime.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router passes {@code /domains/{d}/…} on at the Netty level: the instance's answer comes back as it
 * came (status, headers, body bytes), in the order the requests came on a connection, each client gets its
 * own answers, and neither a client that leaves nor an instance that dies leaves a connection or a request hanging.
 */
class RouterPassThroughTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ScriptedInstance instance;
    private QueryRouter router;

    @BeforeEach
    void start() throws Exception {
        instance = new ScriptedInstance();
        router = new QueryRouter(Map.of("orders", List.of(instance.url()))).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        router.close();
        instance.close();
    }

    @Test
    void answersComeBackAsTheInstanceSentThem() throws Exception {
        for (int status : new int[] {200, 400, 404, 503}) {
            String path = "/domains/orders/status/" + status + "?knownAt=2018-07-09&q=%E6%97%A5";
            Raw direct = exchange(instance.port(), path);
            Raw routed = exchange(routerPort(), path);
            assertThat(routed.status).as(path).isEqualTo(status);
            assertThat(routed.body).as(path).isEqualTo(direct.body).contains("\"path\":\"" + path + "\"");
            Map<String, String> expected = new LinkedHashMap<>(direct.headers);
            expected.remove("connection");
            Map<String, String> got = new LinkedHashMap<>(routed.headers);
            got.remove("connection");
            assertThat(got).as(path + ": every header of the instance's answer, as it sent it").isEqualTo(expected);
            // Only the pass-through keeps these: Micronaut's path rewrote Content-Type and dropped unknown headers.
            assertThat(routed.headers).containsEntry("content-type", "application/problem+json; charset=utf-8").containsEntry("x-scripted", "yes");
        }
        assertThat(exchange(routerPort(), "/domains/orders/status/503").headers).containsEntry("retry-after", "7");
    }

    @Test
    void thePassThroughAnswersAsMicronautsPathDoes() throws Exception {
        Map<String, List<String>> domains = Map.of("orders", List.of(instance.url()), "gone", List.of(closedPortUrl()));
        try (QueryRouter plain = new QueryRouter(domains).start("127.0.0.1", 0, false);
             QueryRouter fast = new QueryRouter(domains).start("127.0.0.1", 0, true)) {
            for (String path : List.of("/domains/orders/views/v/keys/k?knownAt=2018-07-09&validAt=2018-07-08T12:00:00Z",
                    "/domains/orders/status/400", "/domains/orders/status/404", "/domains/orders/status/503", "/domains/orders",
                    "/domains/or%64ers/views/v/keys/%E6%97%A5", "/domains/orders/views/v/keys/a+b%2Fc", "/domains/nope/views/v/keys/k",
                    "/domains/gone/views/v/keys/k", "/domains/orders/die")) {
                Raw slow = exchange(URI.create(plain.url()).getPort(), path);
                Raw quick = exchange(URI.create(fast.url()).getPort(), path);
                assertThat(quick.status).as(path).isEqualTo(slow.status);
                assertThat(quick.body).as(path).isEqualTo(slow.body);
                for (String name : Forwarder.PASSED_HEADERS) {
                    String n = name.toLowerCase(Locale.ROOT);
                    assertThat(quick.headers.get(n)).as(path + " " + name).isEqualTo(slow.headers.get(n));
                }
                assertThat(quick.headers.get("content-type")).as(path).contains("json");
            }
        }
    }

    private static String closedPortUrl() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void refusalsOfTheRouterItselfAreJsonAsBefore() throws Exception {
        Raw unknown = exchange(routerPort(), "/domains/nope/views/v/keys/k");
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.headers.get("content-type")).startsWith("application/json");
        assertThat(unknown.body).contains("\"available\":[\"orders\"]", "no domain 'nope'");

        Raw post = send(routerPort(), "POST /domains/orders/views/v/keys/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 1).get(0);
        assertThat(post.status).as("other methods: Micronaut, as before").isEqualTo(405);
        assertThat(post.body).contains("method_not_allowed");

        Raw tooLong = exchange(routerPort(), "/domains/orders/views/v/keys/" + "k".repeat(QueryService.MAX_REQUEST_LINE_BYTES + 10));
        assertThat(tooLong.status).isEqualTo(413);
        assertThat(tooLong.body).contains("too_large");

        assertThat(exchange(routerPort(), "/health").body).contains("\"status\":\"UP\"");
        assertThat(exchange(routerPort(), "/domains").body).isEqualTo("[{\"path\":\"/domains/orders\"}]");
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
        // A slow request of ours, then Micronaut's, then ours, then the catalog (Micronaut's, which asks the instance), then ours:
        // none may overtake another on the connection.
        // Refusals the router writes at once (an unknown domain) wait their turn too.
        String requests = request("/domains/orders/slow-1") + request("/health") + request("/domains/orders/k2")
                + request("/domains") + request("/domains/orders/slow-3") + request("/domains/orders/k4")
                + request("/domains/nope/a") + request("/domains/nope/b") + request("/health") + request("/domains/nope/c")
                + request("/domains/orders/k5");
        List<Raw> answers = send(routerPort(), requests, 11);
        assertThat(answers.subList(0, 6)).extracting(a -> a.status).containsOnly(200);
        assertThat(answers.subList(6, 11)).extracting(a -> a.status).containsExactly(404, 404, 200, 404, 200);
        assertThat(answers.get(6).body).contains("no domain 'nope'");
        assertThat(answers.get(8).body).contains("\"status\":\"UP\"");
        assertThat(answers.get(10).body).contains("/domains/orders/k5");
        assertThat(answers.get(0).body).contains("/domains/orders/slow-1");
        assertThat(answers.get(1).body).contains("\"status\":\"UP\"");
        assertThat(answers.get(2).body).contains("/domains/orders/k2");
        assertThat(answers.get(3).body).isEqualTo("[{\"path\":\"/domains/orders\"}]"); // the catalog: each domain's own entry
        assertThat(answers.get(4).body).contains("/domains/orders/slow-3");
        assertThat(answers.get(5).body).contains("/domains/orders/k4");
    }

    @Test
    void concurrentClientsEachGetTheirOwnAnswers() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                long seed = c;
                done.add(clients.submit((Callable<Integer>) () -> {
                    Random random = new Random(seed);
                    try (Socket s = new Socket("127.0.0.1", routerPort())) {
                        for (int i = 0; i < 200; i++) {
                            String key = Long.toHexString(random.nextLong());
                            String path = "/domains/orders/views/v/keys/" + key + (random.nextInt(50) == 0 ? "/slow" : "");
                            s.getOutputStream().write(request(path).getBytes(StandardCharsets.US_ASCII));
                            Raw r = read(s.getInputStream());
                            assertThat(r.status).isEqualTo(200);
                            assertThat(r.body).isEqualTo("{\"path\":\"" + path + "\"}");
                        }
                    }
                    return 200;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(router.connectionsInUse()).isZero();
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerLeavesNoConnectionTaken() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (Socket s = new Socket("127.0.0.1", routerPort())) {
                s.getOutputStream().write(request("/domains/orders/views/v/keys/k" + i + "/slow").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (instance.requests.get() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(instance.requests.get()).as("requests passed on before their clients left").isEqualTo(5);
        assertThat(router.connectionsInUse()).as("their answers are still coming").isPositive();
        while (router.connectionsInUse() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(router.connectionsInUse()).as("connections to the instance still taken").isZero();
        assertThat(exchange(routerPort(), "/domains/orders/views/v/keys/after").status).isEqualTo(200);
    }

    @Test
    void anInstanceThatDiesMidAnswerIsA503NotAHang() throws Exception {
        long start = System.nanoTime();
        Raw r = exchange(routerPort(), "/domains/orders/die");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status).isEqualTo(503);
        assertThat(r.headers).containsEntry("retry-after", "5").containsEntry("content-type", "application/json");
        assertThat(r.body).contains("\"error\":\"unavailable\"", "no instance of domain orders answers");
        assertThat(exchange(routerPort(), "/domains/orders/fine").status).as("the connection to the client is still good").isEqualTo(200);
        assertThat(router.connectionsInUse()).isZero();
    }

    @Test
    void aClientThatDoesNotReadHoldsBackItsOwnRequestsNotTheRoutersMemory() throws Exception {
        int requests = 64; // of 1 MiB answers each: far more than the sockets' buffers between the router and the client hold
        try (Socket s = new Socket("127.0.0.1", routerPort())) {
            s.setReceiveBufferSize(64 * 1024);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                all.append(request("/domains/orders/big/" + i));
            }
            s.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int seen = -1;
            while (System.nanoTime() < deadline) { // the count must settle well below the requests sent
                seen = instance.requests.get();
                Thread.sleep(100);
            }
            assertThat(seen).as("answers fetched for a client that reads none").isBetween(1, requests / 4);
            s.setSoTimeout(15_000);
            for (int i = 0; i < requests; i++) {
                Raw r = read(s.getInputStream());
                assertThat(r.status).isEqualTo(200);
                assertThat(r.body).hasSize(ScriptedInstance.BIG).startsWith("{\"path\":\"/domains/orders/big/" + i + "\"");
            }
        }
        assertThat(instance.requests.get()).isEqualTo(requests);
    }

    @Test
    void aClientThatTakesGzipGetsItAsBefore() throws Exception {
        Map<String, List<String>> domains = Map.of("orders", List.of(instance.url()));
        try (QueryRouter plain = new QueryRouter(domains).start("127.0.0.1", 0, false)) {
            for (QueryRouter r : List.of(plain, router)) {
                try (Socket s = new Socket("127.0.0.1", URI.create(r.url()).getPort())) {
                    s.setSoTimeout(15_000);
                    s.getOutputStream().write("GET /domains/orders/big/7 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    assertThat(line(in)).startsWith("HTTP/1.1 200");
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (String h = line(in); !h.isEmpty(); h = line(in)) {
                        headers.put(h.substring(0, h.indexOf(':')).toLowerCase(Locale.ROOT), h.substring(h.indexOf(':') + 1).trim());
                    }
                    assertThat(headers).as(r == plain ? "Micronaut's path" : "the pass-through").containsEntry("content-encoding", "gzip");
                    byte[] zipped = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                    assertThat(zipped.length).isLessThan(ScriptedInstance.BIG / 10);
                    String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped)).readAllBytes(),
                            StandardCharsets.UTF_8);
                    assertThat(body).hasSize(ScriptedInstance.BIG).startsWith("{\"path\":\"/domains/orders/big/7\"");
                }
            }
        }
    }

    @Test
    void aClientThatAsksToCloseIsAnsweredAndClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", routerPort())) {
            s.getOutputStream().write(("GET /domains/orders/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Raw r = read(s.getInputStream());
            assertThat(r.status).isEqualTo(200);
            assertThat(r.headers).containsEntry("connection", "close");
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
        }
        HttpResponse<String> viaClient = client.send(HttpRequest.newBuilder(URI.create(router.url() + "/domains/orders/ok")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaClient.body()).isEqualTo("{\"path\":\"/domains/orders/ok\"}");
    }

    private int routerPort() {
        return URI.create(router.url()).getPort();
    }

    private static String request(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    private static Raw exchange(int port, String path) throws IOException {
        return send(port, request(path), 1).get(0);
    }

    /** Writes {@code requests} at once on a new connection and reads {@code answers} answers. */
    private static List<Raw> send(int port, String requests, int answers) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<Raw> read = new ArrayList<>();
            for (int i = 0; i < answers; i++) {
                read.add(read(s.getInputStream()));
            }
            return read;
        }
    }

    /** An HTTP/1.1 answer with a Content-Length; header names in lower case. */
    record Raw(int status, Map<String, String> headers, String body) {
    }

    private static Raw read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed within an answer's head");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * A stand-in instance whose answer the path chooses: {@code …/status/<code>} answers that status (503 with Retry-After: 7),
     * {@code …/die} sends half an answer and closes, a path ending in {@code /slow} or whose last segment starts with
     * {@code slow} waits 300 ms; every answer carries {@code {"path":"…"}}, a problem+json Content-Type and a header of its own.
     */
    private static final class ScriptedInstance implements AutoCloseable {

        /** Size of a {@code …/big/…} answer's body. */
        static final int BIG = 1 << 20;

        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        private final AtomicInteger connections = new AtomicInteger();
        /** Requests answered so far. */
        final AtomicInteger requests = new AtomicInteger();
        private final Channel server;

        ScriptedInstance() throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.incrementAndGet();
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpContentCompressor(), new HttpObjectAggregator(1 << 20),
                                    new Answering(requests));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        String url() {
            return "http://127.0.0.1:" + port();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        private static final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {

            private final AtomicInteger requests;

            Answering(AtomicInteger requests) {
                this.requests = requests;
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                requests.incrementAndGet();
                String uri = request.uri();
                String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
                byte[] body = ("{\"path\":\"" + uri + "\"}").getBytes(StandardCharsets.UTF_8);
                if (path.contains("/big/")) {
                    byte[] big = new byte[BIG];
                    java.util.Arrays.fill(big, (byte) ' ');
                    System.arraycopy(body, 0, big, 0, body.length - 1);
                    big[BIG - 1] = '}';
                    body = big;
                }
                if (path.endsWith("/die")) {
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().setInt("Content-Length", 1000);
                    ctx.write(head);
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(body)).addListener(f -> ctx.close());
                    return;
                }
                int status = path.contains("/status/") ? Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)) : 200;
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                        Unpooled.wrappedBuffer(body));
                response.headers().set("Content-Type", "application/problem+json; charset=utf-8").setInt("Content-Length", body.length)
                        .set("X-Scripted", "yes").set(QueryService.INSTANCE, "scripted:1");
                if (status == 503) {
                    response.headers().set("Retry-After", "7");
                }
                if (path.endsWith("/slow") || path.substring(path.lastIndexOf('/') + 1).startsWith("slow")) {
                    ctx.executor().schedule(() -> ctx.writeAndFlush(response), 300, TimeUnit.MILLISECONDS);
                } else {
                    ctx.writeAndFlush(response);
                }
            }
        }
    }
}
