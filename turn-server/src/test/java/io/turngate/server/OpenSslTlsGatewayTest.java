package io.turngate.server;

/**
 * Every {@link TlsGatewayTest} with OpenSSL ({@code --tls-engine openssl}, BoringSSL from netty-tcnative) serving
 * the listener: TLS 1.2 and 1.3, the certificate reloaded in place and rolled back, the handshake timeout, failed
 * handshakes counted. Skipped where OpenSSL does not load, failed there under {@code CI=true}.
 */
class OpenSslTlsGatewayTest extends TlsGatewayTest {
    @Override
    TlsEngine engine() {
        return TlsEngine.OPENSSL;
    }
}
