package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslProvider;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * {@code --tls-engine}: what each choice serves when OpenSSL loads and when it does not (the fallback and its
 * reason), the flag's spelling, and the engine the gateway reports per TURN-TLS listener ({@code /status}'s
 * {@code tls_engine}). The shaded jar's fallback, with OpenSSL really unloadable, is {@code packaging.TlsEngineIT}.
 */
class TlsEngineTest {
    private static final Throwable CAUSE = new UnsatisfiedLinkError("no netty_tcnative_linux_aarch_64 in java.library.path");

    @Test
    void autoTakesOpenSslWhenItLoads() throws Exception {
        TlsEngine.Choice c = TlsEngine.AUTO.choose("l", true, null);
        assertEquals(TlsEngine.OPENSSL, c.engine());
        assertEquals(SslProvider.OPENSSL_REFCNT, c.provider());
        assertEquals("openssl", c.wire());
        assertNull(c.fallbackReason());
    }

    @Test
    void autoFallsBackToTheJdkWithTheReasonWhenOpenSslDoesNotLoad() throws Exception {
        TlsEngine.Choice c = TlsEngine.AUTO.choose("l", false, new IllegalStateException("wrapped", CAUSE));
        assertEquals(TlsEngine.JDK, c.engine());
        assertEquals(SslProvider.JDK, c.provider());
        assertEquals("jdk", c.wire());
        assertEquals("JDK engine (OpenSSL unavailable: UnsatisfiedLinkError: no netty_tcnative_linux_aarch_64 in"
                + " java.library.path)", c.describe());
    }

    @Test
    void jdkIsTheJdkEvenWhereOpenSslLoads() throws Exception {
        TlsEngine.Choice c = TlsEngine.JDK.choose("l", true, null);
        assertEquals(TlsEngine.JDK, c.engine());
        assertEquals("JDK engine", c.describe());
    }

    @Test
    void openSslRequiredWhereItDoesNotLoadFailsTheListenerWithTheReason() throws Exception {
        assertEquals(TlsEngine.OPENSSL, TlsEngine.OPENSSL.choose("l", true, null).engine());
        ConfigException e = assertThrows(ConfigException.class, () -> TlsEngine.OPENSSL.choose("ns/gw/tls", false, CAUSE));
        String msg = e.problems().get(0);
        assertTrue(msg.startsWith("listeners[ns/gw/tls]: --tls-engine openssl, but OpenSSL is not available"), msg);
        assertTrue(msg.contains("UnsatisfiedLinkError"), msg);
    }

    @Test
    void theFlagIsSpelledAutoOpensslOrJdk() {
        assertEquals(TlsEngine.AUTO, TlsEngine.parse("auto"));
        assertEquals(TlsEngine.OPENSSL, TlsEngine.parse("OpenSSL"));
        assertEquals(TlsEngine.JDK, TlsEngine.parse(" jdk "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsEngine.parse("boring"));
        assertEquals("found 'boring' (expected: auto, openssl or jdk)", e.getMessage());
    }
}
