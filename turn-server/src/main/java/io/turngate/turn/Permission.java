package io.turngate.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A TURN permission (RFC 8656 §9): one peer IP, any port, 300 s unless refreshed. Also caches the port ranges the
 * listener's routes allow for that IP (stunner-compat §1c.3), re-validated whenever the listener's
 * {@link RoutePolicy} instance changes, so route changes apply to live allocations at once.
 *
 * <p>Owned by the event loop of its allocation; not thread-safe.
 */
public final class Permission {
    /** RFC 8656 §9: permission lifetime. */
    public static final long LIFETIME_SECONDS = 300;
    /** Slots of the per-permission cache of peer socket addresses (a power of two). */
    private static final int RECENT_PEERS = 8;

    private final InetAddress peer;
    private final byte[] peerBytes;
    private final boolean local;
    /** The allocation's relay socket of the peer's family (RFC 8656 §7.2: a dual allocation has one per family). */
    private final RelaySocket relay;
    private long expiresAtNanos;
    private RoutePolicy checkedAgainst;
    private int[] portRanges;
    /** Index in {@link #checkedAgainst} of the cluster that admits the peer, -1 when none does. */
    private int clusterIndex = -1;
    /** Recently used peer ports' socket addresses, direct-mapped by the port's low bits; created on first use. */
    private InetSocketAddress[] recentPeers;
    /** The 16 address bytes as two longs (network order) for an IPv6 peer, 0 for IPv4. */
    final long v6High;
    final long v6Low;
    /** Next IPv6 permission with the same key in {@link Allocation}'s map (collision chain), or {@code null}. */
    Permission nextV6;

    Permission(InetAddress peer, boolean local, RelaySocket relay, long expiresAtNanos) {
        this.peer = peer;
        this.peerBytes = peer.getAddress();
        this.local = local;
        this.relay = relay;
        this.expiresAtNanos = expiresAtNanos;
        long high = 0;
        long low = 0;
        if (peerBytes.length == 16) {
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (peerBytes[i] & 0xFF);
                low = (low << 8) | (peerBytes[8 + i] & 0xFF);
            }
        }
        this.v6High = high;
        this.v6Low = low;
    }

    /** The peer IP's bytes (4 or 16), computed once; do not modify. */
    public byte[] peerBytes() {
        return peerBytes;
    }

    /** Is the peer IP one of this host's own addresses (then the gateway's own ports are never relayed to)? */
    public boolean local() {
        return local;
    }

    /**
     * The relay socket that sends to this peer: the allocation's socket of the peer's family, chosen once when the
     * permission is installed, so that the data path needs no per-packet family branch.
     */
    public RelaySocket relay() {
        return relay;
    }

    public InetAddress peer() {
        return peer;
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    void refresh(long expiresAtNanos) {
        this.expiresAtNanos = Math.max(this.expiresAtNanos, expiresAtNanos);
    }

    /**
     * Per-packet check: is {@code port} on this peer still routed under {@code policy}? Re-computes the cached
     * ranges only when {@code policy} is a new instance; otherwise allocation-free.
     */
    public boolean allows(RoutePolicy policy, int port) {
        if (policy != checkedAgainst) {
            clusterIndex = policy.clusterIndex(peer);
            portRanges = policy.portRanges(peer, clusterIndex);
            checkedAgainst = policy;
        }
        return RoutePolicy.portAllowed(portRanges, port);
    }

    /**
     * The cluster that admits this peer in the policy last given to {@link #allows}, as its index there (-1: none);
     * relayed datagrams are counted for it.
     */
    public int clusterIndex() {
        return clusterIndex;
    }

    /**
     * A cached socket address for {@code port} on this peer, so that Send indications to the same peer do not
     * allocate an {@link InetSocketAddress} each time. The cache has {@value #RECENT_PEERS} direct-mapped slots, so
     * a client alternating between a few ports (RTP and RTCP, several ICE candidates) still hits it.
     */
    public InetSocketAddress socketAddress(int port) {
        InetSocketAddress[] recent = recentPeers;
        if (recent == null) {
            recent = new InetSocketAddress[RECENT_PEERS];
            recentPeers = recent;
        }
        int slot = port & (RECENT_PEERS - 1);
        InetSocketAddress cached = recent[slot];
        if (cached == null || cached.getPort() != port) {
            cached = new InetSocketAddress(peer, port);
            recent[slot] = cached;
        }
        return cached;
    }

}
