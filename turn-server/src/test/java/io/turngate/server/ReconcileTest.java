package io.turngate.server;

import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live reconciliation (stunner-compat §1f, issue "live reconcile that drops nothing"): traffic keeps flowing through
 * config changes; only packets to removed endpoints stop; only identity changes restart a listener; a config that
 * cannot be applied is rolled back while the old one keeps serving.
 */
class ReconcileTest {
    private static final int CH_A = 0x4000;
    private static final int CH_B = 0x4001;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private static ListenerConfig listener(String name, int port, List<String> routes) {
        return new ListenerConfig(name, ListenerProtocol.TURN_UDP, "", 0, "127.0.0.1", port, "", "", routes);
    }

    private static StunnerConfig config(AuthConfig auth, List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
        StunnerConfig base = TestGateways.config(3478, "127.0.0.1"); // only its version and admin are used
        return new StunnerConfig(base.version(), base.admin(), auth, listeners, clusters);
    }

    private static AuthConfig auth(String realm, String password) {
        return new AuthConfig(AuthType.STATIC, realm, Map.of("username", TestGateways.USER, "password", password));
    }

    private static byte[] payload(int channel, int seq) {
        return ByteBuffer.allocate(8).putInt(channel).putInt(seq).array();
    }

    @Test
    void trafficFlowsThroughReloadsAndOnlyPacketsToARemovedEndpointStop() throws Exception {
        int port = TestGateways.freeUdpPort();
        int port2 = TestGateways.freeUdpPort();
        TestPeer peerA = track(TestPeer.on(InetAddress.getByName("127.0.0.1"), true));
        TestPeer peerB = track(TestPeer.on(InetAddress.getByName("127.0.0.2"), true));
        ClusterConfig both = TestGateways.cluster("cluster-a", "127.0.0.1", "127.0.0.2");
        ClusterConfig onlyA = TestGateways.cluster("cluster-a", "127.0.0.1");
        ListenerConfig l1 = listener(TestGateways.LISTENER, port, List.of("cluster-a"));
        StunnerConfig c0 = config(auth("turngate.test", "pass-1"), List.of(l1), List.of(both));
        Gateway gw = track(Gateway.start(c0));
        TestTurnClient client = track(TestTurnClient.of(port, TestGateways.USER, "pass-1"));
        client.allocateOrFail();
        assertTrue(client.channelBind(CH_A, peerA.address()).isSuccess());
        assertTrue(client.channelBind(CH_B, peerB.address()).isSuccess());

        // Config changes while traffic flows: credentials, realm, a new listener, then endpoint B removed.
        List<StunnerConfig> changes = List.of(
                config(auth("turngate.test", "pass-2"), List.of(l1), List.of(both)),
                config(auth("realm-2.test", "pass-2"), List.of(l1), List.of(both)),
                config(auth("realm-2.test", "pass-2"), List.of(l1, listener("testns/gateway/second", port2, List.of("cluster-a"))), List.of(both)),
                config(auth("realm-2.test", "pass-2"), List.of(l1, listener("testns/gateway/second", port2, List.of("cluster-a"))), List.of(onlyA)));

        int total = 1500;
        AtomicIntegerArray echoedA = new AtomicIntegerArray(total);
        AtomicIntegerArray echoedB = new AtomicIntegerArray(total);
        AtomicBoolean receiving = new AtomicBoolean(true);
        Thread receiver = new Thread(() -> {
            while (receiving.get()) {
                byte[] d = client.receive(200);
                if (d == null || d.length < 12) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(d);
                int ch = b.getShort(0) & 0xFFFF;
                int seq = b.getInt(8);
                if (seq >= 0 && seq < total) {
                    (ch == CH_A ? echoedA : echoedB).incrementAndGet(seq);
                }
            }
        }, "reconcile-test-receiver");
        receiver.start();
        // Lock-step batches: each batch is sent, a config change (if due) is applied while the batch is in flight,
        // then the batch's echoes from A are awaited. So the relay never lags (tests run with paranoid leak
        // detection, which makes every buffer slow) and the removal boundary is exact up to the in-flight batch.
        int batch = 20;
        int removalBatchStart = -1;
        int removalBatchEnd = -1;
        for (int seq = 0; seq < total; seq += batch) {
            for (int i = seq; i < seq + batch; i++) {
                client.sendChannelData(CH_A, payload(CH_A, i));
                client.sendChannelData(CH_B, payload(CH_B, i));
            }
            int index = seq / batch;
            if (index % 15 == 7 && index / 15 < changes.size()) {
                int step = index / 15;
                gw.apply(changes.get(step));
                if (step == changes.size() - 1) {
                    removalBatchStart = seq;
                    removalBatchEnd = seq + batch;
                }
            }
            int last = seq + batch - 1;
            assertTrue(TestGateways.await(() -> echoedA.get(last) > 0, 3000), "echo of A's packet " + last);
            if (removalBatchStart < 0) {
                // B's echo too while B is routed: otherwise B's last packets of this batch may still be on their way
                // back through the relay when the next batch applies the removal, which drops them (a race of the
                // test, seen once under a load of 9 on two cores, not a loss by the gateway).
                assertTrue(TestGateways.await(() -> echoedB.get(last) > 0, 3000), "echo of B's packet " + last);
            }
        }
        Thread.sleep(200);
        receiving.set(false);
        receiver.join(2000);
        AtomicInteger removalStartedAt = new AtomicInteger(removalBatchStart);
        AtomicInteger removalDoneAt = new AtomicInteger(removalBatchEnd);

        int lostA = 0;
        for (int i = 0; i < total; i++) {
            if (echoedA.get(i) == 0) {
                lostA++;
            }
        }
        assertEquals(0, lostA, "packets to the endpoint that stayed routed must all come back");
        int lostBBefore = 0;
        int deliveredBAfter = 0;
        for (int i = 0; i < total; i++) {
            if (i < removalStartedAt.get() && echoedB.get(i) == 0) {
                lostBBefore++;
            }
            if (i >= removalDoneAt.get() && echoedB.get(i) != 0) {
                deliveredBAfter++;
            }
        }
        assertTrue(removalStartedAt.get() > 0);
        assertEquals(0, lostBBefore, "packets to B before its removal must all come back");
        assertEquals(0, deliveredBAfter, "no packet is relayed to B once it left the cluster");
        assertEquals(1, gw.allocationCount(), "the allocation survived every change");
        assertEquals(2, gw.listenerNames().size());
    }

    @Test
    void realmChangeKeepsAllocationAndNextRefreshReauthenticatesWith438() throws Exception {
        int port = TestGateways.freeUdpPort();
        TestPeer peer = track(TestPeer.echo());
        ListenerConfig l1 = listener(TestGateways.LISTENER, port, List.of("cluster-a"));
        ClusterConfig c = TestGateways.cluster("cluster-a", "127.0.0.1");
        Gateway gw = track(Gateway.start(config(auth("old.realm", "pass-1"), List.of(l1), List.of(c))));
        TestTurnClient client = track(TestTurnClient.of(port, TestGateways.USER, "pass-1"));
        client.allocateOrFail();
        assertTrue(client.channelBind(CH_A, peer.address()).isSuccess());

        gw.apply(config(auth("new.realm", "pass-1"), List.of(l1), List.of(c)));
        assertEquals(1, gw.allocationCount());
        client.sendChannelData(CH_A, payload(CH_A, 1));
        assertNotNull(client.receive(2000), "relaying continues across a realm change");
        TestTurnClient.Response r = client.refresh(600); // old realm → 438 with the new realm → retried
        assertTrue(r.isSuccess(), "refresh after realm change: " + r);
        assertEquals("new.realm", client.realm());
    }

    @Test
    void credentialChangeKeepsAllocationButRefreshWithOldPasswordIsRefused() throws Exception {
        int port = TestGateways.freeUdpPort();
        TestPeer peer = track(TestPeer.echo());
        ListenerConfig l1 = listener(TestGateways.LISTENER, port, List.of("cluster-a"));
        ClusterConfig c = TestGateways.cluster("cluster-a", "127.0.0.1");
        Gateway gw = track(Gateway.start(config(auth("turngate.test", "pass-1"), List.of(l1), List.of(c))));
        TestTurnClient client = track(TestTurnClient.of(port, TestGateways.USER, "pass-1"));
        client.allocateOrFail();
        assertTrue(client.channelBind(CH_A, peer.address()).isSuccess());

        gw.apply(config(auth("turngate.test", "rotated"), List.of(l1), List.of(c)));
        client.sendChannelData(CH_A, payload(CH_A, 7));
        assertNotNull(client.receive(2000), "relaying continues across a credential change");
        assertEquals(400, client.refresh(600).errorCode(), "old password: STUNner's 400 at the next Refresh");
        assertEquals(1, gw.allocationCount(), "the allocation lives on until its lifetime ends");
        TestTurnClient.Response ok = client.withCredentials(TestGateways.USER, "rotated").refresh(600);
        assertTrue(ok.isSuccess(), "the new password refreshes the same allocation: " + ok);
    }

    @Test
    void onlyIdentityChangesRestartAListener() throws Exception {
        int p1 = TestGateways.freeUdpPort();
        int p2 = TestGateways.freeUdpPort();
        int p2b = TestGateways.freeUdpPort();
        TestPeer peer = track(TestPeer.echo());
        ClusterConfig c = TestGateways.cluster("cluster-a", "127.0.0.1");
        ClusterConfig other = TestGateways.cluster("cluster-b", "127.0.0.3");
        ListenerConfig l1 = listener("ns/gw/one", p1, List.of("cluster-a"));
        ListenerConfig l2 = listener("ns/gw/two", p2, List.of("cluster-a"));
        Gateway gw = track(Gateway.start(config(auth("turngate.test", "pass-1"), List.of(l1, l2), List.of(c, other))));
        TestTurnClient one = track(TestTurnClient.of(p1, TestGateways.USER, "pass-1"));
        TestTurnClient two = track(TestTurnClient.of(p2, TestGateways.USER, "pass-1"));
        one.allocateOrFail();
        two.allocateOrFail();
        assertTrue(one.channelBind(CH_A, peer.address()).isSuccess());
        assertEquals(2, gw.allocationCount());

        // Routes of listener one change: in place, no restart.
        ListenerConfig l1Routes = listener("ns/gw/one", p1, List.of("cluster-a", "cluster-b"));
        gw.apply(config(auth("turngate.test", "pass-1"), List.of(l1Routes, l2), List.of(c, other)));
        assertEquals(2, gw.allocationCount());
        assertEquals(1, gw.allocationCount("ns/gw/one"));

        // Port of listener two changes: only two restarts; one keeps its allocation and keeps relaying.
        ListenerConfig l2Moved = listener("ns/gw/two", p2b, List.of("cluster-a"));
        gw.apply(config(auth("turngate.test", "pass-1"), List.of(l1Routes, l2Moved), List.of(c, other)));
        assertEquals(1, gw.allocationCount("ns/gw/one"));
        assertEquals(0, gw.allocationCount("ns/gw/two"));
        assertEquals(1, gw.allocationCount());
        one.sendChannelData(CH_A, payload(CH_A, 3));
        assertNotNull(one.receive(2000));
        TestTurnClient moved = track(TestTurnClient.of(p2b, TestGateways.USER, "pass-1"));
        moved.allocateOrFail();
    }

    @Test
    void configThatCannotBeAppliedIsRolledBackAndTheOldOneKeepsServing() throws Exception {
        int port = TestGateways.freeUdpPort();
        TestPeer peer = track(TestPeer.echo());
        DatagramSocket squatter = track(new DatagramSocket(new InetSocketAddress(0)));
        ClusterConfig c = TestGateways.cluster("cluster-a", "127.0.0.1");
        ListenerConfig l1 = listener(TestGateways.LISTENER, port, List.of("cluster-a"));
        StunnerConfig good = config(auth("turngate.test", "pass-1"), List.of(l1), List.of(c));
        Gateway gw = track(Gateway.start(good));
        TestTurnClient client = track(TestTurnClient.of(port, TestGateways.USER, "pass-1"));
        client.allocateOrFail();
        assertTrue(client.channelBind(CH_A, peer.address()).isSuccess());

        StunnerConfig bad = config(auth("turngate.test", "other"),
                List.of(l1, listener("ns/gw/busy", squatter.getLocalPort(), List.of("cluster-a"))), List.of(c));
        ConfigException e = assertThrows(ConfigException.class, () -> gw.apply(bad));
        assertTrue(e.getMessage().contains(String.valueOf(squatter.getLocalPort())), e.getMessage());
        assertEquals(good, gw.config(), "running config unchanged");
        assertEquals(List.of(TestGateways.LISTENER), gw.listenerNames());
        client.sendChannelData(CH_A, payload(CH_A, 9));
        assertNotNull(client.receive(2000), "the old config keeps serving");
        assertTrue(client.refresh(600).isSuccess(), "credentials rolled back too");
    }
}
