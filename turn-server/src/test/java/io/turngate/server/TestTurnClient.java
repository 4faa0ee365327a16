package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.ByteBufUtil;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.stun.IntegrityAlgorithm;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.UserHash;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A small blocking TURN client for tests: one {@link DatagramSocket} on 127.0.0.1, requests built with the project's
 * {@link StunCodec}, and the long-term credential dance of RFC 8489 §9.2 (401 → remember REALM/NONCE → retry with
 * MESSAGE-INTEGRITY keyed by {@link LongTermCredentials#key}; 438 → take the fresh NONCE and retry once).
 *
 * <p>Datagrams that arrive while a transaction waits for its response (Data indications, ChannelData) are queued
 * and returned by {@link #receive(long)}. Not thread-safe: one test thread per client.
 */
public final class TestTurnClient implements AutoCloseable {
    /** Default wait for a response. */
    public static final long TIMEOUT_MILLIS = 2000;

    /**
     * How the client's messages travel, one STUN message or ChannelData per {@code send}/{@code receive}: plain UDP
     * ({@link #udp}), a DTLS session ({@code TestDtlsClient}), or a TCP/TLS connection ({@link #tcp}, {@link #tls})
     * that frames them, so one TURN client serves every listener kind.
     */
    public interface Datagrams extends AutoCloseable {
        void send(byte[] datagram) throws IOException;

        /** The next datagram from the server, or {@code null} after {@code timeoutMillis}. */
        byte[] receive(long timeoutMillis) throws IOException;

        InetSocketAddress localAddress();

        @Override
        void close();
    }

    /** Plain UDP datagrams between {@code socket} and {@code server}; strays from anyone else are ignored. */
    public static Datagrams udp(DatagramSocket socket, InetSocketAddress server) {
        return new Datagrams() {
            @Override
            public void send(byte[] d) throws IOException {
                socket.send(new DatagramPacket(d, d.length, server));
            }

            @Override
            public byte[] receive(long timeoutMillis) throws IOException {
                byte[] buf = new byte[4096];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.setSoTimeout((int) Math.max(1, timeoutMillis));
                    while (true) {
                        socket.receive(p);
                        if (p.getSocketAddress().equals(server)) {
                            return Arrays.copyOf(buf, p.getLength());
                        }
                    }
                } catch (SocketTimeoutException e) {
                    return null;
                }
            }

            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) socket.getLocalSocketAddress();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    private final Datagrams socket;
    private final InetSocketAddress server;
    private String username;
    private String password;
    private String realm;
    private String nonce;
    private boolean fingerprint;
    private InetSocketAddress relayed;
    private final Deque<byte[]> queued = new ArrayDeque<>();
    /** RFC 8489 client: picks a password algorithm from PASSWORD-ALGORITHMS and signs with SHA-256 (§9.2.5). */
    private boolean rfc8489;
    /** Sends USERHASH instead of USERNAME where the nonce cookie offers username anonymity (§9.2.5). */
    private boolean userHash;
    private PasswordAlgorithms offered;
    private PasswordAlgorithm chosen;

    /** A client on an ephemeral port of 127.0.0.1 talking to {@code server} as {@code username}/{@code password}. */
    public TestTurnClient(InetSocketAddress server, String username, String password) {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server, username, password);
    }

    /** A client bound to {@code local} (a loopback address: 127.0.0.0/8 or ::1) talking to {@code server}. */
    public TestTurnClient(InetSocketAddress local, InetSocketAddress server, String username, String password) {
        if (!local.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("test clients live on loopback only: " + local);
        }
        this.server = server;
        this.username = username;
        this.password = password;
        try {
            this.socket = udp(new DatagramSocket(local), server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client whose datagrams to {@code server} travel over {@code datagrams} (e.g. a DTLS session). */
    public TestTurnClient(Datagrams datagrams, InetSocketAddress server, String username, String password) {
        this.socket = datagrams;
        this.server = server;
        this.username = username;
        this.password = password;
    }

    /**
     * A client over one TCP connection from 127.0.0.1 to {@code server} (TURN-TCP, RFC 8656 §3.1): requests and
     * indications as they are, ChannelData padded to 4 bytes (§12.5); what the server sends is framed back into
     * messages (ChannelData without its padding), so every method works as over UDP.
     */
    public static TestTurnClient tcp(InetSocketAddress server, String username, String password) {
        requireLoopback(server);
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(server, (int) TIMEOUT_MILLIS);
            return new TestTurnClient(new StreamWire(s), server, username, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #tcp} on a connection that {@code factory} wraps in TLS (TURN-TLS); the handshake runs first. */
    public static TestTurnClient tls(InetSocketAddress server, javax.net.ssl.SSLSocketFactory factory, String username,
                                     String password) {
        requireLoopback(server);
        try {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(server, (int) TIMEOUT_MILLIS);
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) factory.createSocket(plain,
                    server.getAddress().getHostAddress(), server.getPort(), true);
            s.setSoTimeout((int) TIMEOUT_MILLIS);
            s.startHandshake();
            return new TestTurnClient(new StreamWire(s), server, username, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireLoopback(InetSocketAddress server) {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("test clients talk to loopback only: " + server);
        }
    }

    /** Whether this client talks over a stream (TCP or TLS). */
    public boolean isStream() {
        return socket instanceof StreamWire;
    }

    /** The underlying TCP or TLS socket of a stream client (tests that write partial frames or check closure). */
    public Socket streamSocket() {
        return ((StreamWire) socket).socket;
    }

    /** A client of the listener on {@code port} of 127.0.0.1. */
    public static TestTurnClient of(int port, String username, String password) {
        return new TestTurnClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), username, password);
    }

    /** Appends FINGERPRINT to every request from now on. */
    public TestTurnClient withFingerprint(boolean on) {
        this.fingerprint = on;
        return this;
    }

    /**
     * Behaves as an RFC 8489 client from now on (RFC 8489 §9.2.5): when a 401/438 carries PASSWORD-ALGORITHMS, the
     * request repeats it, adds PASSWORD-ALGORITHM with the first entry it supports (MD5 or SHA-256), and is signed
     * with MESSAGE-INTEGRITY-SHA256 only; with {@code userHash}, USERHASH replaces USERNAME where the nonce cookie
     * has the "Username anonymity" bit. Without an offer it stays an RFC 5389 client.
     */
    public TestTurnClient withRfc8489(boolean userHash) {
        this.rfc8489 = true;
        this.userHash = userHash;
        return this;
    }

    /** The password algorithm in use (RFC 8489 client after an offer), or {@code null}. */
    public PasswordAlgorithm passwordAlgorithm() {
        return chosen;
    }

    /** The integrity attribute this client signs with. */
    public IntegrityAlgorithm integrity() {
        return chosen != null ? IntegrityAlgorithm.SHA256 : IntegrityAlgorithm.SHA1;
    }

    /** Switches credentials; the learned REALM and NONCE are kept. */
    public TestTurnClient withCredentials(String user, String pass) {
        this.username = user;
        this.password = pass;
        return this;
    }

    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    public InetSocketAddress server() {
        return server;
    }

    /** The relayed address from the last successful Allocate, or {@code null}. */
    public InetSocketAddress relayed() {
        return relayed;
    }

    public String realm() {
        return realm;
    }

    public String nonce() {
        return nonce;
    }

    /** Overrides the NONCE used for the next authenticated request (e.g. one learned by another client). */
    public void setNonce(String realm, String nonce) {
        this.realm = realm;
        this.nonce = nonce;
    }

    /** The long-term key for the current credentials, learned realm and password algorithm (MD5 without one). */
    public byte[] key() {
        return chosen == null ? LongTermCredentials.key(username, realm, password)
                : LongTermCredentials.key(chosen.algorithm(), username, realm, password);
    }

    // ------------------------------------------------------------------------------------------------ responses

    /** One received STUN response: the decoded message and its exact bytes. */
    public record Response(ReceivedStun stun, byte[] raw) {
        public StunMessage message() {
            return stun.message();
        }

        public boolean isSuccess() {
            return stun.message().messageClass() == StunClass.SUCCESS_RESPONSE;
        }

        public boolean isError() {
            return stun.message().messageClass() == StunClass.ERROR_RESPONSE;
        }

        /** The ERROR-CODE value, or 0 when there is none. */
        public int errorCode() {
            ErrorCodeAttribute e = stun.message().attribute(ErrorCodeAttribute.class);
            return e == null ? 0 : e.code();
        }

        public <T extends StunAttribute> T attribute(Class<T> type) {
            return stun.message().attribute(type);
        }

        @Override
        public String toString() {
            return stun.message().toString() + (errorCode() == 0 ? "" : " (error " + errorCode() + ")");
        }
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** Encodes {@code msg} (with MESSAGE-INTEGRITY when {@code key} is not null, FINGERPRINT when asked). */
    public static byte[] encode(StunMessage msg, byte[] key, boolean fingerprint) {
        return StunCodec.encodeToArray(msg, key, fingerprint);
    }

    /** Decodes one STUN message, or throws {@link AssertionError}. */
    public static ReceivedStun decode(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return StunCodec.decode(in);
        } catch (StunCodecException e) {
            throw new AssertionError("not a STUN message: " + e.getMessage(), e);
        } finally {
            in.release();
        }
    }

    /** Sends {@code msg} as is (no authentication) and waits for the response with its transaction id. */
    public Response unauthenticated(StunMessage msg) {
        sendRaw(encode(msg, null, fingerprint));
        return awaitResponse(msg.transactionId(), TIMEOUT_MILLIS);
    }

    /**
     * Sends a request of {@code method} with {@code attrs}, authenticating with the long-term mechanism: without
     * a learned nonce the first try has no MESSAGE-INTEGRITY; a 401 or 438 answer teaches REALM/NONCE and the
     * request is retried once (with a new transaction id). Returns the final response.
     */
    public Response request(int method, List<StunAttribute> attrs) {
        Response r;
        if (nonce == null) {
            r = unauthenticated(new StunMessage(method, StunClass.REQUEST, TransactionId.random(), attrs));
            if (!learn(r)) {
                return r;
            }
        }
        r = authenticated(method, TransactionId.random(), attrs);
        if (learn(r)) {
            r = authenticated(method, TransactionId.random(), attrs);
        }
        return r;
    }

    /** One authenticated try with the learned REALM/NONCE (no retry), transaction id chosen by the caller. */
    public Response authenticated(int method, TransactionId tid, List<StunAttribute> attrs) {
        return awaitResponseTo(sendAuthenticated(method, tid, attrs));
    }

    /** Sends one authenticated request without waiting; returns its transaction id. */
    public TransactionId sendAuthenticated(int method, TransactionId tid, List<StunAttribute> attrs) {
        sendRaw(authenticatedBytes(method, tid, attrs));
        return tid;
    }

    /** The bytes of an authenticated request (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY, optional FINGERPRINT). */
    public byte[] authenticatedBytes(int method, TransactionId tid, List<StunAttribute> attrs) {
        if (nonce == null || realm == null) {
            throw new IllegalStateException("no REALM/NONCE learned yet");
        }
        List<StunAttribute> all = new ArrayList<>(attrs);
        boolean anonymous = chosen != null && userHash
                && (StatelessNonce.features(nonce) & StatelessNonce.USERNAME_ANONYMITY) != 0;
        all.add(anonymous ? new UserHash(LongTermCredentials.userHash(username, realm)) : new Username(username));
        all.add(new Realm(realm));
        all.add(new Nonce(nonce));
        if (chosen != null) {
            all.add(chosen);
            all.add(offered);
        }
        ByteBuf out = Unpooled.buffer(256);
        try {
            StunCodec.encode(new StunMessage(method, StunClass.REQUEST, tid, all), out, key(), integrity(),
                    fingerprint);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    public Response awaitResponseTo(TransactionId tid) {
        return awaitResponse(tid, TIMEOUT_MILLIS);
    }

    /** Learns REALM/NONCE from a 401/438; true when the request should be retried. */
    private boolean learn(Response r) {
        int code = r.errorCode();
        if (code == 401 || code == 438) {
            Realm re = r.attribute(Realm.class);
            Nonce no = r.attribute(Nonce.class);
            if (re == null || no == null) {
                throw new AssertionError(code + " without REALM/NONCE: " + r);
            }
            realm = re.value();
            nonce = no.value();
            PasswordAlgorithms offer = r.attribute(PasswordAlgorithms.class);
            if (rfc8489 && offer != null) {
                offered = offer;
                chosen = null;
                for (PasswordAlgorithm a : offer.algorithms()) {
                    if (a.algorithm() == PasswordAlgorithm.MD5 || a.algorithm() == PasswordAlgorithm.SHA256) {
                        chosen = a;
                        break;
                    }
                }
                if (chosen == null) {
                    return false; // §9.2.5: nothing supported, no retry
                }
            }
            return true;
        }
        return false;
    }

    /** Fetches a 401 challenge so REALM and NONCE are known (no allocation is made). */
    public Response challenge() {
        Response r = unauthenticated(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP)));
        learn(r);
        return r;
    }

    // ------------------------------------------------------------------------------------------------ TURN helpers

    /** Allocate with REQUESTED-TRANSPORT UDP plus {@code extra}; remembers XOR-RELAYED-ADDRESS on success. */
    public Response allocate(StunAttribute... extra) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new RequestedTransport(RequestedTransport.UDP));
        attrs.addAll(Arrays.asList(extra));
        Response r = request(StunMethod.ALLOCATE, attrs);
        if (r.isSuccess()) {
            XorRelayedAddress x = r.attribute(XorRelayedAddress.class);
            relayed = x == null ? null : x.address();
        }
        return r;
    }

    /** Allocate that must succeed; returns the relayed address. */
    public InetSocketAddress allocateOrFail() {
        Response r = allocate();
        if (!r.isSuccess()) {
            throw new AssertionError("Allocate failed: " + r);
        }
        return relayed;
    }

    public Response refresh(long lifetimeSeconds) {
        return request(StunMethod.REFRESH, List.of(new Lifetime(lifetimeSeconds)));
    }

    public Response createPermission(InetSocketAddress... peers) {
        List<StunAttribute> attrs = new ArrayList<>();
        for (InetSocketAddress p : peers) {
            attrs.add(new XorPeerAddress(p));
        }
        return request(StunMethod.CREATE_PERMISSION, attrs);
    }

    public Response channelBind(int number, InetSocketAddress peer) {
        return request(StunMethod.CHANNEL_BIND, List.of(new ChannelNumber(number), new XorPeerAddress(peer)));
    }

    /** Send indication (RFC 8656 §10.1): XOR-PEER-ADDRESS, DATA, optional FINGERPRINT. */
    public void sendIndication(InetSocketAddress peer, byte[] data) {
        sendRaw(sendIndicationBytes(TransactionId.random(), new XorPeerAddress(peer), data, fingerprint));
    }

    /** A Send indication with an arbitrary XOR-PEER-ADDRESS attribute (e.g. from {@link #rawXorPeerAddress}). */
    public static byte[] sendIndicationBytes(TransactionId tid, StunAttribute peer, byte[] data, boolean fingerprint) {
        return encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, tid, peer, new Data(data)), null,
                fingerprint);
    }

    /**
     * An XOR-PEER-ADDRESS with exactly the given address bytes (4 or 16), family chosen by length. Needed for
     * IPv4-mapped IPv6 forms, which {@link InetAddress#getByAddress(byte[])} would turn into IPv4.
     */
    public static UnknownAttribute rawXorPeerAddress(TransactionId tid, byte[] address, int port) {
        byte[] key = new byte[16];
        key[0] = 0x21;
        key[1] = 0x12;
        key[2] = (byte) 0xA4;
        key[3] = 0x42;
        System.arraycopy(tid.toBytes(), 0, key, 4, 12);
        byte[] v = new byte[4 + address.length];
        v[1] = (byte) (address.length == 4 ? 0x01 : 0x02);
        int xport = port ^ 0x2112;
        v[2] = (byte) (xport >>> 8);
        v[3] = (byte) xport;
        for (int i = 0; i < address.length; i++) {
            v[4 + i] = (byte) (address[i] ^ key[i]);
        }
        return new UnknownAttribute(io.turngate.stun.attr.AttributeType.XOR_PEER_ADDRESS, v);
    }

    /** ChannelData (RFC 8656 §12.4), unpadded or padded to a multiple of 4 (always padded on a stream, §12.5). */
    public void sendChannelData(int number, byte[] data, boolean padded) {
        sendRaw(channelDataBytes(number, data, padded || isStream()));
    }

    public void sendChannelData(int number, byte[] data) {
        sendChannelData(number, data, false);
    }

    public static byte[] channelDataBytes(int number, byte[] data, boolean padded) {
        int total = 4 + (padded ? (data.length + 3) & ~3 : data.length);
        byte[] b = new byte[total];
        b[0] = (byte) (number >>> 8);
        b[1] = (byte) number;
        b[2] = (byte) (data.length >>> 8);
        b[3] = (byte) data.length;
        System.arraycopy(data, 0, b, 4, data.length);
        return b;
    }

    // ------------------------------------------------------------------------------------------------ raw I/O

    /** Sends arbitrary bytes to the server (one datagram, or bytes on the stream). */
    public void sendRaw(byte[] bytes) {
        try {
            socket.send(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next datagram (or stream frame) from the server (queued first), or {@code null} after {@code timeoutMillis}. */
    public byte[] receive(long timeoutMillis) {
        if (!queued.isEmpty()) {
            return queued.removeFirst();
        }
        return receiveFromSocket(timeoutMillis);
    }

    /** Drops whatever is queued or arrives within {@code millis}. */
    public int drain(long millis) {
        int n = queued.size();
        queued.clear();
        while (receiveFromSocket(millis) != null) {
            n++;
        }
        return n;
    }

    private byte[] receiveFromSocket(long timeoutMillis) {
        try {
            return socket.receive(Math.max(1, timeoutMillis));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the STUN response with {@code tid}; other datagrams are queued for {@link #receive}. */
    public Response awaitResponse(TransactionId tid, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new AssertionError("no response to transaction " + tid + " within " + timeoutMillis + " ms");
            }
            byte[] d = receiveFromSocket(left);
            if (d == null) {
                continue;
            }
            if (d.length >= 20 && (d[0] & 0xC0) == 0 && matchesTid(d, tid)) {
                ReceivedStun s = decode(d);
                return new Response(s, d);
            }
            queued.addLast(d);
        }
    }

    private static boolean matchesTid(byte[] d, TransactionId tid) {
        byte[] t = tid.toBytes();
        for (int i = 0; i < 12; i++) {
            if (d[8 + i] != t[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        socket.close();
    }

    // ------------------------------------------------------------------------------------------------ transports

    /**
     * The {@link Datagrams} of a TCP or TLS connection: bytes read are kept until they make a whole frame (STUN: 20 + length; ChannelData:
     * 4 + length, padded to 4), so a read that times out loses nothing.
     */
    private static final class StreamWire implements Datagrams {
        private final Socket socket;
        private byte[] pending = new byte[0];

        StreamWire(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        @Override
        public byte[] receive(long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            byte[] buf = new byte[8192];
            while (true) {
                byte[] frame = nextFrame();
                if (frame != null) {
                    return frame;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) left);
                int n;
                try {
                    n = socket.getInputStream().read(buf);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                if (n < 0) {
                    throw new java.io.EOFException("the server closed the connection");
                }
                byte[] more = Arrays.copyOf(pending, pending.length + n);
                System.arraycopy(buf, 0, more, pending.length, n);
                pending = more;
            }
        }

        private byte[] nextFrame() {
            if (pending.length < 4) {
                return null;
            }
            int length = ((pending[2] & 0xFF) << 8) | (pending[3] & 0xFF);
            boolean stun = (pending[0] & 0xC0) == 0;
            int frame = stun ? 20 + length : 4 + length;
            int consumed = stun ? frame : (frame + 3) & ~3;
            if (pending.length < consumed) {
                return null;
            }
            byte[] out = Arrays.copyOf(pending, frame);
            pending = Arrays.copyOfRange(pending, consumed, pending.length);
            return out;
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
