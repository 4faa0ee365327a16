package io.turngate.packaging;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.turngate.server.TestTurnClient;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar's TLS engine ({@code --tls-engine}, server.TlsEngine), in quick mode
 * ({@code turn://…?transport=tls}, a self-signed certificate made at start): the jar carries netty-tcnative's
 * BoringSSL for Linux x86-64 and serves with it by default; where it cannot load (here made so with Netty's
 * {@code -Dio.netty.handler.ssl.noOpenSsl=true}) the listener falls back to the JDK's engine, says so and why in its
 * start line, and serves TLS all the same; {@code --tls-engine openssl} there fails the listener, with the reason.
 */
@Timeout(120)
class TlsEngineIT {
    @TempDir
    Path tmp;

    private static Map<String, String> env(String javaOpts) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.put("TURNGATE_JAR", LauncherRun.builtJar().toString());
        if (javaOpts != null) {
            env.put("TURNGATE_JAVA_OPTS", javaOpts);
        }
        return env;
    }

    private static String uri(int port) {
        return "turn://user-1:pass-1@127.0.0.1:" + port + "?transport=tls";
    }

    /** A TLS 1.3 Binding request to {@code port} trusting any certificate: whether it was answered. */
    private static boolean tlsBindingAnswered(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (TestTurnClient c = TestTurnClient.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                ctx.getSocketFactory(), "user-1", "pass-1")) {
            assertEquals("TLSv1.3", ((SSLSocket) c.streamSocket()).getSession().getProtocol());
            return c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()))
                    .isSuccess();
        }
    }

    @Test
    void theJarServesTlsWithOpenSslByDefault() throws Exception {
        int port = LauncherRun.freeTcpPort();
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, env(null), tmp.resolve("openssl.log"), uri(port))) {
            assertTrue(LauncherRun.await(() -> gw.log().contains("TURN-TLS on *:" + port), 30_000),
                    "no start line:\n" + gw.log());
            assertTrue(gw.log().contains("TLS 1.3/1.2 OpenSSL engine (BoringSSL"),
                    "the jar's BoringSSL serves (netty-tcnative-boringssl-static, linux-x86_64):\n" + gw.log());
            assertTrue(tlsBindingAnswered(port));
        }
    }

    @Test
    void whereOpenSslCannotLoadTheJdkEngineServesAndTheLogSaysWhy() throws Exception {
        int port = LauncherRun.freeTcpPort();
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, env("-Dio.netty.handler.ssl.noOpenSsl=true"),
                tmp.resolve("jdk.log"), uri(port))) {
            assertTrue(LauncherRun.await(() -> gw.log().contains("TURN-TLS on *:" + port), 30_000),
                    "no start line:\n" + gw.log());
            assertTrue(gw.log().contains("TLS 1.3/1.2 JDK engine (OpenSSL unavailable: "), gw.log());
            assertTrue(gw.log().contains("noOpenSsl"), "the reason Netty gave:\n" + gw.log());
            assertTrue(tlsBindingAnswered(port), "the fallback serves TLS");
            assertFalse(gw.log().contains("ERROR"), gw.log());
        }
    }

    @Test
    void openSslRequiredWhereItCannotLoadFailsTheListenerWithTheReason() throws Exception {
        int port = LauncherRun.freeTcpPort();
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, env("-Dio.netty.handler.ssl.noOpenSsl=true"),
                tmp.resolve("required.log"), "--tls-engine", "openssl", uri(port))) {
            assertTrue(gw.process.waitFor(30, TimeUnit.SECONDS) || LauncherRun.await(
                    () -> gw.log().contains("--tls-engine openssl, but OpenSSL is not available"), 1000),
                    "neither exited nor said why:\n" + gw.log());
            assertTrue(gw.log().contains("--tls-engine openssl, but OpenSSL is not available"), gw.log());
            assertFalse(gw.log().contains("TURN-TLS on *:" + port), "the listener did not start:\n" + gw.log());
        }
    }
}
