package io.turngate.turn;

import io.turngate.stun.attr.ChannelNumber;
import java.net.InetSocketAddress;

/**
 * A channel binding (RFC 8656 §12): channel number ↔ peer transport address, 600 s unless refreshed. Implies a
 * permission for the peer IP, which it keeps refreshed.
 *
 * <p>Owned by the event loop of its allocation; not thread-safe.
 */
public final class ChannelBinding {
    /** RFC 8656 §12: channel binding lifetime. */
    public static final long LIFETIME_SECONDS = 600;
    /**
     * RFC 8656 §12: after a binding expires, its number is not bound to another peer nor its peer to another number for
     * 5 minutes (the RFC makes the client wait; turngate refuses such a ChannelBind with 400 until then).
     */
    public static final long REUSE_WAIT_SECONDS = 300;

    private final int number;
    private final InetSocketAddress peer;
    private final Permission permission;
    private long expiresAtNanos;

    ChannelBinding(int number, InetSocketAddress peer, Permission permission, long expiresAtNanos) {
        this.number = number;
        this.peer = peer;
        this.permission = permission;
        this.expiresAtNanos = expiresAtNanos;
    }

    public static boolean isValidNumber(int number) {
        return number >= ChannelNumber.MIN && number <= ChannelNumber.MAX;
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public Permission permission() {
        return permission;
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    void refresh(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }
}
