package io.turngate.turn.handler;

import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.BOB;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.assertSuccess;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link CreatePermissionHandler}: one test per outcome of RFC 8656 §10.2, with STUNner's admission rule. */
class CreatePermissionHandlerTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static XorPeerAddress peer(String ip, int port) throws Exception {
        return new XorPeerAddress(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void createPermissionInstallsAPermissionForEveryPeer() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("10.1.2.3", 5000),
                peer("127.0.0.1", 7000)));
        assertSuccess(response(alice), ALICE);
        assertNotNull(a.permission(InetAddress.getByName("10.1.2.3")));
        assertNotNull(a.permission(InetAddress.getByName("127.0.0.1")));
        assertEquals(2, a.permissionCount());
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionIgnoresThePeerPort() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        // 10.0.0.0/8 is routed for ports 5000-5999 only; a permission is for the IP (RFC 8656 §9, STUNner §1c.2).
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("10.1.2.3", 9)));
        assertSuccess(response(alice), ALICE);
        assertNotNull(a.permission(InetAddress.getByName("10.1.2.3")));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionWithoutPeerAddressReturns400() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE));
        assertError(400, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionWithoutAllocationReturns437() throws Exception {
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("10.1.2.3", 5000)));
        assertError(437, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionByAnotherUserThanTheAllocationsReturns441() throws Exception {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, BOB, peer("10.1.2.3", 5000)));
        assertError(441, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionForAnUnroutedPeerReturns403AndInstallsNone() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("10.1.2.3", 5000),
                peer("203.0.113.5", 5000)));
        assertError(403, response(alice));
        assertEquals(0, a.permissionCount(), "all or nothing");
        assertEquals(1, fx.counters.refusals(Refusal.PEER_NOT_ROUTED));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionForAnUnroutedLoopbackPeerReturns403AsForbiddenAddress() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("127.0.0.2", 5000)));
        assertError(403, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.PEER_FORBIDDEN_ADDRESS));
        assertNull(a.permission(InetAddress.getByName("127.0.0.2")));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionForAnIpv6PeerOnAnIpv4RelayReturns443() throws Exception {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, peer("2001:db8::1", 5000)));
        assertError(443, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void createPermissionForAnIpv4MappedPeerInstallsTheIpv4Permission() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[13] = 1;
        mapped[14] = 2;
        mapped[15] = 3;
        InetSocketAddress v6 = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 5000);
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, new XorPeerAddress(v6)));
        assertSuccess(response(alice), ALICE);
        assertNotNull(a.permission(InetAddress.getByName("10.1.2.3")), "canonicalised to the IPv4 peer");
        assertFalse(fx.finish(alice));
    }
}
