package io.turngate.server;

import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A DTLS 1.2 client made with Bouncy Castle's own {@link DTLSClientProtocol} (not turngate's code) on a UDP socket
 * of 127.0.0.1, which accepts the server only if it shows {@code expectedCert}. As {@link TestTurnClient.Datagrams}
 * it carries a {@link TestTurnClient} over the session; {@link #sendRaw} bypasses the session (forged records).
 */
public final class TestDtlsClient implements TestTurnClient.Datagrams {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final DTLSTransport dtls;

    private TestDtlsClient(DatagramSocket socket, InetSocketAddress server, DTLSTransport dtls) {
        this.socket = socket;
        this.server = server;
        this.dtls = dtls;
    }

    /** Connects to 127.0.0.1:{@code port}; the handshake must finish in {@code timeoutMillis}. */
    public static TestDtlsClient connect(int port, byte[] expectedCert, int timeoutMillis) throws IOException {
        return connect(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), port,
                expectedCert, timeoutMillis);
    }

    /** The same on {@code s} (e.g. a client that lost its session and starts over on the same port). */
    public static TestDtlsClient connect(DatagramSocket s, int port, byte[] expectedCert, int timeoutMillis)
            throws IOException {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            DTLSTransport t = new DTLSClientProtocol().connect(client(expectedCert, timeoutMillis),
                    new UdpTransport(s, server, Integer.MAX_VALUE));
            return new TestDtlsClient(s, server, t);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A Bouncy Castle DTLS 1.2 client that checks the server's certificate is {@code expectedCert}. */
    public static DefaultTlsClient client(byte[] expectedCert, int timeoutMillis) {
        return new DefaultTlsClient(new BcTlsCrypto(new SecureRandom())) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return timeoutMillis;
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new ServerOnlyTlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate c) throws IOException {
                        Certificate chain = c.getCertificate();
                        if (chain.isEmpty() || !Arrays.equals(chain.getCertificateAt(0).getEncoded(), expectedCert)) {
                            throw new TlsFatalAlert(AlertDescription.bad_certificate);
                        }
                    }
                };
            }
        };
    }

    /**
     * Bouncy Castle's view of a UDP socket to {@code server}: after {@code maxSends} datagrams it sends nothing more
     * (a client that stops half-way through its handshake).
     */
    public static class UdpTransport implements DatagramTransport {
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private final int maxSends;
        private int sends;

        public UdpTransport(DatagramSocket socket, InetSocketAddress server, int maxSends) {
            this.socket = socket;
            this.server = server;
            this.maxSends = maxSends;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1500;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, waitMillis));
            DatagramPacket p = new DatagramPacket(buf, off, len);
            try {
                socket.receive(p);
                return p.getLength();
            } catch (SocketTimeoutException e) {
                return -1;
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (sends++ < maxSends) {
                socket.send(new DatagramPacket(buf, off, len, server));
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Override
    public void send(byte[] datagram) throws IOException {
        dtls.send(datagram, 0, datagram.length);
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        byte[] buf = new byte[4096];
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            int n = dtls.receive(buf, 0, buf.length, (int) left);
            if (n >= 0) {
                return Arrays.copyOf(buf, n);
            }
        }
    }

    /** Bytes straight onto the UDP socket, outside the session (e.g. a forged record). */
    public void sendRaw(byte[] bytes) {
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The UDP socket under the session. */
    public DatagramSocket socket() {
        return socket;
    }

    /** Sends close_notify and closes the socket. */
    @Override
    public void close() {
        try {
            dtls.close();
        } catch (IOException e) {
            // closing anyway
        }
        socket.close();
    }
}
