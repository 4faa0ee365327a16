package io.turngate.server;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for tests, made at run time ({@link SelfSignedCertificate}, Bouncy Castle): no private key is checked
 * in. Clients trust exactly the certificates they are given, never the machine's trust store.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A fresh certificate and key for 127.0.0.1. */
    public static SelfSignedCertificate loopback() {
        return SelfSignedCertificate.generate("127.0.0.1");
    }

    public static X509Certificate x509(SelfSignedCertificate c) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(c.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A JDK client socket factory that trusts only {@code trusted} (and checks the host name, 127.0.0.1 in the
     * certificate's subject alternative name), speaking only {@code protocol} ("TLSv1.2", "TLSv1.3").
     */
    public static SSLSocketFactory client(String protocol, SelfSignedCertificate... trusted) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                ks.setCertificateEntry("trusted-" + i, x509(trusted[i]));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(null, tmf.getTrustManagers(), null);
            SSLSocketFactory base = ctx.getSocketFactory();
            return new OneProtocolFactory(base, protocol);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Wraps a factory so every socket enables one protocol and verifies the server's name (HTTPS rules). */
    private static final class OneProtocolFactory extends SSLSocketFactory {
        private final SSLSocketFactory base;
        private final String protocol;

        OneProtocolFactory(SSLSocketFactory base, String protocol) {
            this.base = base;
            this.protocol = protocol;
        }

        private java.net.Socket configure(java.net.Socket s) {
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) s;
            ssl.setEnabledProtocols(new String[] {protocol});
            javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            return ssl;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return base.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return base.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
                throws java.io.IOException {
            return configure(base.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            return configure(base.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws java.io.IOException {
            return configure(base.createSocket(host, port, local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            return configure(base.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local,
                                            int localPort) throws java.io.IOException {
            return configure(base.createSocket(address, port, local, localPort));
        }
    }
}
