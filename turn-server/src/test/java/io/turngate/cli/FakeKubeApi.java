package io.turngate.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of a Kubernetes API server on 127.0.0.1 for {@code -c k8s}: listing pods by label (one namespace or
 * all) answers with the configured CDS pods, and a pod's {@code portforward} WebSocket (subprotocol
 * {@code v4.channel.k8s.io}: two port messages first, then {@code [channel][bytes]} binary frames, channel 0 = data)
 * is bridged to a local TCP port, whatever pod port was asked for.
 */
final class FakeKubeApi implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final String podsJson;
    private final int forwardTo;
    /** Every request line, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    private Channel server;

    /**
     * @param pods      {@code namespace/name} of each pod labelled as the CDS (all Running)
     * @param forwardTo the local TCP port that port-forwards reach
     */
    FakeKubeApi(List<String> pods, int forwardTo) {
        StringBuilder items = new StringBuilder();
        int uid = 0;
        for (String p : pods) {
            String[] nn = p.split("/");
            items.append(items.length() == 0 ? "" : ",").append("{\"metadata\":{\"name\":\"").append(nn[1])
                    .append("\",\"namespace\":\"").append(nn[0]).append("\",\"uid\":\"uid-").append(++uid)
                    .append("\",\"labels\":{\"stunner.l7mp.io/config-discovery-service\":\"enabled\"}},")
                    .append("\"status\":{\"phase\":\"Running\"}}");
        }
        this.podsJson = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
                + items + "]}";
        this.forwardTo = forwardTo;
    }

    FakeKubeApi start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Api());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return this;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A kubeconfig whose one context talks to this server. */
    Path kubeconfig(Path dir) throws java.io.IOException {
        Path f = dir.resolve("kubeconfig");
        Files.writeString(f, "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                + "clusters: [{name: test, cluster: {server: \"http://127.0.0.1:" + port() + "\"}}]\n"
                + "contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]\n"
                + "users: [{name: test, user: {token: test-token}}]\n");
        return f;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Api extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;
        private Channel upstream;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest req) {
                request(ctx, req);
            } else if (msg instanceof BinaryWebSocketFrame f) {
                ByteBuf data = f.content();
                if (data.readableBytes() > 1 && data.getByte(data.readerIndex()) == 0 && upstream != null) {
                    upstream.writeAndFlush(data.retainedSlice(data.readerIndex() + 1, data.readableBytes() - 1));
                }
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
                if (upstream != null) {
                    upstream.close();
                }
            } else if (msg instanceof WebSocketFrame) {
                // text frames are not part of the port-forward protocol
            }
        }

        private void request(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.add(req.method() + " " + req.uri());
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String path = q.path();
            if (path.endsWith("/portforward")) {
                portForward(ctx, req);
                return;
            }
            if (path.equals("/api/v1/pods") || path.matches("/api/v1/namespaces/[^/]+/pods")) {
                answer(ctx, HttpResponseStatus.OK, podsJson);
                return;
            }
            answer(ctx, HttpResponseStatus.NOT_FOUND, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"NotFound\",\"code\":404}");
        }

        private void portForward(ChannelHandlerContext ctx, FullHttpRequest req) {
            handshaker = new WebSocketServerHandshakerFactory("ws://" + req.headers().get(HttpHeaderNames.HOST)
                    + req.uri(), "v4.channel.k8s.io", false, 1 << 20).newHandshaker(req);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Channel ws = ctx.channel();
            ws.config().setAutoRead(false);
            handshaker.handshake(ws, req).addListener((ChannelFutureListener) hf -> {
                if (!hf.isSuccess()) {
                    return;
                }
                new Bootstrap().group(ws.eventLoop()).channel(NioSocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext uctx, Object m) {
                                ByteBuf b = (ByteBuf) m;
                                ByteBuf framed = Unpooled.buffer(b.readableBytes() + 1).writeByte(0).writeBytes(b);
                                b.release();
                                ws.writeAndFlush(new BinaryWebSocketFrame(framed));
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext uctx) {
                                ws.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
                            }
                        })
                        .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), forwardTo))
                        .addListener((ChannelFutureListener) cf -> {
                            if (!cf.isSuccess()) {
                                ws.close();
                                return;
                            }
                            upstream = cf.channel();
                            ws.closeFuture().addListener(x -> upstream.close());
                            // the two port messages of v4.channel.k8s.io (data channel, error channel)
                            int port = Integer.parseInt(new QueryStringDecoder("?" + req.uri().replaceFirst(".*\\?", ""))
                                    .parameters().getOrDefault("ports", List.of("0")).get(0));
                            ws.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, (byte) port,
                                (byte) (port >> 8)})));
                            ws.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, (byte) port,
                                (byte) (port >> 8)})));
                            ws.config().setAutoRead(true);
                        });
            });
        }

        private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            ctx.writeAndFlush(r);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
