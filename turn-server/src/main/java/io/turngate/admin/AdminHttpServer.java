package io.turngate.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.turngate.config.v1.HttpEndpoint;
import io.turngate.log.Logs;
import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server for one admin endpoint (health checks, metrics, ICE configuration) on Netty's HTTP codec.
 * It runs on the admin event loop group, never on a relay event loop; routes that need relay state ask the event
 * loops asynchronously and answer when they did (or their bound passed).
 *
 * <p>What it guards against: a request line or headers over the codec's limits or a body over
 * {@value #MAX_REQUEST_BYTES} bytes (400/413), an idle or slow client (closed after {@value #IDLE_SECONDS} s
 * without a complete request), more than {@value #MAX_CONNECTIONS} open connections (new ones closed at once),
 * unknown paths (404), methods other than GET and HEAD (405), bad query values (400 naming the parameter).
 */
public final class AdminHttpServer implements AutoCloseable {
    static final int MAX_REQUEST_BYTES = 16 * 1024;
    static final int IDLE_SECONDS = 10;
    static final int MAX_CONNECTIONS = 64;
    private static final Logger LOG = Logs.get("admin");

    /** One path's handler. */
    @FunctionalInterface
    public interface Route {
        CompletionStage<HttpAnswer> answer(HttpGet request) throws HttpGet.BadQuery;

        /** A route whose answer is ready at once. */
        static Route now(SyncRoute r) {
            return req -> CompletableFuture.completedFuture(r.answer(req));
        }
    }

    /** A route that answers without waiting. */
    @FunctionalInterface
    public interface SyncRoute {
        HttpAnswer answer(HttpGet request) throws HttpGet.BadQuery;
    }

    private final String name;
    private final HttpEndpoint endpoint;
    private final Channel channel;
    /** The accepted connections, closed with the server (a keep-alive client must not outlive it). */
    private final ChannelGroup connections;

    private AdminHttpServer(String name, HttpEndpoint endpoint, Channel channel, ChannelGroup connections) {
        this.name = name;
        this.endpoint = endpoint;
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * Binds {@code endpoint} and serves {@code routes} (exact paths).
     *
     * @param name what the server is, for logs ("health check", "metrics", ...)
     * @throws BindFailure when the address cannot be bound, with a message naming it
     */
    public static AdminHttpServer start(String name, EventLoopGroup group, HttpEndpoint endpoint,
                                        Map<String, Route> routes) throws BindFailure {
        return start(name, group, endpoint, routes, IDLE_SECONDS);
    }

    /** {@link #start(String, EventLoopGroup, HttpEndpoint, Map)} with another idle timeout (tests). */
    static AdminHttpServer start(String name, EventLoopGroup group, HttpEndpoint endpoint, Map<String, Route> routes,
                                 int idleSeconds) throws BindFailure {
        Map<String, Route> table = Map.copyOf(routes);
        AtomicInteger open = new AtomicInteger();
        ChannelGroup connections = new DefaultChannelGroup(name, group.next());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(idleSeconds, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new Handler(table))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        // read timeouts and resets: the client is gone or too slow
                                        LOG.debug("{} server: closing a connection: {}", name, cause.toString());
                                        ctx.close();
                                    }
                                });
                    }
                });
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new BindFailure(name + " server: cannot bind http://" + endpoint.host() + ":" + endpoint.port()
                    + ": unknown host " + endpoint.host());
        }
        try {
            Channel ch = b.bind(address).syncUninterruptibly().channel();
            return new AdminHttpServer(name, endpoint, ch, connections);
        } catch (Exception e) { // BindException arrives undeclared
            throw new BindFailure(name + " server: cannot bind http://" + Logs.hostPort(address) + ": " + e.getMessage());
        }
    }

    public HttpEndpoint endpoint() {
        return endpoint;
    }

    /** The bound address (the real port when the endpoint asked for port 0 in tests). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        LOG.info("{} server on {} stopped", name, Logs.hostPort(localAddress()));
    }

    /** A server that could not bind. */
    public static final class BindFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BindFailure(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, Route> routes;

        Handler(Map<String, Route> routes) {
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean head = req.method().equals(HttpMethod.HEAD);
            if (!req.decoderResult().isSuccess()) {
                write(ctx, HttpAnswer.error(400, "400 bad request: " + req.decoderResult().cause()), false, false);
                return;
            }
            QueryStringDecoder q;
            try {
                q = new QueryStringDecoder(req.uri());
                q.path();
                q.parameters();
            } catch (IllegalArgumentException e) {
                write(ctx, HttpAnswer.error(400, "400 bad request: " + e.getMessage()), keepAlive, head);
                return;
            }
            Route route = routes.get(q.path());
            if (route == null) {
                write(ctx, HttpAnswer.error(404, "404 page not found"), keepAlive, head);
                return;
            }
            if (!head && !req.method().equals(HttpMethod.GET)) {
                write(ctx, new HttpAnswer(405, HttpAnswer.TEXT, "405 method not allowed\n".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), Map.of("Allow", "GET, HEAD")), keepAlive, false);
                return;
            }
            CompletionStage<HttpAnswer> answer;
            try {
                answer = route.answer(new HttpGet(q.path(), q.parameters(), req.headers().get(HttpHeaderNames.ACCEPT)));
            } catch (HttpGet.BadQuery e) {
                answer = CompletableFuture.completedFuture(HttpAnswer.error(400, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("admin route {} failed", q.path(), e);
                answer = CompletableFuture.completedFuture(HttpAnswer.error(500, "500 internal error: " + e));
            }
            answer.whenComplete((a, t) -> {
                HttpAnswer out = a;
                if (t != null) {
                    LOG.warn("admin route {} failed", q.path(), t);
                    out = HttpAnswer.error(500, "500 internal error: " + t);
                }
                HttpAnswer done = out;
                if (ctx.executor().inEventLoop()) {
                    write(ctx, done, keepAlive, head);
                } else {
                    ctx.executor().execute(() -> write(ctx, done, keepAlive, head));
                }
            });
        }

        private static void write(ChannelHandlerContext ctx, HttpAnswer a, boolean keepAlive, boolean head) {
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(a.body()));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, a.body().length);
            resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            a.headers().forEach((k, v) -> resp.headers().set(k, v));
            if (keepAlive) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(resp, ctx.voidPromise());
            } else {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
