package io.turngate.turn;

import io.netty.channel.Channel;
import io.netty.util.collection.IntObjectHashMap;
import io.turngate.stun.TransactionId;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One TURN allocation (RFC 8656 §6): the client's 5-tuple on one listener socket, a relay socket bound to the
 * wildcard address on an OS-chosen port, its permissions and channel bindings, and its lifetime as a deadline.
 *
 * <p>Threading: an allocation, its relay channel and everything in it are owned by the event loop of the listener
 * socket its client came in on (the relay channel is registered on that same loop). No locks; never touch it from
 * another thread. Lifetimes are deadlines read from one injected nano clock and swept periodically.
 */
public final class Allocation {
    /** RFC 8656 §7.2: default allocation lifetime. */
    public static final long DEFAULT_LIFETIME_SECONDS = 600;
    /** Largest lifetime granted; longer requests are cut to this (RFC 8656 §7.2: "3600 seconds"). */
    public static final long MAX_LIFETIME_SECONDS = 3600;

    private final InetSocketAddress client;
    private final Channel relayChannel;
    private final InetSocketAddress relayedAddress;
    private final String username;
    private final TransactionId allocateTransaction;
    private final byte[] allocateResponse;
    private long expiresAtNanos;

    private final Map<InetAddress, Permission> permissions = new HashMap<>();
    private final IntObjectHashMap<Permission> permissionsV4 = new IntObjectHashMap<>();
    private final IntObjectHashMap<ChannelBinding> channelsByNumber = new IntObjectHashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();
    private boolean flushPending;

    public Allocation(InetSocketAddress client, Channel relayChannel, InetSocketAddress relayedAddress, String username,
                      TransactionId allocateTransaction, byte[] allocateResponse, long expiresAtNanos) {
        this.client = client;
        this.relayChannel = relayChannel;
        this.relayedAddress = relayedAddress;
        this.username = username;
        this.allocateTransaction = allocateTransaction;
        this.allocateResponse = allocateResponse;
        this.expiresAtNanos = expiresAtNanos;
    }

    public InetSocketAddress client() {
        return client;
    }

    public Channel relayChannel() {
        return relayChannel;
    }

    /** The address advertised in XOR-RELAYED-ADDRESS: the listener's {@code address} and the relay socket's port. */
    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    public String username() {
        return username;
    }

    /** Transaction id of the Allocate that created this allocation (RFC 8656 §7.2 step 2, retransmissions). */
    public TransactionId allocateTransaction() {
        return allocateTransaction;
    }

    /** The encoded success response to the creating Allocate, re-sent on retransmission. */
    public byte[] allocateResponse() {
        return allocateResponse;
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    public void setExpiresAtNanos(long deadline) {
        this.expiresAtNanos = deadline;
    }

    /** RFC 8656 §7.2/§8.2: granted lifetime for a requested one ({@code -1} = none requested). */
    public static long grantLifetime(long requestedSeconds) {
        if (requestedSeconds < 0) {
            return DEFAULT_LIFETIME_SECONDS;
        }
        return Math.min(requestedSeconds, MAX_LIFETIME_SECONDS);
    }

    /**
     * Installs or refreshes the permission for {@code peer} (canonical IP).
     *
     * @param local whether {@code peer} is one of this host's own addresses
     */
    public Permission permit(InetAddress peer, boolean local, long nowNanos) {
        long deadline = nowNanos + TimeUnit.SECONDS.toNanos(Permission.LIFETIME_SECONDS);
        Permission p = permissions.get(peer);
        if (p == null) {
            p = new Permission(peer, local, deadline);
            permissions.put(peer, p);
            if (peer instanceof Inet4Address) {
                permissionsV4.put(ipv4(p.peerBytes()), p);
            }
        } else {
            p.refresh(deadline);
        }
        return p;
    }

    /** The live permission for {@code peer}, or {@code null}. Allocation-free. */
    public Permission permission(InetAddress peer) {
        return permissions.get(peer);
    }

    /** The live permission for an IPv4 peer given as an int (network order), or {@code null}. Allocation-free. */
    public Permission permissionV4(int ip) {
        return permissionsV4.get(ip);
    }

    static int ipv4(byte[] a) {
        return ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    }

    public int permissionCount() {
        return permissions.size();
    }

    public ChannelBinding channel(int number) {
        return channelsByNumber.get(number);
    }

    public ChannelBinding channelForPeer(InetSocketAddress peer) {
        return channelsByPeer.get(peer);
    }

    public int channelCount() {
        return channelsByNumber.size();
    }

    /**
     * Binds or refreshes channel {@code number} to {@code peer} (RFC 8656 §11.2), enforcing both uniqueness rules.
     *
     * @throws TurnFailure {@link Refusal#CHANNEL_CONFLICT} when the number is bound to another peer or the peer to another number
     */
    public ChannelBinding bindChannel(int number, InetSocketAddress peer, boolean local, long nowNanos) throws TurnFailure {
        ChannelBinding byNumber = channelsByNumber.get(number);
        ChannelBinding byPeer = channelsByPeer.get(peer);
        if (byNumber != null && !byNumber.peer().equals(peer)) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "channel 0x" + Integer.toHexString(number)
                    + " is bound to " + byNumber.peer() + ", not " + peer);
        }
        if (byPeer != null && byPeer.number() != number) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "peer " + peer + " is bound to channel 0x"
                    + Integer.toHexString(byPeer.number()));
        }
        Permission perm = permit(peer.getAddress(), local, nowNanos);
        long deadline = nowNanos + TimeUnit.SECONDS.toNanos(ChannelBinding.LIFETIME_SECONDS);
        if (byNumber != null) {
            byNumber.refresh(deadline);
            return byNumber;
        }
        ChannelBinding b = new ChannelBinding(number, peer, perm, deadline);
        channelsByNumber.put(number, b);
        channelsByPeer.put(peer, b);
        return b;
    }

    /** Drops expired channel bindings and permissions (a channel keeps its permission alive). */
    public void sweep(long nowNanos) {
        Iterator<ChannelBinding> it = channelsByNumber.values().iterator();
        while (it.hasNext()) {
            ChannelBinding b = it.next();
            if (b.expiresAtNanos() - nowNanos <= 0) {
                it.remove();
                channelsByPeer.remove(b.peer());
            } else {
                b.permission().refresh(Math.min(b.expiresAtNanos(),
                        nowNanos + TimeUnit.SECONDS.toNanos(Permission.LIFETIME_SECONDS)));
            }
        }
        Iterator<Permission> pit = permissions.values().iterator();
        while (pit.hasNext()) {
            Permission p = pit.next();
            if (p.expiresAtNanos() - nowNanos <= 0) {
                pit.remove();
                if (p.peer() instanceof Inet4Address) {
                    permissionsV4.remove(ipv4(p.peerBytes()));
                }
            }
        }
    }

    public boolean isExpired(long nowNanos) {
        return expiresAtNanos - nowNanos <= 0;
    }

    /** Hot path: has a flush of the relay channel been scheduled for the end of this read batch? */
    public boolean flushPending() {
        return flushPending;
    }

    public void setFlushPending(boolean pending) {
        this.flushPending = pending;
    }
}
