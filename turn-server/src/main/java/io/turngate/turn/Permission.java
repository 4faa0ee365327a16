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

    private final InetAddress peer;
    private final byte[] peerBytes;
    private final boolean local;
    private long expiresAtNanos;
    private RoutePolicy checkedAgainst;
    private int[] portRanges;
    private InetSocketAddress lastPeer;

    Permission(InetAddress peer, boolean local, long expiresAtNanos) {
        this.peer = peer;
        this.peerBytes = peer.getAddress();
        this.local = local;
        this.expiresAtNanos = expiresAtNanos;
    }

    /** The peer IP's bytes (4 or 16), computed once; do not modify. */
    public byte[] peerBytes() {
        return peerBytes;
    }

    /** Is the peer IP one of this host's own addresses (then the gateway's own ports are never relayed to)? */
    public boolean local() {
        return local;
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
            portRanges = policy.portRanges(peer);
            checkedAgainst = policy;
        }
        return RoutePolicy.portAllowed(portRanges, port);
    }

    /**
     * A cached socket address for {@code port} on this peer, so that Send indications to the same peer do not
     * allocate an {@link InetSocketAddress} each time.
     */
    public InetSocketAddress socketAddress(int port) {
        InetSocketAddress last = lastPeer;
        if (last == null || last.getPort() != port) {
            last = new InetSocketAddress(peer, port);
            lastPeer = last;
        }
        return last;
    }
}
