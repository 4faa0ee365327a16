package io.turngate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** Quick mode {@code turn://user:pass@host:port?transport=tls}: a self-signed certificate for the host, made at start. */
class QuickModeTlsTest {
    @Test
    void tlsQuickModeMakesASelfSignedCertificateForTheHost() throws Exception {
        StunnerConfig cfg = Main.quickModeConfig("turn://user-1:pass-1@127.0.0.1:5349?transport=tls");
        ListenerConfig l = cfg.listeners().get(0);
        assertEquals(ListenerProtocol.TURN_TLS, l.protocol());
        assertEquals(5349, l.port());
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(l.cert())));
        assertEquals(x.getSubjectX500Principal(), x.getIssuerX500Principal(), "self-signed");
        assertTrue(x.getSubjectAlternativeNames().contains(List.of(7, "127.0.0.1")), "IP SAN of the host");
        x.checkValidity();
        assertTrue(new String(Base64.getDecoder().decode(l.key()), java.nio.charset.StandardCharsets.US_ASCII)
                .startsWith("-----BEGIN PRIVATE KEY-----"));
        assertFalse(l.toString().contains(l.key()), "the key is masked in the config's toString");
        // A second start makes a different key.
        assertFalse(l.key().equals(Main.quickModeConfig("turn://user-1:pass-1@127.0.0.1:5349?transport=tls")
                .listeners().get(0).key()));
    }

    /** {@code transport=dtls}: the same self-signed certificate, and a TURN-DTLS listener that serves with it. */
    @Test
    void dtlsQuickModeServesDtlsWithASelfSignedCertificate() throws Exception {
        int port = io.turngate.server.TestGateways.freeUdpPort();
        StunnerConfig cfg = Main.quickModeConfig("turn://user-1:pass-1@127.0.0.1:" + port + "?transport=dtls");
        ListenerConfig l = cfg.listeners().get(0);
        assertEquals(ListenerProtocol.TURN_DTLS, l.protocol());
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(l.cert())));
        assertEquals(x.getSubjectX500Principal(), x.getIssuerX500Principal(), "self-signed");
        assertTrue(x.getSubjectAlternativeNames().contains(List.of(7, "127.0.0.1")), "IP SAN of the host");
        try (io.turngate.server.Gateway gw = io.turngate.server.Gateway.start(cfg);
             io.turngate.server.TestTurnClient c = new io.turngate.server.TestTurnClient(
                     io.turngate.server.TestDtlsClient.connect(port, x.getEncoded(), 5000),
                     new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port),
                     "user-1", "pass-1")) {
            assertTrue(c.allocateOrFail() != null, "an allocation over the quick-mode DTLS listener");
        }
    }

    @Test
    void udpAndTcpQuickModeHaveNoCertificate() throws Exception {
        for (String t : List.of("udp", "tcp")) {
            ListenerConfig l = Main.quickModeConfig("turn://u:p@127.0.0.1:3478?transport=" + t).listeners().get(0);
            assertEquals("", l.cert());
            assertEquals("", l.key());
        }
    }
}
