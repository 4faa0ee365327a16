package io.turngate.turn.handler;

import io.turngate.config.route.PeerAddresses;
import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnFailure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;

/** The checks Refresh, CreatePermission and ChannelBind share: the client's allocation, and the admission of a peer. */
final class Admission {
    private static final Logger LOG = Logs.get("turn");

    private final TurnContext ctx;

    Admission(TurnContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The allocation of {@code client}'s 5-tuple (RFC 8656 §8.2, §10.2, §12.2: 437 without one), created by the
     * same user (RFC 8656 §5: 441 otherwise).
     */
    Allocation requireAllocation(ClientTransport client, RequestAuthenticator.Authenticated who) throws TurnFailure {
        Allocation a = ctx.allocations.get(client.fiveTuple());
        if (a == null) {
            throw new TurnFailure(Refusal.NO_ALLOCATION, "no allocation for " + client.remoteAddress());
        }
        if (!a.username().equals(who.username())) {
            throw new TurnFailure(Refusal.WRONG_CREDENTIALS, "allocation belongs to another user");
        }
        return a;
    }

    /**
     * Canonicalises a peer (IPv4-in-IPv6 forms → IPv4), checks its family against the relay's (RFC 8656 §10.2,
     * §12.2: 443), and applies the admission rule (STUNner §1c.2: 403 unless a cluster on the listener's routes
     * contains the peer). Logs STUNner's permission-denied line on refusal.
     */
    InetSocketAddress admitPeer(Allocation a, InetSocketAddress peer, ClientTransport client) throws TurnFailure {
        InetAddress canonical;
        try {
            canonical = InetAddress.getByAddress(PeerAddresses.canonicalize(peer.getAddress().getAddress()));
        } catch (UnknownHostException e) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "bad peer address");
        }
        // §10.2, §12.2: the allocation must have a relayed address of the peer's family (after canonicalisation, so
        // ::ffff:a.b.c.d is an IPv4 peer); a dual allocation has both.
        if (a.relay(canonical instanceof Inet4Address) == null) {
            throw new TurnFailure(Refusal.PEER_ADDRESS_FAMILY_MISMATCH, "peer " + canonical.getHostAddress()
                    + " is not in an address family of the allocation's relayed addresses");
        }
        RoutePolicy policy = ctx.listener.policy();
        if (policy.admit(canonical) == null) {
            String peerText = canonical.getHostAddress();
            long suppressed = ctx.listener.deniedLog().acquire();
            if (suppressed >= 0) {
                LOG.info("permission denied on listener \"{}\" for client \"{}\" to peer {}: no route to endpoint{}",
                        ctx.listener.name(), Logs.hostPort(client.remoteAddress()), peerText,
                        LogLimiter.suffix(suppressed));
            }
            boolean special = PeerAddresses.classify(canonical.getAddress()) != null;
            throw new TurnFailure(special ? Refusal.PEER_FORBIDDEN_ADDRESS : Refusal.PEER_NOT_ROUTED,
                    "peer " + peerText + " not routed on listener " + ctx.listener.name());
        }
        return new InetSocketAddress(canonical, peer.getPort());
    }
}
