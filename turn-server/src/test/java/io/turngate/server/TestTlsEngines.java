package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The TLS engines of {@link TlsEngine} for tests: OpenSSL is required where netty-tcnative's native library is a
 * dependency (Linux x86-64, this project's machines and CI): a test asking for it is skipped with a loud message
 * elsewhere, and fails under {@code CI=true}, as the interop tests do with a missing tool.
 */
public final class TestTlsEngines {
    private TestTlsEngines() {
    }

    /** Options serving TURN-TLS with {@code engine} ({@link TlsEngine#OPENSSL}: skipped where it cannot load). */
    public static Gateway.Options options(Gateway.Options base, TlsEngine engine) {
        if (engine == TlsEngine.OPENSSL) {
            requireOpenSsl();
        }
        return base.withTlsEngine(engine);
    }

    /** {@code engine} chosen on this machine, as a listener would. */
    static TlsEngine.Choice choice(TlsEngine engine) throws Exception {
        if (engine == TlsEngine.OPENSSL) {
            requireOpenSsl();
        }
        return engine.choose("test");
    }

    public static void requireOpenSsl() {
        if (OpenSsl.isAvailable()) {
            return;
        }
        String msg = "OpenSSL (netty-tcnative-boringssl-static) does not load here: " + OpenSsl.unavailabilityCause();
        System.err.println("!!! " + ("true".equalsIgnoreCase(System.getenv("CI")) ? "FAILING (CI=true): "
                : "SKIPPING: ") + msg);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }

    /**
     * A JDK client's handshake with a server engine of {@code server}, in memory (two {@code SslHandler}s on
     * embedded channels, records passed between them): fails unless it completes with {@code protocol}.
     */
    static void handshake(SslContext server, String protocol) throws Exception {
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols(protocol).build();
        SslHandler s = server.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
        SslHandler c = client.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
        EmbeddedChannel sc = new EmbeddedChannel(s);
        EmbeddedChannel cc = new EmbeddedChannel(c);
        try {
            for (int i = 0; i < 20 && !(s.handshakeFuture().isDone() && c.handshakeFuture().isDone()); i++) {
                pass(cc, sc);
                pass(sc, cc);
            }
            assertTrue(c.handshakeFuture().isSuccess(), () -> "client handshake: " + c.handshakeFuture().cause());
            assertTrue(s.handshakeFuture().isSuccess(), () -> "server handshake: " + s.handshakeFuture().cause());
            assertEquals(protocol, s.engine().getSession().getProtocol());
        } finally {
            sc.finishAndReleaseAll();
            cc.finishAndReleaseAll();
        }
    }

    private static void pass(EmbeddedChannel from, EmbeddedChannel to) {
        for (Object o; (o = from.readOutbound()) != null; ) {
            to.writeInbound((ByteBuf) o);
        }
        to.runPendingTasks();
    }
}
