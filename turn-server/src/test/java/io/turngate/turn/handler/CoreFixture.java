package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogLimiter;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.IntegrityPolicy;
import io.turngate.turn.Permission;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.RelaySocket;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;
import io.turngate.turn.TurnCounters;
import io.turngate.turn.TurnListener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TURN core of one listener with nothing real around it: a fake client transport whose wire is a Netty
 * {@link EmbeddedChannel} (so a test reads what the core queued with {@code readOutbound} and ends with
 * {@code assertFalse(ch.finish())}), a fake relay-port allocator that binds no socket (its relay sockets write what
 * the core sends to peers to another {@code EmbeddedChannel}), a fake listener and fake counters, and the real
 * authenticator (ephemeral TURN REST credentials, so that tests can have several users) on fake clocks.
 *
 * <p>Routes: {@code 127.0.0.1} (every port) and {@code 10.0.0.0/8} ports 5000 to 5999; anything else is not
 * routed. The relay addresses are {@code 127.0.0.1} (the default) and {@code ::1} (IPv6, {@code listener.relayV6}).
 */
final class CoreFixture {
    static final String REALM = "turngate.test";
    static final String SECRET = "handler-test-secret";
    /** Ephemeral usernames valid until 2027 on the fixture's wall clock (2023). */
    static final String ALICE = "1800000000:alice";
    static final String BOB = "1800000000:bob";
    static final InetSocketAddress ALICE_ADDRESS = new InetSocketAddress(loopback(), 40000);
    static final InetSocketAddress BOB_ADDRESS = new InetSocketAddress(loopback(), 40001);
    static final int FIRST_RELAY_PORT = 50000;

    final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    final AtomicLong wallMillis = new AtomicLong(1_700_000_000_000L);
    final FakeListener listener = new FakeListener(policy(routedConfig()));
    final FakeCounters counters = new FakeCounters();
    final FakeRelayPorts relayPorts = new FakeRelayPorts();
    final SelfAddresses self = new SelfAddresses();
    final RequestAuthenticator auth;
    final TurnContext context;
    final TurnRequestDispatcher dispatcher;
    final SendIndicationHandler sendIndications;
    final ChannelDataHandler channelData;
    final PeerDataHandler peerData;
    /** What the core sent to peers: one {@link DatagramPacket} per datagram, recipient = the peer. */
    final EmbeddedChannel peerWire = new EmbeddedChannel();

    CoreFixture() {
        this(SourceRateLimiter.unlimited());
    }

    CoreFixture(SourceRateLimiter unauthenticatedAnswers) {
        this(unauthenticatedAnswers, new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", SECRET)),
                IntegrityPolicy.SHA1_ALLOWED);
    }

    /** A core with the given auth config and {@code --integrity} policy. */
    CoreFixture(AuthConfig authConfig, IntegrityPolicy policy) {
        this(SourceRateLimiter.unlimited(), authConfig, policy);
    }

    private CoreFixture(SourceRateLimiter unauthenticatedAnswers, AuthConfig authConfig, IntegrityPolicy policy) {
        StatelessNonce nonces = new StatelessNonce(new byte[32], wallMillis::get, TimeUnit.HOURS.toMillis(1));
        auth = new RequestAuthenticator(authConfig, nonces, wallMillis::get, policy);
        context = new TurnContext(listener, auth, unauthenticatedAnswers, self, nanos::get, counters);
        dispatcher = new TurnRequestDispatcher(context, relayPorts);
        sendIndications = new SendIndicationHandler(context, new Indications());
        channelData = new ChannelDataHandler(context);
        peerData = new PeerDataHandler(context);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static StunnerConfig routedConfig() {
        return config("[\"127.0.0.1\", \"10.0.0.0/8:<5000-5999>\"]");
    }

    static StunnerConfig config(String endpoints) {
        try {
            return ConfigLoader.parse("{\"version\": \"v1\", \"admin\": {\"name\": \"handler-test\"},"
                    + " \"auth\": {\"type\": \"ephemeral\", \"realm\": \"" + REALM + "\","
                    + "   \"credentials\": {\"secret\": \"" + SECRET + "\"}},"
                    + " \"listeners\": [{\"name\": \"test/udp\", \"protocol\": \"TURN-UDP\", \"address\": \"127.0.0.1\","
                    + "   \"port\": 3478, \"routes\": [\"test/peers\"]}],"
                    + " \"clusters\": [{\"name\": \"test/peers\", \"type\": \"STATIC\", \"protocol\": \"UDP\","
                    + "   \"endpoints\": " + endpoints + "}]}", Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static RoutePolicy policy(StunnerConfig cfg) {
        return RoutePolicy.compile(cfg, cfg.listeners().get(0), Map.of());
    }

    /** A client connection (its 5-tuple is this object, as a TCP or TLS transport would key it). */
    FakeClient client(InetSocketAddress address) {
        return new FakeClient(address, null, new EmbeddedChannel());
    }

    /** Another transport object for {@code c}'s 5-tuple (a UDP transport makes one per datagram from a new sender). */
    FakeClient sameFiveTuple(FakeClient c) {
        return new FakeClient(c.address, c.fiveTuple(), c.wire);
    }

    // ------------------------------------------------------------------------------------------ requests

    static byte[] key(String user) {
        return LongTermCredentials.key(user, REALM, EphemeralCredentials.password(SECRET, user));
    }

    /** An authenticated request of {@code user} from {@code c}: USERNAME, REALM, a fresh NONCE, MESSAGE-INTEGRITY. */
    ByteBuf request(int method, TransactionId id, FakeClient c, String user, StunAttribute... attrs) {
        List<StunAttribute> all = new ArrayList<>(List.of(attrs));
        all.add(new Username(user));
        all.add(new Realm(REALM));
        all.add(new Nonce(auth.issueNonce(c.address, context.nonceEpoch(c))));
        return StunCodec.encode(new StunMessage(method, StunClass.REQUEST, id, all), ByteBufAllocator.DEFAULT,
                key(user), false);
    }

    ByteBuf request(int method, FakeClient c, String user, StunAttribute... attrs) {
        return request(method, TransactionId.random(), c, user, attrs);
    }

    /** A message without credentials. */
    static ByteBuf plain(int method, StunClass cls, boolean fingerprint, StunAttribute... attrs) {
        return StunCodec.encode(StunMessage.of(method, cls, TransactionId.random(), attrs), ByteBufAllocator.DEFAULT,
                null, fingerprint);
    }

    /** {@code message} arrives from {@code c} and its read batch ends (the transport flushes); released here. */
    void receive(FakeClient c, ByteBuf message) {
        try {
            dispatcher.onStun(c, message, message.readerIndex(), message.readableBytes());
        } finally {
            message.release();
        }
        c.wire.flush(); // the transport's end-of-read-batch flush, not the core's
    }

    /** The next answer the core sent to {@code c} (decoded; its buffer released). */
    static ReceivedStun response(FakeClient c) {
        Object out = c.wire.readOutbound();
        assertNotNull(out, "no answer reached the client");
        ByteBuf b = (ByteBuf) out;
        try {
            return StunCodec.decode(b);
        } catch (StunCodecException e) {
            throw new AssertionError("the core sent an undecodable answer", e);
        } finally {
            b.release();
        }
    }

    static void assertError(int code, ReceivedStun r) {
        assertEquals(StunClass.ERROR_RESPONSE, r.message().messageClass(), () -> "expected error " + code + ": " + r);
        ErrorCodeAttribute e = r.message().attribute(ErrorCodeAttribute.class);
        assertNotNull(e, "ERROR-CODE");
        assertEquals(code, e.code(), () -> "error code of " + r);
    }

    static void assertSuccess(ReceivedStun r, String user) {
        assertEquals(StunClass.SUCCESS_RESPONSE, r.message().messageClass(), () -> "expected success: " + r);
        assertTrue(r.verifyIntegrity(key(user)), "MESSAGE-INTEGRITY with the user's key");
    }

    /** {@code user}'s allocation from {@code c} (the fake relay ports complete at once). */
    Allocation allocate(FakeClient c, String user) {
        receive(c, request(StunMethod.ALLOCATE, c, user, new RequestedTransport(RequestedTransport.UDP)));
        assertSuccess(response(c), user);
        Allocation a = context.allocations().get(c.fiveTuple());
        assertNotNull(a, "allocation in the table");
        return a;
    }

    /** A permission for {@code peer}'s IP on {@code a}, installed directly. */
    Permission permit(Allocation a, InetSocketAddress peer) {
        return a.permit(peer.getAddress(), self.isLocal(peer.getAddress()), nanos.get());
    }

    /** The next datagram the core sent to a peer. */
    DatagramPacket toPeer() {
        Object out = peerWire.readOutbound();
        assertNotNull(out, "no datagram reached a peer");
        return (DatagramPacket) out;
    }

    /** The next datagram to a peer went to {@code peer} and carried exactly {@code payload}. */
    void assertToPeer(java.net.InetSocketAddress peer, byte[] payload) {
        DatagramPacket d = toPeer();
        try {
            org.junit.jupiter.api.Assertions.assertEquals(peer, d.recipient());
            byte[] got = new byte[d.content().readableBytes()];
            d.content().getBytes(d.content().readerIndex(), got);
            org.junit.jupiter.api.Assertions.assertArrayEquals(payload, got);
        } finally {
            d.release();
        }
    }

    /** Nothing left on any wire: every fake's channel finishes empty. */
    boolean finish(FakeClient... clients) {
        boolean left = peerWire.finish();
        for (FakeClient c : clients) {
            left |= c.wire.finish();
        }
        return left;
    }

    // ------------------------------------------------------------------------------------------ fakes

    /** A client transport over an {@link EmbeddedChannel}: what the core queues is written, and flushed on flush(). */
    static final class FakeClient implements ClientTransport {
        final InetSocketAddress address;
        final EmbeddedChannel wire;
        private final Object fiveTuple;
        int flushes;
        boolean allocationClosed;

        FakeClient(InetSocketAddress address, Object fiveTuple, EmbeddedChannel wire) {
            this.address = address;
            this.fiveTuple = fiveTuple == null ? this : fiveTuple;
            this.wire = wire;
        }

        @Override
        public Object fiveTuple() {
            return fiveTuple;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return address;
        }

        @Override
        public ByteBufAllocator alloc() {
            return wire.alloc();
        }

        @Override
        public void sendResponse(ByteBuf message) {
            wire.write(message);
        }

        @Override
        public void writeChannelData(int channelNumber, ByteBuf data, int index, int length) {
            ByteBuf out = wire.alloc().buffer(ChannelData.HEADER_LENGTH + length);
            ChannelData.writeHeader(out, channelNumber, length);
            out.writeBytes(data, index, length);
            wire.write(out);
        }

        @Override
        public void writeDataIndication(byte[] peerAddress, int peerPort, ByteBuf data, int index, int length) {
            ByteBuf out = wire.alloc().buffer(Indications.dataIndicationLength(peerAddress.length == 4 ? 4 : 6,
                    length));
            Indications.writeDataIndication(out, peerAddress, peerPort, data, index, length);
            wire.write(out);
        }

        @Override
        public void flush() {
            flushes++;
            wire.flush();
        }

        @Override
        public void allocationClosed() {
            allocationClosed = true;
        }
    }

    /** A relay socket that binds nothing: what the core sends to peers goes to {@link #peerWire}. */
    final class FakeRelaySocket implements RelaySocket {
        final int port;
        Allocation started;
        boolean closed;
        /** Datagrams this socket sent (which socket of a dual allocation a peer's data went through). */
        int sent;

        FakeRelaySocket(int port) {
            this.port = port;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void start(Allocation allocation) {
            started = allocation;
        }

        @Override
        public void send(ByteBuf src, int index, int length, InetSocketAddress peer) {
            if (closed) {
                fail("send on a closed relay socket");
            }
            sent++;
            ByteBuf copy = peerWire.alloc().buffer(length).writeBytes(src, index, length);
            peerWire.writeAndFlush(new DatagramPacket(copy, peer));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * A relay-port allocator that binds nothing: it completes at once with the next port (and a reservation token
     * for the R bit), or fails, or holds the completion until the test releases it.
     */
    final class FakeRelayPorts implements RelayPortAllocator {
        final List<Request> requests = new ArrayList<>();
        final List<FakeRelaySocket> sockets = new ArrayList<>();
        /** Held requests and their completions, oldest first. */
        final Deque<Map.Entry<Request, Completion>> held = new ArrayDeque<>();
        boolean hold;
        Refusal failWith;
        /** Fails IPv6 sockets only (a dual allocation whose IPv6 half cannot be had). */
        Refusal failIpv6With;
        long reservationToken = 0x1122334455667788L;
        int sweeps;
        private int nextPort = FIRST_RELAY_PORT;

        @Override
        public void allocate(Request request, Completion completion) {
            requests.add(request);
            if (hold) {
                held.add(Map.entry(request, completion));
            } else {
                complete(request, completion);
            }
        }

        private void complete(Request request, Completion completion) {
            if (!completion.wanted()) {
                return;
            }
            if (failWith != null || (!request.ipv4() && failIpv6With != null)) {
                completion.failed(failWith != null ? failWith : failIpv6With, "fake relay ports: refused");
                return;
            }
            FakeRelaySocket s = new FakeRelaySocket(nextPort);
            nextPort += 2;
            sockets.add(s);
            completion.allocated(s, request.reservePair() ? reservationToken : null);
        }

        /** Completes the oldest held request, as a bind that finished later would (possibly no longer wanted). */
        void release() {
            Map.Entry<Request, Completion> e = held.removeFirst();
            complete(e.getKey(), e.getValue());
        }

        /** Completes a held request even though it is no longer wanted (an allocator ignoring the contract). */
        FakeRelaySocket releaseRegardless() {
            Completion c = held.removeFirst().getValue();
            FakeRelaySocket s = new FakeRelaySocket(nextPort);
            nextPort += 2;
            sockets.add(s);
            c.allocated(s, null);
            return s;
        }

        @Override
        public void sweep(long nowNanos) {
            sweeps++;
        }
    }

    /** A listener with a swappable policy, an allocation cap and a per-user quota (0 = none). */
    static final class FakeListener implements TurnListener {
        volatile RoutePolicy policy;
        int cap;
        int quota;
        final Map<String, Integer> perUser = new HashMap<>();
        int allocations;
        private final LogLimiter denied = new LogLimiter(20);
        private final LogLimiter allocation = new LogLimiter(20);
        private final LogLimiter refusal = new LogLimiter(20);
        private final LogLimiter error = new LogLimiter(20);

        FakeListener(RoutePolicy policy) {
            this.policy = policy;
        }

        @Override
        public String name() {
            return "test/udp";
        }

        @Override
        public InetAddress relayAddress() {
            return loopback();
        }

        /** The IPv6 relay address ({@code ::1}); {@code null}: the listener has no IPv6 relay. */
        InetAddress relayV6 = ipv6Loopback();

        @Override
        public InetAddress relayAddress(boolean ipv4) {
            return ipv4 ? loopback() : relayV6;
        }

        @Override
        public RoutePolicy policy() {
            return policy;
        }

        @Override
        public LogLimiter deniedLog() {
            return denied;
        }

        @Override
        public LogLimiter allocationLog() {
            return allocation;
        }

        @Override
        public LogLimiter refusalLog() {
            return refusal;
        }

        @Override
        public LogLimiter errorLog() {
            return error;
        }

        @Override
        public Refusal acquireAllocation(String username) {
            if (cap > 0 && allocations >= cap) {
                return Refusal.ALLOCATION_LIMIT;
            }
            if (quota > 0 && perUser.getOrDefault(username, 0) >= quota) {
                return Refusal.QUOTA_REACHED;
            }
            allocations++;
            perUser.merge(username, 1, Integer::sum);
            return null;
        }

        @Override
        public void releaseAllocation(String username) {
            allocations--;
            perUser.computeIfPresent(username, (u, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** Counts every event by its method's name. */
    static final class FakeCounters implements TurnCounters {
        final Map<String, Integer> events = new HashMap<>();
        final Map<Refusal, Integer> refusals = new HashMap<>();
        long toPeerBytes;
        long fromPeerBytes;

        int get(String event) {
            return events.getOrDefault(event, 0);
        }

        int refusals(Refusal r) {
            return refusals.getOrDefault(r, 0);
        }

        private void count(String event) {
            events.merge(event, 1, Integer::sum);
        }

        @Override
        public void refused(Refusal refusal) {
            refusals.merge(refusal, 1, Integer::sum);
        }

        @Override
        public void answerRateLimited() {
            count("answerRateLimited");
        }

        @Override
        public void malformed() {
            count("malformed");
        }

        @Override
        public void badFingerprint() {
            count("badFingerprint");
        }

        @Override
        public void indicationDropped() {
            count("indicationDropped");
        }

        @Override
        public void responseDropped() {
            count("responseDropped");
        }

        @Override
        public void unknownMethod() {
            count("unknownMethod");
        }

        @Override
        public void unknownAttributes() {
            count("unknownAttributes");
        }

        @Override
        public void oversized() {
            count("oversized");
        }

        @Override
        public void noAllocation() {
            count("noAllocation");
        }

        @Override
        public void unboundChannel() {
            count("unboundChannel");
        }

        @Override
        public void noPermission() {
            count("noPermission");
        }

        @Override
        public void peerPortDenied() {
            count("peerPortDenied");
        }

        @Override
        public void selfPeerDenied() {
            count("selfPeerDenied");
        }

        @Override
        public void allocationCreated() {
            count("allocationCreated");
        }

        @Override
        public void allocationExpired() {
            count("allocationExpired");
        }

        @Override
        public void allocationDeleted() {
            count("allocationDeleted");
        }

        @Override
        public void allocationClosed(long livedNanos) {
            count("allocationClosed");
        }

        @Override
        public void relayBindFailed() {
            count("relayBindFailed");
        }

        @Override
        public void handlerError() {
            count("handlerError");
        }

        @Override
        public void relayed(RoutePolicy policy, Permission permission, boolean toPeer, int bytes) {
            count(toPeer ? "relayedToPeer" : "relayedFromPeer");
            if (toPeer) {
                toPeerBytes += bytes;
            } else {
                fromPeerBytes += bytes;
            }
        }
    }
}
