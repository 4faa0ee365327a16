package io.turngate.server;

import io.turngate.auth.EphemeralCredentials;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.stun.attr.AdditionalAddressFamily;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogCapture;
import io.turngate.turn.Refusal;
import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.DontFragment;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.ReservationToken;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.UnknownAttributes;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.turngate.server.TestGateways.LISTENER;
import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.REALM;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.authFailures;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.permissionRefusals;
import static io.turngate.server.TestGateways.awaitCounter;
import static io.turngate.server.TestGateways.cluster;
import static io.turngate.server.TestGateways.config;
import static io.turngate.server.TestGateways.staticAuth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per RFC 8656 / RFC 8489 outcome, against an in-process {@link Gateway} on a free UDP port of loopback,
 * with STUNner's routing rule (stunner-compat §1c) and auth error codes (§1d).
 */
class TurnOutcomesTest {
    private static final long QUIET_MILLIS = 300;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Gateway gw;
    private int port;
    private TestPeer echo;
    /** Offset added to System.nanoTime() by the gateway's nano clock (tests that move time). */
    private final AtomicLong nanoOffset = new AtomicLong();
    /** Offset added to System.currentTimeMillis() by the gateway's wall clock. */
    private final AtomicLong wallOffset = new AtomicLong();
    /** Reads of the gateway's nano clock; while the test is idle only the 1 s sweeper reads it. */
    private final AtomicLong nanoReads = new AtomicLong();

    @BeforeEach
    void setUp() {
        echo = track(TestPeer.echo());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gw != null) {
            gw.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private Gateway.Options options() {
        return Gateway.Options.defaults().withClocks(() -> {
            nanoReads.incrementAndGet();
            return System.nanoTime() + nanoOffset.get();
        }, () -> System.currentTimeMillis() + wallOffset.get());
    }

    /** Moves the gateway's nano clock forward and returns once a sweep has run at the new time. */
    private void advanceAndSweep(long seconds) {
        nanoOffset.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        long reads = nanoReads.get();
        assertTrue(await(() -> nanoReads.get() > reads, 3000), "no sweep ran within 3 s");
        // The sweep read the clock on the listener's event loop; this runs on that loop after the sweep finished.
        gw.allocationCount(LISTENER);
    }

    /** Starts the gateway with one cluster of {@code endpoints} (static user-1/pass-1, relay address 127.0.0.1). */
    private void start(String... endpoints) throws Exception {
        port = TestGateways.freeUdpPort();
        gw = Gateway.start(config(port, endpoints), options());
    }

    private void start(StunnerConfig cfg) throws Exception {
        gw = Gateway.start(cfg, options());
    }

    private TestTurnClient client() {
        return track(TestTurnClient.of(port, USER, PASS));
    }

    private TestTurnClient client(String user, String pass) {
        return track(TestTurnClient.of(port, user, pass));
    }

    private static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertError(int code, Response r) {
        assertTrue(r.isError(), () -> "expected error " + code + ", got " + r);
        assertEquals(code, r.errorCode(), () -> "response: " + r);
    }

    private static void assertSuccess(Response r) {
        assertTrue(r.isSuccess(), () -> "expected success, got " + r);
    }

    /** The payload the peer received next, or fails. */
    private static byte[] received(TestPeer peer) {
        TestPeer.Received r = peer.poll(2000);
        assertNotNull(r, "peer " + peer.address() + " received nothing");
        return r.data();
    }

    private static void assertNothingArrives(TestPeer peer) {
        TestPeer.Received r = peer.poll(QUIET_MILLIS);
        assertNull(r, () -> "peer " + peer.address() + " unexpectedly received " + r.data().length + " bytes from " + r.from());
    }

    private static void assertNothingArrives(TestTurnClient c) {
        byte[] d = c.receive(QUIET_MILLIS);
        assertNull(d, () -> "client unexpectedly received " + d.length + " bytes");
    }

    /** Next datagram at the client, decoded as a Data indication. */
    private static StunMessage receiveDataIndication(TestTurnClient c) {
        byte[] d = c.receive(2000);
        assertNotNull(d, "no Data indication arrived");
        ReceivedStun s = TestTurnClient.decode(d);
        assertEquals(StunMethod.DATA, s.message().method(), () -> "not a Data indication: " + s);
        assertEquals(StunClass.INDICATION, s.message().messageClass());
        return s.message();
    }

    // ============================================================================================ Binding

    @Test
    void bindingReturnsXorMappedAddressWithoutAuth() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()));
        assertSuccess(r);
        XorMappedAddress m = r.attribute(XorMappedAddress.class);
        assertNotNull(m, "XOR-MAPPED-ADDRESS missing");
        assertEquals(c.localAddress(), m.address());
        assertNull(r.attribute(MessageIntegrity.class), "Binding needs no MESSAGE-INTEGRITY");
        assertFalse(r.stun().fingerprintPresent(), "no FINGERPRINT unless the request had one");
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void bindingWithFingerprintGetsFingerprint() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client().withFingerprint(true);
        Response r = c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()));
        assertSuccess(r);
        assertTrue(r.stun().fingerprintPresent(), "RFC 8489 §7.3: answer FINGERPRINT with FINGERPRINT");
        assertEquals(c.localAddress(), r.attribute(XorMappedAddress.class).address());
    }

    // ============================================================================================ Allocate: auth

    @Test
    void allocateWithoutIntegrityReturns401WithRealmAndNonce() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.unauthenticated(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP)));
        assertError(401, r);
        assertEquals(REALM, r.attribute(Realm.class).value());
        assertNotNull(r.attribute(Nonce.class));
        assertFalse(r.attribute(Nonce.class).value().isEmpty());
        assertNull(r.attribute(MessageIntegrity.class), "a 401 challenge carries no MESSAGE-INTEGRITY");
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void allocateWithExpiredNonceReturns438WithFreshNonce() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.challenge();
        String old = c.nonce();
        wallOffset.addAndGet(TimeUnit.HOURS.toMillis(1) + 60_000); // past the 1 h nonce lifetime
        Response r = c.authenticated(StunMethod.ALLOCATE, TransactionId.random(),
                List.of(new RequestedTransport(RequestedTransport.UDP)));
        assertError(438, r);
        assertEquals(REALM, r.attribute(Realm.class).value());
        assertNotNull(r.attribute(Nonce.class));
        assertNotEquals(old, r.attribute(Nonce.class).value(), "438 must carry a fresh NONCE");
        assertEquals(0, gw.allocationCount());
        // The fresh nonce works.
        c.setNonce(r.attribute(Realm.class).value(), r.attribute(Nonce.class).value());
        assertSuccess(c.authenticated(StunMethod.ALLOCATE, TransactionId.random(),
                List.of(new RequestedTransport(RequestedTransport.UDP))));
    }

    @Test
    void allocateWithNonceFromAnotherClientAddressReturns438() throws Exception {
        start("127.0.0.1");
        TestTurnClient a = client();
        a.challenge();
        TestTurnClient b = client();
        b.setNonce(a.realm(), a.nonce());
        Response r = b.authenticated(StunMethod.ALLOCATE, TransactionId.random(),
                List.of(new RequestedTransport(RequestedTransport.UDP)));
        assertError(438, r);
        assertNotEquals(a.nonce(), r.attribute(Nonce.class).value());
        assertEquals(0, gw.allocationCount());
        // ...while the nonce still works for the client it was issued to.
        assertSuccess(a.authenticated(StunMethod.ALLOCATE, TransactionId.random(),
                List.of(new RequestedTransport(RequestedTransport.UDP))));
    }

    @Test
    void allocateWithWrongPasswordReturns400() throws Exception {
        start("127.0.0.1");
        long failures = authFailures(gw);
        Response r = client(USER, "not-" + PASS).allocate();
        assertError(400, r); // STUNner parity (pion/turn): 400, not RFC 8656's 401
        assertNull(r.attribute(MessageIntegrity.class));
        assertEquals(0, gw.allocationCount());
        assertTrue(authFailures(gw) > failures);
    }

    @Test
    void allocateWithUnknownUserReturns400() throws Exception {
        start("127.0.0.1");
        Response r = client("user-2", PASS).allocate();
        assertError(400, r);
        assertEquals(0, gw.allocationCount());
    }

    // ============================================================================================ Allocate: request

    @Test
    void allocateWithoutRequestedTransportReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.request(StunMethod.ALLOCATE, List.of());
        assertError(400, r);
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void allocateWithTcpTransportReturns442() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.request(StunMethod.ALLOCATE, List.of(new RequestedTransport(RequestedTransport.TCP)));
        assertError(442, r);
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void allocateRetransmissionGetsSameSuccessResponse() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.challenge();
        TransactionId tid = TransactionId.random();
        List<StunAttribute> attrs = List.of(new RequestedTransport(RequestedTransport.UDP));
        Response first = c.authenticated(StunMethod.ALLOCATE, tid, attrs);
        assertSuccess(first);
        Response again = c.authenticated(StunMethod.ALLOCATE, tid, attrs);
        assertArrayEquals(first.raw(), again.raw(), "RFC 8656 §7.2: a retransmission gets the same response");
        assertEquals(1, gw.allocationCount());
    }

    @Test
    void allocateRetransmittedBeforeTheFirstCompletesMakesOneAllocation() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.challenge();
        TransactionId tid = TransactionId.random();
        byte[] req = c.authenticatedBytes(StunMethod.ALLOCATE, tid, List.of(new RequestedTransport(RequestedTransport.UDP)));
        for (int i = 0; i < 3; i++) {
            c.sendRaw(req); // back to back: the relay socket of the first may still be binding
        }
        Response first = c.awaitResponseTo(tid);
        assertSuccess(first);
        for (byte[] more = c.receive(QUIET_MILLIS); more != null; more = c.receive(QUIET_MILLIS)) {
            assertArrayEquals(first.raw(), more, "every answer to the retransmissions must be the same response");
        }
        assertEquals(1, gw.allocationCount());
    }

    @Test
    void allocateFromSameFiveTupleWithNewTransactionIdReturns437() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        Response r = c.allocate();
        assertError(437, r);
        assertTrue(r.stun().verifyIntegrity(c.key()), "an error after authentication is integrity-protected");
        assertEquals(1, gw.allocationCount());
    }

    @Test
    void allocateAcceptsEvenPortReservationTokenAndDontFragment() throws Exception {
        start("127.0.0.1");
        TestTurnClient a = client();
        Response ra = a.allocate(new EvenPort(true), new DontFragment());
        assertSuccess(ra);
        int evenPort = a.relayed().getPort();
        assertEquals(0, evenPort & 1, "EVEN-PORT: relay port " + evenPort + " is odd");
        ReservationToken token = ra.attribute(ReservationToken.class);
        assertNotNull(token, "EVEN-PORT with R=1 must return a RESERVATION-TOKEN");
        assertFalse(TestGateways.udpPortIsFree(evenPort + 1), "port " + (evenPort + 1) + " must be reserved");

        TestTurnClient b = client();
        Response rb = b.allocate(token);
        assertSuccess(rb);
        assertEquals(evenPort + 1, b.relayed().getPort(), "RESERVATION-TOKEN must yield the reserved port");
        assertEquals(2, gw.allocationCount());

        // The token is single-use.
        TestTurnClient c = client();
        assertError(508, c.allocate(token));
    }

    @Test
    void evenPortWithoutReserveBitGivesEvenPortAndNoToken() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.allocate(new EvenPort(false));
        assertSuccess(r);
        assertEquals(0, c.relayed().getPort() & 1, "EVEN-PORT: relay port " + c.relayed().getPort() + " is odd");
        assertNull(r.attribute(ReservationToken.class));
    }

    @Test
    void evenPortTogetherWithReservationTokenReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        assertError(400, c.allocate(new EvenPort(true), new ReservationToken(0x0102030405060708L)));
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void unknownReservationTokenReturns508() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        assertError(508, c.allocate(new ReservationToken(0x1122334455667788L)));
        assertEquals(0, gw.allocationCount(), "a refused Allocate must not hold quota or an allocation");
        assertSuccess(c.allocate());
    }

    @Test
    void allocateResponseHasXorRelayedAddressOfListenerAddressAndLifetime600ByDefault() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.allocate();
        assertSuccess(r);
        InetSocketAddress relayed = r.attribute(XorRelayedAddress.class).address();
        assertEquals(InetAddress.getByName("127.0.0.1"), relayed.getAddress());
        assertTrue(relayed.getPort() > 0);
        assertEquals(600, r.attribute(Lifetime.class).seconds());
        assertEquals(c.localAddress(), r.attribute(XorMappedAddress.class).address());
        assertTrue(r.stun().verifyIntegrity(c.key()), "success response must carry a valid MESSAGE-INTEGRITY");
        assertEquals(1, gw.allocationCount());
        assertEquals(1, gw.allocationCount(LISTENER));
    }

    @Test
    void relayedAddressIsTheListenerAddressNotTheSocketAddress() throws Exception {
        port = TestGateways.freeUdpPort();
        // Advertised only (stunner-compat §1c.6): no packet is ever sent to this documentation address.
        start(config(staticAuth(), port, "192.0.2.10", List.of(cluster("c", "127.0.0.1"))));
        TestTurnClient c = client();
        c.allocateOrFail();
        assertEquals(InetAddress.getByName("192.0.2.10"), c.relayed().getAddress());
        assertEquals(InetAddress.getByName("192.0.2.10"), gw.relayAddress(LISTENER));
    }

    @Test
    void allocateAndRefreshLifetimeCappedAt3600() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.allocate(new Lifetime(100_000));
        assertSuccess(r);
        assertEquals(3600, r.attribute(Lifetime.class).seconds());
        Response rr = c.refresh(7200);
        assertSuccess(rr);
        assertEquals(3600, rr.attribute(Lifetime.class).seconds());
    }

    // ============================================================================================ Refresh

    @Test
    void refreshWithLifetimeZeroDeletesAllocationAndClosesRelay() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        int relayPort = c.allocateOrFail().getPort();
        assertEquals(1, gw.allocationCount());
        assertFalse(TestGateways.udpPortIsFree(relayPort), "relay port must be bound while the allocation lives");
        long deleted = gw.counter(Counter.ALLOCATIONS_DELETED);
        Response r = c.refresh(0);
        assertSuccess(r);
        assertEquals(0, r.attribute(Lifetime.class).seconds());
        assertEquals(0, gw.allocationCount());
        assertEquals(1, gw.counter(Counter.ALLOCATIONS_DELETED) - deleted);
        assertTrue(await(() -> TestGateways.udpPortIsFree(relayPort), 2000), "relay port " + relayPort + " still bound");
        // The allocation is gone for the 5-tuple too, and the 5-tuple may allocate again.
        assertError(437, c.refresh(600));
        assertSuccess(c.allocate());
        assertEquals(1, gw.allocationCount());
    }

    @Test
    void refreshWithoutAllocationReturns437() throws Exception {
        start("127.0.0.1");
        assertError(437, client().refresh(600));
    }

    @Test
    void requestWithOtherUsernameOnAllocationReturns441() throws Exception {
        port = TestGateways.freeUdpPort();
        String secret = "test-secret-not-real";
        start(config(TestGateways.ephemeralAuth(secret), port, "127.0.0.1", List.of(cluster("c", "127.0.0.1"))));
        long expiry = System.currentTimeMillis() / 1000 + 3600;
        String alice = expiry + ":alice";
        String bob = expiry + ":bob";
        TestTurnClient c = client(alice, EphemeralCredentials.password(secret, alice));
        c.allocateOrFail();
        c.withCredentials(bob, EphemeralCredentials.password(secret, bob));
        assertError(441, c.refresh(600));
        assertError(441, c.createPermission(echo.address()));
        assertError(441, c.channelBind(0x4000, echo.address()));
        assertEquals(1, gw.allocationCount());
        // The owner still can.
        c.withCredentials(alice, EphemeralCredentials.password(secret, alice));
        assertSuccess(c.refresh(600));
    }

    // ============================================================================================ Reconfiguration

    @Test
    void realmChangeKeepsAllocationAndAnswers438WithTheNewRealm() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.channelBind(0x4000, echo.address()));
        StunnerConfig cfg = gw.config();
        gw.apply(new StunnerConfig(cfg.version(), cfg.admin(), new io.turngate.config.v1.AuthConfig(
                cfg.auth().type(), "other.realm", cfg.auth().credentials()), cfg.listeners(), cfg.clusters()));
        assertEquals(1, gw.allocationCount(), "a realm change must not drop allocations");
        c.sendChannelData(0x4000, bytes("after-realm-change"));
        assertArrayEquals(bytes("after-realm-change"), received(echo));
        Response stale = c.authenticated(StunMethod.REFRESH, TransactionId.random(), List.of(new Lifetime(600)));
        assertError(438, stale);
        assertEquals("other.realm", stale.attribute(Realm.class).value());
        assertSuccess(c.refresh(600)); // learns the new realm and re-keys
        assertEquals("other.realm", c.realm());
    }

    @Test
    void passwordChangeKeepsAllocationButOldPasswordFails() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        StunnerConfig cfg = gw.config();
        gw.apply(new StunnerConfig(cfg.version(), cfg.admin(), new io.turngate.config.v1.AuthConfig(
                cfg.auth().type(), cfg.auth().realm(), java.util.Map.of("username", USER, "password", "pass-2")),
                cfg.listeners(), cfg.clusters()));
        assertEquals(1, gw.allocationCount());
        assertError(400, c.refresh(600));
        c.withCredentials(USER, "pass-2");
        assertSuccess(c.refresh(600));
    }

    /**
     * A listener restart (port change) while an EVEN-PORT Allocate is still binding its relay pair must not leave
     * the allocation counted: otherwise {@code allocationCount()} drifts and {@code admin.user_quota} is used up
     * by allocations that do not exist.
     */
    @Test
    void listenerRestartDuringPendingAllocateReleasesQuota() throws Exception {
        start("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            TestTurnClient c = client();
            c.challenge();
            byte[] req = c.authenticatedBytes(StunMethod.ALLOCATE, TransactionId.random(),
                    List.of(new RequestedTransport(RequestedTransport.UDP), new EvenPort(true)));
            int next = TestGateways.freeUdpPort();
            c.sendRaw(req);
            gw.apply(config(next, "127.0.0.1")); // restarts the listener, racing the relay binds
            port = next;
            int iteration = i;
            assertTrue(await(() -> gw.allocationCount() == 0, 1000), () -> "iteration " + iteration
                    + ": allocationCount " + gw.allocationCount() + " after the listener holding it was restarted");
        }
    }

    @Test
    void peerRoutedOnlyOnAnotherListenerIsRefused() throws Exception {
        port = TestGateways.freeUdpPort();
        int port2 = TestGateways.freeUdpPort();
        while (port2 == port) {
            port2 = TestGateways.freeUdpPort();
        }
        StunnerConfig one = config(port, "127.0.0.1");
        io.turngate.config.v1.ListenerConfig l1 = one.listeners().get(0);
        io.turngate.config.v1.ListenerConfig l2 = new io.turngate.config.v1.ListenerConfig("testns/gateway/other",
                l1.protocol(), "", 0, "127.0.0.1", port2, "", "", List.of("cluster-b"));
        start(new StunnerConfig(one.version(), one.admin(), one.auth(), List.of(l1, l2),
                List.of(one.clusters().get(0), cluster("cluster-b", "192.0.2.0/24"))));
        TestTurnClient onOther = track(TestTurnClient.of(port2, USER, PASS));
        onOther.allocateOrFail();
        try (LogCapture logs = LogCapture.attach()) {
            assertError(403, onOther.createPermission(echo.address()));
            assertEquals(1, logs.count("permission denied on listener \"testns/gateway/other\" for client \"127.0.0.1:"
                    + onOther.localAddress().getPort() + "\" to peer 127.0.0.1: no route to endpoint"), () -> "" + logs.messages());
        }
        assertSuccess(onOther.createPermission(addr("192.0.2.9", 1)));
        TestTurnClient onFirst = client();
        onFirst.allocateOrFail();
        assertSuccess(onFirst.createPermission(echo.address()));
        assertError(403, onFirst.createPermission(addr("192.0.2.9", 1)));
        assertEquals(1, gw.allocationCount(LISTENER));
        assertEquals(1, gw.allocationCount("testns/gateway/other"));
    }

    // ============================================================================================ CreatePermission

    @Test
    void createPermissionWithSeveralPeers() throws Exception {
        start("127.0.0.0/8");
        TestPeer p1 = echo;
        TestPeer p2 = track(TestPeer.on(InetAddress.getByName("127.0.0.2"), true));
        TestPeer p3 = track(TestPeer.on(InetAddress.getByName("127.0.0.3"), true));
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.createPermission(p1.address(), p2.address()));
        c.sendIndication(p1.address(), bytes("to-one"));
        c.sendIndication(p2.address(), bytes("to-two"));
        assertArrayEquals(bytes("to-one"), received(p1));
        assertArrayEquals(bytes("to-two"), received(p2));
        // Both answers come back as Data indications from the right peers.
        List<InetSocketAddress> from = new ArrayList<>();
        from.add(receiveDataIndication(c).attribute(XorPeerAddress.class).address());
        from.add(receiveDataIndication(c).attribute(XorPeerAddress.class).address());
        assertTrue(from.contains(p1.address()) && from.contains(p2.address()), "Data indications from " + from);
        // A third, routed but not permitted peer gets nothing.
        long noPerm = gw.counter(Counter.NO_PERMISSION);
        c.sendIndication(p3.address(), bytes("to-three"));
        assertEquals(1, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 1));
        assertNothingArrives(p3);
    }

    @Test
    void createPermissionForUnroutedPeerReturns403AndInstallsNothing() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        try (LogCapture logs = LogCapture.attach()) {
            long denied = permissionRefusals(gw);
            Response r = c.createPermission(echo.address(), addr("192.0.2.1", 9));
            assertError(403, r);
            assertEquals(1, permissionRefusals(gw) - denied);
            String line = "permission denied on listener \"" + LISTENER + "\" for client \"127.0.0.1:"
                    + c.localAddress().getPort() + "\" to peer 192.0.2.1: no route to endpoint";
            assertEquals(1, logs.count(line), () -> "log lines: " + logs.messages());
        }
        // All-or-nothing: the routed peer before the refused one was not installed either.
        long noPerm = gw.counter(Counter.NO_PERMISSION);
        c.sendIndication(echo.address(), bytes("x"));
        assertEquals(1, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 1));
        assertNothingArrives(echo);
    }

    @Test
    void loopbackPeerCoveredOnlyByWildcardIsRefused() throws Exception {
        start("0.0.0.0/0");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertError(403, c.createPermission(echo.address()));
        assertError(403, c.channelBind(0x4000, echo.address()));
        c.sendIndication(echo.address(), bytes("x"));
        c.sendChannelData(0x4000, bytes("y"));
        assertNothingArrives(echo);
    }

    @Test
    void ipv4MappedAndCompatibleAnd6to4AndNat64LoopbackFormsAreRefused() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("any4", "0.0.0.0/0"), cluster("any6", "::/0"))));
        TestTurnClient c = client();
        c.allocateOrFail();
        int p = echo.port();
        byte[][] forms = {
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1},        // ::ffff:127.0.0.1
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1},                            // ::127.0.0.1
            {0x20, 0x02, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},                      // 2002:7f00:1::1 (6to4)
            {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1},     // 64:ff9b::127.0.0.1
        };
        long denied = permissionRefusals(gw);
        for (byte[] form : forms) {
            // The XOR key includes the transaction id, so the request is sent with the id the attribute was built for.
            TransactionId tid = TransactionId.random();
            Response perm = c.authenticated(StunMethod.CREATE_PERMISSION, tid,
                    List.of(TestTurnClient.rawXorPeerAddress(tid, form, p)));
            assertError(403, perm);
            TransactionId tid2 = TransactionId.random();
            Response bind = c.authenticated(StunMethod.CHANNEL_BIND, tid2,
                    List.of(new ChannelNumber(0x4000), TestTurnClient.rawXorPeerAddress(tid2, form, p)));
            assertError(403, bind);
        }
        assertEquals(2L * forms.length, permissionRefusals(gw) - denied);
        for (byte[] form : forms) {
            TransactionId tid = TransactionId.random();
            c.sendRaw(TestTurnClient.sendIndicationBytes(tid, TestTurnClient.rawXorPeerAddress(tid, form, p),
                    bytes("leak"), false));
        }
        c.sendChannelData(0x4000, bytes("leak"));
        assertNothingArrives(echo);
    }

    /**
     * The disguised-peer table in both families: IPv4 loopback and metadata addresses written as IPv6, and IPv6's
     * own special ranges, each under wildcard routes of both families, from an IPv4, an IPv6 (REQUESTED-ADDRESS-
     * FAMILY) and a dual (ADDITIONAL-ADDRESS-FAMILY) allocation. A peer whose canonical family the allocation has a
     * relayed address for gets 403 (the special-range rule), any other 443 (RFC 8656 §10.2, §12.2); never a
     * permission, never a datagram. An ordinary IPv6 address under {@code ::/0} is admitted (the control).
     */
    @Test
    void disguisedAndSpecialPeersAreRefusedInBothFamiliesOnIpv4Ipv6AndDualAllocations() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("any4", "0.0.0.0/0"), cluster("any6", "::/0"))));
        TestPeer echo6 = track(TestPeer.on(InetAddress.getByName("::1"), true));
        // {canonical family is IPv4?, 16 address bytes}
        Object[][] forms = {
            {true, ip6("::ffff:127.0.0.1")},
            {true, ip6("::127.0.0.1")},
            {true, ip6("2002:7f00:1::1")},                    // 6to4
            {true, ip6("64:ff9b::127.0.0.1")},                // NAT64 well-known prefix
            {true, ip6("::ffff:169.254.169.254")},            // cloud metadata, IPv4-mapped
            {true, ip6("64:ff9b::a9fe:a9fe")},                // cloud metadata via NAT64
            {false, ip6("::1")},
            {false, ip6("::")},
            {false, ip6("fe80::1")},
            {false, ip6("ff02::1")},
            {false, ip6("fd00::1")},                          // unique-local, not named
            {false, ip6("2001:0:4136:e378:8000:63bf:3fff:fdd2")},  // Teredo
            {false, ip6("64:ff9b:1::7f00:1")},                // NAT64 local-use prefix
        };
        StunAttribute[][] families = {
            {},
            {new RequestedAddressFamily(RequestedAddressFamily.IPV6)},
            {new AdditionalAddressFamily(RequestedAddressFamily.IPV6)},
        };
        boolean[][] has = {{true, false}, {false, true}, {true, true}}; // {IPv4 relay, IPv6 relay}
        long denied = permissionRefusals(gw);
        int refusals = 0;
        for (int f = 0; f < families.length; f++) {
            TestTurnClient c = client();
            Response alloc = c.allocate(families[f]);
            assertSuccess(alloc);
            assertEquals((has[f][0] ? 1 : 0) + (has[f][1] ? 1 : 0),
                    alloc.message().attributes(io.turngate.stun.attr.XorRelayedAddress.class).size());
            for (Object[] form : forms) {
                byte[] a = (byte[]) form[1];
                int expected = has[f][(Boolean) form[0] ? 0 : 1] ? 403 : 443;
                int p = (Boolean) form[0] ? echo.port() : echo6.port();
                TransactionId tid = TransactionId.random();
                Response perm = c.authenticated(StunMethod.CREATE_PERMISSION, tid,
                        List.of(TestTurnClient.rawXorPeerAddress(tid, a, p)));
                assertError(expected, perm);
                TransactionId tid2 = TransactionId.random();
                Response bind = c.authenticated(StunMethod.CHANNEL_BIND, tid2,
                        List.of(new ChannelNumber(0x4000), TestTurnClient.rawXorPeerAddress(tid2, a, p)));
                assertError(expected, bind);
                refusals += 2;
                TransactionId tid3 = TransactionId.random();
                c.sendRaw(TestTurnClient.sendIndicationBytes(tid3, TestTurnClient.rawXorPeerAddress(tid3, a, p),
                        bytes("leak"), false));
            }
            c.sendChannelData(0x4000, bytes("leak"));
            if (has[f][1]) {
                assertSuccess(c.createPermission(addr("2001:db8::1", 9))); // ::/0 admits an ordinary IPv6 peer
            } else {
                assertError(443, c.createPermission(addr("2001:db8::1", 9)));
                refusals++;
            }
        }
        assertEquals(refusals, permissionRefusals(gw) - denied);
        assertNothingArrives(echo);
        assertNothingArrives(echo6);
    }

    /** A route naming {@code ::1} admits it (as {@code 127.0.0.1} for IPv4): data goes both ways over IPv6. */
    @Test
    void explicitlyRoutedIpv6LoopbackIsRelayedThroughTheIpv6RelaySocket() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("a-any", "::/0"), cluster("b-local", "::1"))));
        TestPeer echo6 = track(TestPeer.on(InetAddress.getByName("::1"), true));
        for (StunAttribute family : new StunAttribute[] {new RequestedAddressFamily(RequestedAddressFamily.IPV6),
            new AdditionalAddressFamily(RequestedAddressFamily.IPV6)}) {
            TestTurnClient c = client();
            Response alloc = c.allocate(family);
            assertSuccess(alloc);
            List<io.turngate.stun.attr.XorRelayedAddress> relayed = alloc.message().attributes(
                    io.turngate.stun.attr.XorRelayedAddress.class);
            InetSocketAddress v6 = relayed.get(relayed.size() - 1).address();
            assertEquals(InetAddress.getByName("::1"), v6.getAddress(), "the IPv6 relay address of a loopback listener");
            assertSuccess(c.createPermission(echo6.address()));
            c.sendIndication(echo6.address(), bytes("hello6"));
            TestPeer.Received got = echo6.poll(2000);
            assertNotNull(got, "the IPv6 peer received nothing");
            assertArrayEquals(bytes("hello6"), got.data());
            assertEquals(v6.getPort(), got.from().getPort(), "sent from the IPv6 relay socket");
            StunMessage ind = receiveDataIndication(c);
            assertArrayEquals(bytes("hello6"), ind.attribute(Data.class).value());
            assertEquals(echo6.address(), ind.attribute(XorPeerAddress.class).address());
        }
    }

    private static byte[] ip6(String literal) {
        byte[] a = io.turngate.config.route.PeerAddresses.parseLiteral(literal);
        assertEquals(16, a.length, literal);
        return a;
    }

    @Test
    void linkLocalMulticastUnspecifiedBroadcastRefused() throws Exception {
        start("0.0.0.0/0");
        TestTurnClient c = client();
        c.allocateOrFail();
        for (String ip : new String[] {"169.254.10.10", "224.0.0.251", "239.1.2.3", "0.0.0.0", "0.1.2.3",
            "255.255.255.255"}) {
            assertError(403, c.createPermission(addr(ip, 5000)));
            assertError(403, c.channelBind(0x4000, addr(ip, 5000)));
        }
        // An ordinary address under the same wildcard is admitted (documentation range; nothing is sent to it).
        assertSuccess(c.createPermission(addr("192.0.2.77", 5000)));
    }

    @Test
    void explicitlyRoutedLoopbackIsAllowed() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("a-any", "0.0.0.0/0"), cluster("b-local", "127.0.0.1"))));
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.createPermission(echo.address()));
        c.sendIndication(echo.address(), bytes("hello"));
        assertArrayEquals(bytes("hello"), received(echo));
        assertArrayEquals(bytes("hello"), receiveDataIndication(c).attribute(Data.class).value());
    }

    // ============================================================================================ ChannelBind

    @Test
    void channelBindOutOfRangeReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        for (int n : new int[] {0x0000, 0x3FFF, 0x8000, 0xFFFF}) {
            assertError(400, c.channelBind(n, echo.address()));
        }
        assertSuccess(c.channelBind(0x4000, echo.address()));
    }

    @Test
    void channelBindSameNumberOtherPeerReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        TestPeer other = track(TestPeer.capture());
        assertSuccess(c.channelBind(0x4000, echo.address()));
        assertError(400, c.channelBind(0x4000, other.address()));
        // The original binding is intact.
        c.sendChannelData(0x4000, bytes("abc"));
        assertArrayEquals(bytes("abc"), received(echo));
        assertNothingArrives(other);
    }

    @Test
    void channelBindSamePeerOtherNumberReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.channelBind(0x4000, echo.address()));
        assertError(400, c.channelBind(0x4001, echo.address()));
        long unbound = gw.counter(Counter.UNBOUND_CHANNEL);
        c.sendChannelData(0x4001, bytes("x"));
        assertEquals(1, awaitCounter(gw, Counter.UNBOUND_CHANNEL, unbound, 1));
        assertNothingArrives(echo);
    }

    @Test
    void channelBindRefreshSameBindingSucceeds() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.channelBind(0x4ABC, echo.address()));
        assertSuccess(c.channelBind(0x4ABC, echo.address()));
        c.sendChannelData(0x4ABC, bytes("still-bound"));
        assertArrayEquals(bytes("still-bound"), received(echo));
    }

    // ============================================================================================ Data path

    @Test
    void channelDataRelayedToPeerAndBackAsChannelData() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        int ch = 0x4001;
        assertSuccess(c.channelBind(ch, echo.address()));
        int[] lengths = {1, 2, 3, 4, 5, 7, 8, 101, 1203, 1500};
        for (boolean padded : new boolean[] {false, true}) {
            for (int len : lengths) {
                byte[] payload = new byte[len];
                for (int i = 0; i < len; i++) {
                    payload[i] = (byte) (i * 31 + len + (padded ? 1 : 0));
                }
                c.sendChannelData(ch, payload, padded);
                TestPeer.Received atPeer = echo.poll(2000);
                assertNotNull(atPeer, "peer got nothing for length " + len + " padded=" + padded);
                assertArrayEquals(payload, atPeer.data(), "payload at peer, length " + len + " padded=" + padded);
                assertEquals(c.relayed().getPort(), atPeer.from().getPort(), "peer sees the relayed port");
                byte[] back = c.receive(2000);
                assertNotNull(back, "no ChannelData back for length " + len);
                assertEquals(ch, ((back[0] & 0xFF) << 8) | (back[1] & 0xFF), "channel number");
                assertEquals(len, ((back[2] & 0xFF) << 8) | (back[3] & 0xFF), "ChannelData length field");
                assertEquals(4 + len, back.length, "turngate sends ChannelData unpadded over UDP");
                assertArrayEquals(payload, Arrays.copyOfRange(back, 4, 4 + len));
            }
        }
    }

    @Test
    void sendIndicationRelayedAndAnswerArrivesAsDataIndication() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.createPermission(echo.address()));
        for (boolean fp : new boolean[] {false, true}) {
            c.withFingerprint(fp);
            byte[] payload = bytes(fp ? "with-fingerprint!" : "odd");
            c.sendIndication(echo.address(), payload);
            TestPeer.Received at = echo.poll(2000);
            assertNotNull(at, "Send indication not relayed (fingerprint=" + fp + ")");
            assertArrayEquals(payload, at.data());
            assertEquals(c.relayed().getPort(), at.from().getPort());
            StunMessage data = receiveDataIndication(c);
            assertEquals(echo.address(), data.attribute(XorPeerAddress.class).address());
            assertArrayEquals(payload, data.attribute(Data.class).value());
        }
    }

    @Test
    void sendIndicationWithoutPermissionDropped() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        long noPerm = gw.counter(Counter.NO_PERMISSION);
        c.sendIndication(echo.address(), bytes("nope"));
        assertEquals(1, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 1));
        assertNothingArrives(echo);
    }

    @Test
    void dataFromPeerWithoutPermissionIsDropped() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        TestPeer stranger = track(TestPeer.capture());
        long noPerm = gw.counter(Counter.NO_PERMISSION);
        stranger.send(relayed, bytes("unsolicited"));
        assertEquals(1, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 1));
        assertNothingArrives(c);
        // With a permission for that IP the same datagram is delivered (proves the path above could deliver).
        assertSuccess(c.createPermission(stranger.address()));
        stranger.send(relayed, bytes("solicited"));
        assertArrayEquals(bytes("solicited"), receiveDataIndication(c).attribute(Data.class).value());
    }

    @Test
    void portRangeEnforcedPerPacketBothDirections() throws Exception {
        port = TestGateways.freeUdpPort();
        int p = echo.port();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("c", "127.0.0.1:<" + p + "-" + p + ">"))));
        TestPeer q = track(TestPeer.capture());
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        assertSuccess(c.createPermission(echo.address())); // admission is by IP only
        // turngate: a ChannelBind to a port outside the range is refused at the request (its data would be dropped).
        long refused = gw.refusals(Refusal.PEER_PORT_NOT_ROUTED);
        assertError(403, c.channelBind(0x4002, q.address()));
        assertEquals(1, gw.refusals(Refusal.PEER_PORT_NOT_ROUTED) - refused);

        c.sendIndication(echo.address(), bytes("in-range"));
        assertArrayEquals(bytes("in-range"), received(echo));
        assertArrayEquals(bytes("in-range"), receiveDataIndication(c).attribute(Data.class).value());
        assertSuccess(c.channelBind(0x4003, echo.address())); // the routed port of the same IP binds

        long denied = gw.counter(Counter.PEER_PORT_DENIED);
        c.sendIndication(q.address(), bytes("out-of-range"));
        c.sendChannelData(0x4002, bytes("never-bound"));
        assertEquals(1, awaitCounter(gw, Counter.PEER_PORT_DENIED, denied, 1));
        assertNothingArrives(q);

        denied = gw.counter(Counter.PEER_PORT_DENIED);
        q.send(relayed, bytes("inbound-out-of-range"));
        assertEquals(1, awaitCounter(gw, Counter.PEER_PORT_DENIED, denied, 1));
        assertNothingArrives(c);
    }

    @Test
    void removedEndpointStopsRelayingAtOnce() throws Exception {
        start("127.0.0.1");
        StunnerConfig original = gw.config();
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        assertSuccess(c.channelBind(0x4000, echo.address()));
        c.sendChannelData(0x4000, bytes("before"));
        assertArrayEquals(bytes("before"), received(echo));
        assertNotNull(c.receive(2000), "echo before the change");

        List<ClusterConfig> without = List.of(cluster("cluster-a"));
        gw.apply(config(staticAuth(), port, "127.0.0.1", without));
        assertEquals(1, gw.allocationCount(), "a route change must not drop the allocation");
        long denied = gw.counter(Counter.PEER_PORT_DENIED);
        c.sendChannelData(0x4000, bytes("after-removal"));
        assertEquals(1, awaitCounter(gw, Counter.PEER_PORT_DENIED, denied, 1));
        assertNothingArrives(echo);
        echo.send(relayed, bytes("inbound-after-removal"));
        assertEquals(2, awaitCounter(gw, Counter.PEER_PORT_DENIED, denied, 2));
        assertNothingArrives(c);

        gw.apply(original);
        c.sendChannelData(0x4000, bytes("restored"));
        assertArrayEquals(bytes("restored"), received(echo));
        byte[] back = c.receive(2000);
        assertNotNull(back, "echo after re-adding the endpoint");
        assertArrayEquals(bytes("restored"), Arrays.copyOfRange(back, 4, back.length));
    }

    @Test
    void peerThatIsTheGatewayItselfIsNotRelayedTo() throws Exception {
        start("127.0.0.1");
        TestTurnClient a = client();
        a.allocateOrFail();
        TestTurnClient b = client();
        InetSocketAddress bRelay = b.allocateOrFail();
        assertSuccess(b.createPermission(addr("127.0.0.1", 1))); // b would accept anything from 127.0.0.1

        // The listener itself: ChannelBind is refused at the request (turngate), a Send indication dropped per packet.
        long ownPort = gw.refusals(Refusal.PEER_OWN_PORT);
        assertError(403, a.channelBind(0x4000, addr("127.0.0.1", port)));
        assertEquals(1, gw.refusals(Refusal.PEER_OWN_PORT) - ownPort);
        assertSuccess(a.createPermission(addr("127.0.0.1", port))); // permissions are IP-only
        long self = gw.counter(Counter.SELF_PEER_DENIED);
        long rx = gw.stats(LISTENER).rxPackets();
        a.sendIndication(addr("127.0.0.1", port), bytes("loop-to-listener"));
        assertEquals(1, awaitCounter(gw, Counter.SELF_PEER_DENIED, self, 1));
        assertTrue(await(() -> gw.stats(LISTENER).rxPackets() >= rx + 1, 2000));
        Thread.sleep(QUIET_MILLIS);
        assertEquals(rx + 1, gw.stats(LISTENER).rxPackets(), "only the Send indication itself reached the listener");

        // Another allocation's relay port: routed explicitly, but nothing arrives at b.
        assertError(403, a.channelBind(0x4001, addr("127.0.0.1", bRelay.getPort())));
        assertEquals(2, gw.refusals(Refusal.PEER_OWN_PORT) - ownPort);
        self = gw.counter(Counter.SELF_PEER_DENIED);
        a.sendIndication(addr("127.0.0.1", bRelay.getPort()), bytes("loop-to-relay"));
        a.sendIndication(addr("127.0.0.1", bRelay.getPort()), bytes("loop-to-relay-2"));
        assertEquals(2, awaitCounter(gw, Counter.SELF_PEER_DENIED, self, 2));
        assertNothingArrives(b);
    }

    // ============================================================================================ Families, quota, auth none

    @Test
    void allocateWithAnUnknownFamilyReturns440AndIpv6OnAnIpv4ListenerGetsItsIpv6Relay() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        assertError(440, c.allocate(new RequestedAddressFamily(3)));
        assertEquals(0, gw.allocationCount());
        // The listener's address is 127.0.0.1: its IPv6 relay address is ::1 (Gateway.otherFamilyRelayAddress).
        Response r = c.allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6));
        assertSuccess(r);
        assertEquals(InetAddress.getByName("::1"), r.attribute(io.turngate.stun.attr.XorRelayedAddress.class)
                .address().getAddress());
    }

    @Test
    void createPermissionWithIpv6PeerOnIpv4AllocationReturns443() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(staticAuth(), port, "127.0.0.1", List.of(cluster("any6", "::/0"), cluster("local", "127.0.0.1"))));
        TestTurnClient c = client();
        c.allocateOrFail();
        assertError(443, c.createPermission(addr("2001:db8::1", 5000)));
        assertError(443, c.channelBind(0x4000, addr("2001:db8::1", 5000)));
    }

    @Test
    void allocateOverUserQuotaReturns486() throws Exception {
        port = TestGateways.freeUdpPort();
        StunnerConfig base = config(port, "127.0.0.1");
        start(new StunnerConfig(base.version(), new io.turngate.config.v1.AdminConfig(base.admin().name(),
                base.admin().logLevel(), "", "", 1, base.admin().offloadEngine(), List.of()),
                base.auth(), base.listeners(), base.clusters()));
        TestTurnClient a = client();
        a.allocateOrFail();
        TestTurnClient b = client();
        assertError(486, b.allocate());
        assertEquals(1, gw.allocationCount());
        assertSuccess(a.refresh(0));
        assertSuccess(b.allocate(), "quota is released when the allocation is deleted");
    }

    private static void assertSuccess(Response r, String why) {
        assertTrue(r.isSuccess(), () -> why + ": " + r);
    }

    @Test
    void authTypeNoneAnswersBindingButRefusesTurnWith400() throws Exception {
        port = TestGateways.freeUdpPort();
        start(config(new io.turngate.config.v1.AuthConfig(io.turngate.config.v1.AuthType.NONE, REALM, java.util.Map.of()),
                port, "127.0.0.1", List.of(cluster("c", "127.0.0.1"))));
        TestTurnClient c = client();
        assertSuccess(c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random())));
        assertError(400, c.allocate());
        assertEquals(0, gw.allocationCount());
    }

    // ============================================================================================ STUN generics

    @Test
    void unknownComprehensionRequiredAttributeReturns420WithUnknownAttributes() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random(),
                new UnknownAttribute(0x7F01, new byte[] {1, 2, 3, 4}), new UnknownAttribute(0x0030, new byte[3])));
        assertError(420, r);
        UnknownAttributes u = r.attribute(UnknownAttributes.class);
        assertNotNull(u, "420 must list UNKNOWN-ATTRIBUTES");
        assertEquals(List.of(0x7F01, 0x0030), u.types());

        c.challenge();
        Response alloc = c.authenticated(StunMethod.ALLOCATE, TransactionId.random(),
                List.of(new RequestedTransport(RequestedTransport.UDP), new UnknownAttribute(0x7F02, new byte[4])));
        assertError(420, alloc);
        assertEquals(List.of(0x7F02), alloc.attribute(UnknownAttributes.class).types());
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void unknownOptionalAttributeIsIgnored() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        Response r = c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random(),
                new UnknownAttribute(0x8F01, new byte[] {9, 9})));
        assertSuccess(r);
        Response alloc = c.allocate(new UnknownAttribute(0xC001, new byte[5]));
        assertSuccess(alloc);
        assertEquals(1, gw.allocationCount());
    }

    @Test
    void unknownMethodRequestReturns400() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        long unknown = gw.counter(Counter.UNKNOWN_METHOD);
        Response r = c.unauthenticated(StunMessage.of(0x0FF, StunClass.REQUEST, TransactionId.random()));
        assertError(400, r);
        assertEquals(0x0FF, r.message().method());
        assertEquals(1, gw.counter(Counter.UNKNOWN_METHOD) - unknown);
    }

    // ============================================================================================ Lifetimes

    @Test
    void allocationExpiresAndRelaySocketIsClosed() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        int relayPort = c.allocateOrFail().getPort();
        assertFalse(TestGateways.udpPortIsFree(relayPort));
        long expired = gw.counter(Counter.ALLOCATIONS_EXPIRED);
        advanceAndSweep(590);
        assertEquals(1, gw.allocationCount(), "still alive 10 s before the end of its 600 s");
        advanceAndSweep(11);
        assertEquals(0, gw.allocationCount(), "allocation did not expire");
        assertEquals(1, gw.counter(Counter.ALLOCATIONS_EXPIRED) - expired);
        assertTrue(await(() -> TestGateways.udpPortIsFree(relayPort), 2000), "relay port still bound");
        assertError(437, c.refresh(600));
    }

    @Test
    void permissionExpiresAfter300s() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        assertSuccess(c.createPermission(echo.address()));
        advanceAndSweep(290);
        c.sendIndication(echo.address(), bytes("at-290s"));
        assertArrayEquals(bytes("at-290s"), received(echo));
        assertNotNull(c.receive(2000));

        advanceAndSweep(11); // 301 s after CreatePermission
        long noPerm = gw.counter(Counter.NO_PERMISSION);
        c.sendIndication(echo.address(), bytes("at-301s"));
        assertEquals(1, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 1));
        assertNothingArrives(echo);
        echo.send(relayed, bytes("inbound-at-301s"));
        assertEquals(2, awaitCounter(gw, Counter.NO_PERMISSION, noPerm, 2));
        assertNothingArrives(c);
        assertEquals(1, gw.allocationCount(), "the allocation (600 s) outlives the permission");
    }

    @Test
    void channelBindingKeepsItsPermissionAliveUntil600s() throws Exception {
        start("127.0.0.1");
        TestTurnClient c = client();
        c.allocateOrFail();
        assertSuccess(c.refresh(3600));
        assertSuccess(c.channelBind(0x4000, echo.address()));
        advanceAndSweep(400);
        c.sendChannelData(0x4000, bytes("at-400s"));
        assertArrayEquals(bytes("at-400s"), received(echo));
        c.sendIndication(echo.address(), bytes("perm-at-400s")); // the binding's permission is still installed
        assertArrayEquals(bytes("perm-at-400s"), received(echo));
        c.drain(200);

        advanceAndSweep(201); // 601 s after ChannelBind
        long unbound = gw.counter(Counter.UNBOUND_CHANNEL);
        c.sendChannelData(0x4000, bytes("at-601s"));
        assertEquals(1, awaitCounter(gw, Counter.UNBOUND_CHANNEL, unbound, 1));
        assertNothingArrives(echo);
    }
}
