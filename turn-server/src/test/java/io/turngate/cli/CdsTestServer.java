package io.turngate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.turngate.config.cds.ZeroConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A config discovery service for tests, written from STUNner's OpenAPI ({@code stunner_openapi.yaml}) and the wire
 * details of stunner-compat §1b, the way the operator's CDS behaves:
 * <ul>
 *   <li>{@code GET /api/v1/configs}, {@code /api/v1/configs/{ns}}: {@code {"version":"v1","items":[...]}};
 *       {@code GET /api/v1/configs/{ns}/{name}[?node=]}: the config, or 404
 *       {@code {"code":404,"message":"Config not found for ID ns/name"}}; {@code GET /api/v1/license};</li>
 *   <li>{@code ?watch=true} upgrades to a WebSocket: the current matching config(s) at once (nothing when none),
 *       then one TEXT frame of compact JSON per change; an unchanged upsert pushes nothing; a delete pushes the zero
 *       config; pings get a pong {@code keepalive} (switchable off to test the client's read deadline);</li>
 *   <li>with {@code node=X} on the single-gateway path, listener addresses {@code __node_address_placeholder}
 *       become node X's address, or {@code $STUNNER_ADDR} for an unknown node (the operator's patcher).</li>
 * </ul>
 * It binds 127.0.0.1 only; {@link #stop} drops every connection and {@link #start} can bind the same port again.
 */
final class CdsTestServer implements AutoCloseable {
    static final String PLACEHOLDER = "__node_address_placeholder";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, JsonNode> configs = new ConcurrentHashMap<>();
    private final Map<String, String> nodeAddresses = new ConcurrentHashMap<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    /** Every request line ({@code GET /path?query}) and every upgrade's {@code Origin} header, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> origins = new CopyOnWriteArrayList<>();
    /** Pings received, and their payloads. */
    final List<String> pings = new CopyOnWriteArrayList<>();
    /** WebSocket upgrades accepted since the server was made. */
    final AtomicInteger upgrades = new AtomicInteger();
    volatile boolean answerPings = true;
    private volatile Channel server;
    private volatile int port;

    /** A watching client: its channel, its topic ({@code all}, {@code ns/*}, {@code ns/name}) and node. */
    private record Watcher(Channel channel, String topic, String node) {
        boolean matches(String id) {
            return topic.equals("all") || (topic.endsWith("/*") && id.startsWith(topic.substring(0, topic.length() - 1)))
                    || topic.equals(id);
        }
    }

    /** Starts on {@code port} (0 = ephemeral) of 127.0.0.1. */
    CdsTestServer start(int bindPort) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), bindPort)).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    int port() {
        return port;
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    /** The server goes away: the listening socket and every connection close. */
    void stop() {
        Channel s = server;
        if (s != null) {
            s.close().syncUninterruptibly();
        }
        for (Watcher w : watchers) {
            w.channel().close().syncUninterruptibly();
        }
        watchers.clear();
    }

    /** Watching connections open now. */
    int watching() {
        return (int) watchers.stream().filter(w -> w.channel().isActive()).count();
    }

    void node(String name, String address) {
        nodeAddresses.put(name, address);
    }

    /** Sets a Gateway's config; pushes it to the watchers when it changed (the CDS's {@code DeepEqual} check). */
    void upsert(String id, String json) throws Exception {
        JsonNode c = JSON.readTree(json);
        JsonNode old = configs.put(id, c);
        if (c.equals(old)) {
            return;
        }
        for (Watcher w : watchers) {
            if (w.matches(id)) {
                send(w, patch(c, w));
            }
        }
    }

    /** Deletes a Gateway's config: the watchers get the zero config. */
    void delete(String id) {
        configs.remove(id);
        for (Watcher w : watchers) {
            if (w.matches(id)) {
                w.channel().writeAndFlush(new TextWebSocketFrame(ZeroConfig.json(id)));
            }
        }
    }

    /** Sends any text to the watchers of {@code id} (garbage, an invalid config). */
    void pushRaw(String id, String text) {
        for (Watcher w : watchers) {
            if (w.matches(id)) {
                w.channel().writeAndFlush(new TextWebSocketFrame(text));
            }
        }
    }

    /** Sends a binary frame to the watchers of {@code id}. */
    void pushBinary(String id) {
        for (Watcher w : watchers) {
            if (w.matches(id)) {
                w.channel().writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
            }
        }
    }

    private void send(Watcher w, JsonNode config) {
        w.channel().writeAndFlush(new TextWebSocketFrame(config.toString()));
    }

    /** The operator's node patcher: only for the single-gateway path with {@code node=}. */
    private JsonNode patch(JsonNode config, Watcher w) {
        return w.node() == null || w.topic().equals("all") || w.topic().endsWith("/*") ? config : patch(config, w.node());
    }

    private JsonNode patch(JsonNode config, String node) {
        if (node == null) {
            return config;
        }
        ObjectNode c = config.deepCopy();
        JsonNode ls = c.path("listeners");
        if (ls.isArray()) {
            for (JsonNode l : ls) {
                if (PLACEHOLDER.equals(l.path("address").asText())) {
                    ((ObjectNode) l).put("address", nodeAddresses.getOrDefault(node, "$STUNNER_ADDR"));
                }
            }
        }
        return c;
    }

    @Override
    public void close() {
        stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest req) {
                request(ctx, req);
            } else if (msg instanceof WebSocketFrame frame) {
                frame(ctx, frame);
            }
        }

        private void request(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.add(req.method() + " " + req.uri());
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String[] parts = q.path().split("/");
            // "", "api", "v1", "configs", ns, name
            if (!req.method().equals(HttpMethod.GET)) {
                answer(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error(405, "method not allowed"));
                return;
            }
            if (q.path().equals("/api/v1/license")) {
                answer(ctx, HttpResponseStatus.OK, "{\"enabledFeatures\":[],\"subscriptionType\":\"free\"}");
                return;
            }
            if (parts.length < 4 || parts.length > 6 || !parts[1].equals("api") || !parts[2].equals("v1")
                    || !parts[3].equals("configs")) {
                answer(ctx, HttpResponseStatus.NOT_FOUND, error(404, "no such API endpoint"));
                return;
            }
            String ns = parts.length > 4 ? parts[4] : null;
            String name = parts.length > 5 ? parts[5] : null;
            List<String> nodes = q.parameters().get("node");
            String node = nodes == null || nodes.isEmpty() ? null : nodes.get(0);
            List<String> watch = q.parameters().get("watch");
            if (watch != null && !watch.isEmpty() && Boolean.parseBoolean(watch.get(0))) {
                upgrade(ctx, req, ns == null ? "all" : name == null ? ns + "/*" : ns + "/" + name,
                        name == null ? null : node);
                return;
            }
            if (name != null) {
                JsonNode c = configs.get(ns + "/" + name);
                if (c == null) {
                    answer(ctx, HttpResponseStatus.NOT_FOUND, error(404, "Config not found for ID " + ns + "/" + name));
                } else {
                    answer(ctx, HttpResponseStatus.OK, patch(c, node).toString());
                }
                return;
            }
            ObjectNode list = JSON.createObjectNode().put("version", "v1");
            ArrayNode items = list.putArray("items");
            configs.forEach((id, c) -> {
                if (ns == null || id.startsWith(ns + "/")) {
                    items.add(c);
                }
            });
            answer(ctx, HttpResponseStatus.OK, list.toString());
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String topic, String node) {
            origins.add(String.valueOf(req.headers().get(HttpHeaderNames.ORIGIN)));
            handshaker = new WebSocketServerHandshakerFactory("ws://" + req.headers().get(HttpHeaderNames.HOST)
                    + req.uri(), null, false, 1 << 20).newHandshaker(req);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            handshaker.handshake(ctx.channel(), req).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    return;
                }
                Watcher w = new Watcher(ctx.channel(), topic, node);
                upgrades.incrementAndGet();
                // The current matching configs first; then every change (upsert/delete).
                watchers.add(w); // before the snapshot: a change meanwhile may come twice, never not at all
                List<Map.Entry<String, JsonNode>> now = new ArrayList<>(configs.entrySet());
                for (Map.Entry<String, JsonNode> e : now) {
                    if (w.matches(e.getKey())) {
                        send(w, patch(e.getValue(), w));
                    }
                }
                ctx.channel().closeFuture().addListener(x -> watchers.remove(w));
            });
        }

        private void frame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof PingWebSocketFrame ping) {
                pings.add(ping.content().toString(StandardCharsets.UTF_8));
                if (answerPings) {
                    ctx.writeAndFlush(new PongWebSocketFrame(Unpooled.copiedBuffer("keepalive", StandardCharsets.UTF_8)));
                }
            } else if (frame instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            }
            // text and binary frames from the client are dropped, as the CDS's dummy reader does
        }

        private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            ctx.writeAndFlush(r);
        }

        private String error(int code, String message) {
            return JSON.createObjectNode().put("code", code).put("message", message).toString();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
