package io.turngate.turn;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.LongObjectHashMap;
import io.turngate.stun.TransactionId;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One TURN allocation (RFC 8656 §6): the client's 5-tuple and the {@link ClientTransport} that reaches it, a
 * {@link RelaySocket} on the relayed transport address, its permissions and channel bindings, and its lifetime as
 * a deadline. Transport-agnostic: how data reaches the client and the peers is the two sockets' business.
 *
 * <p>Threading: an allocation, its relay socket and everything in it are owned by the event loop of the client's
 * transport (the relay socket is registered on that same loop). No locks; never touch it from another thread.
 * Lifetimes are deadlines read from one injected nano clock and swept periodically.
 */
public final class Allocation {
    /** RFC 8656 §7.2: default allocation lifetime. */
    public static final long DEFAULT_LIFETIME_SECONDS = 600;
    /** Largest lifetime granted; longer requests are cut to this (RFC 8656 §7.2: "3600 seconds"). */
    public static final long MAX_LIFETIME_SECONDS = 3600;

    private final ClientTransport client;
    private final Object fiveTuple;
    private int nonceEpoch;
    private final InetSocketAddress clientAddress;
    private final RelaySocket relay;
    private final InetSocketAddress relayedAddress;
    /** The IPv6 relay socket of a dual allocation (RFC 8656 §7.2, ADDITIONAL-ADDRESS-FAMILY), else {@code null}. */
    private final RelaySocket additionalRelay;
    private final InetSocketAddress additionalRelayedAddress;
    private final String username;
    private final TransactionId allocateTransaction;
    private final byte[] allocateResponse;
    private final long createdAtNanos;
    private long expiresAtNanos;
    /** Position in its {@link AllocationTable}'s dense array (the sweep's walk), -1 when not in a table. */
    int tableIndex = -1;

    private final Map<InetAddress, Permission> permissions = new HashMap<>();
    private final IntObjectHashMap<Permission> permissionsV4 = new IntObjectHashMap<>();
    /** IPv6 permissions by {@link #v6Key}; colliding ones are chained through {@link Permission#nextV6}. */
    private final LongObjectHashMap<Permission> permissionsV6 = new LongObjectHashMap<>();
    private final IntObjectHashMap<ChannelBinding> channelsByNumber = new IntObjectHashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();
    /**
     * Expired bindings for {@link ChannelBinding#REUSE_WAIT_SECONDS} after they expired (RFC 8656 §12): neither their
     * number nor their peer may be bound otherwise meanwhile. Carries no data; swept away afterwards.
     */
    private final IntObjectHashMap<ChannelBinding> expiredByNumber = new IntObjectHashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> expiredByPeer = new HashMap<>();

    /**
     * An allocation of the client reached through {@code client}.
     *
     * @param relayedAddress   the address advertised in XOR-RELAYED-ADDRESS
     * @param allocateResponse the encoded success response to the creating Allocate, re-sent on retransmission
     * @param createdAtNanos   when the allocation was created (the nano clock of {@code expiresAtNanos})
     */
    public Allocation(ClientTransport client, RelaySocket relay, InetSocketAddress relayedAddress, String username,
                      TransactionId allocateTransaction, byte[] allocateResponse, long createdAtNanos,
                      long expiresAtNanos) {
        this(client, client.fiveTuple(), client.remoteAddress(), relay, relayedAddress, null, null, username,
                allocateTransaction, allocateResponse, createdAtNanos, expiresAtNanos);
    }

    /**
     * A dual allocation (RFC 8656 §7.2): {@code relay} on the IPv4 {@code relayedAddress} and {@code additionalRelay}
     * on the IPv6 {@code additionalRelayedAddress}; a peer is reached through the socket of its family.
     */
    public Allocation(ClientTransport client, RelaySocket relay, InetSocketAddress relayedAddress,
                      RelaySocket additionalRelay, InetSocketAddress additionalRelayedAddress, String username,
                      TransactionId allocateTransaction, byte[] allocateResponse, long createdAtNanos,
                      long expiresAtNanos) {
        this(client, client.fiveTuple(), client.remoteAddress(), relay, relayedAddress, additionalRelay,
                additionalRelayedAddress, username, allocateTransaction, allocateResponse, createdAtNanos,
                expiresAtNanos);
    }

    /**
     * An allocation with no client transport attached, keyed by {@code client} (tests and benchmarks of the
     * allocation's own state: permissions, channels, lifetimes); {@link #client()} is {@code null}.
     */
    public Allocation(InetSocketAddress client, RelaySocket relay, InetSocketAddress relayedAddress, String username,
                      TransactionId allocateTransaction, byte[] allocateResponse, long expiresAtNanos) {
        this(null, client, client, relay, relayedAddress, null, null, username, allocateTransaction, allocateResponse, 0,
                expiresAtNanos);
    }

    private Allocation(ClientTransport client, Object fiveTuple, InetSocketAddress clientAddress, RelaySocket relay,
                       InetSocketAddress relayedAddress, RelaySocket additionalRelay,
                       InetSocketAddress additionalRelayedAddress, String username, TransactionId allocateTransaction,
                       byte[] allocateResponse, long createdAtNanos, long expiresAtNanos) {
        if ((additionalRelay == null) != (additionalRelayedAddress == null)) {
            throw new IllegalArgumentException("additional relay socket and address go together");
        }
        if (additionalRelay != null && (!(relayedAddress.getAddress() instanceof Inet4Address)
                || additionalRelayedAddress.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("a dual allocation is IPv4 + IPv6 (RFC 8656 §7.2)");
        }
        this.additionalRelay = additionalRelay;
        this.additionalRelayedAddress = additionalRelayedAddress;
        this.client = client;
        this.fiveTuple = fiveTuple;
        this.clientAddress = clientAddress;
        this.relay = relay;
        this.relayedAddress = relayedAddress;
        this.username = username;
        this.allocateTransaction = allocateTransaction;
        this.allocateResponse = allocateResponse;
        this.createdAtNanos = createdAtNanos;
        this.expiresAtNanos = expiresAtNanos;
    }

    /** When the allocation was created, on the nano clock of its deadlines. */
    public long createdAtNanos() {
        return createdAtNanos;
    }

    /** The way to the client (its transport, which frames and batches what the core writes to it). */
    public ClientTransport client() {
        return client;
    }

    /** The client's 5-tuple as the key of this allocation in its {@link AllocationTable}. */
    public Object fiveTuple() {
        return fiveTuple;
    }

    /** The {@link NonceEpochs} epoch of the 5-tuple when this allocation was created: its requests' nonces have it. */
    public int nonceEpoch() {
        return nonceEpoch;
    }

    /** Set once, when the allocation enters its table. */
    public void nonceEpoch(int epoch) {
        this.nonceEpoch = epoch;
    }

    /** The client's transport address as the server sees it. */
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    /** The relay socket (the relayed transport address's port). */
    public RelaySocket relay() {
        return relay;
    }

    /**
     * The address advertised in (the first) XOR-RELAYED-ADDRESS: the listener's relay address of the allocation's
     * family and the relay socket's port. The IPv4 one of a dual allocation.
     */
    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /** The IPv6 relay socket of a dual allocation, or {@code null}. */
    public RelaySocket additionalRelay() {
        return additionalRelay;
    }

    /** The IPv6 relayed address of a dual allocation (its second XOR-RELAYED-ADDRESS), or {@code null}. */
    public InetSocketAddress additionalRelayedAddress() {
        return additionalRelayedAddress;
    }

    /**
     * The relay socket of the family {@code ipv4} (true: IPv4, false: IPv6), or {@code null} when the allocation has
     * no relayed address of that family (RFC 8656 §10.2, §12.2: a peer of that family gets 443). Control path.
     */
    public RelaySocket relay(boolean ipv4) {
        if ((relayedAddress.getAddress() instanceof Inet4Address) == ipv4) {
            return relay;
        }
        return ipv4 ? null : additionalRelay;
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

    /**
     * RFC 8656 §7.2/§8.2 "desired lifetime" for a requested one ({@code -1} = no LIFETIME attribute): the smaller of
     * the request and the maximum, but never less than the default. A requested 0 is handled by Refresh (delete)
     * before this is called; an Allocate asking for 0 gets the default.
     */
    public static long grantLifetime(long requestedSeconds) {
        if (requestedSeconds < 0) {
            return DEFAULT_LIFETIME_SECONDS;
        }
        return Math.max(DEFAULT_LIFETIME_SECONDS, Math.min(requestedSeconds, MAX_LIFETIME_SECONDS));
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
            // The socket of the peer's family; a peer the allocation has no family for (admission refuses those with
            // 443, only tests and benchmarks install them directly) goes through the first relay socket.
            RelaySocket via = relay(peer instanceof Inet4Address);
            p = new Permission(peer, local, via == null ? relay : via, deadline);
            permissions.put(peer, p);
            if (peer instanceof Inet4Address) {
                permissionsV4.put(ipv4(p.peerBytes()), p);
            } else {
                long key = v6Key(p.v6High, p.v6Low);
                p.nextV6 = permissionsV6.get(key);
                permissionsV6.put(key, p);
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

    /**
     * The live permission for a peer given as a 16-byte IPv6 address in two longs (network order), or {@code null}.
     * IPv4 addresses embedded in IPv6 (IPv4-mapped, IPv4-compatible, 6to4, NAT64) are looked up as the IPv4 peer,
     * exactly as {@code PeerAddresses.canonicalize} canonicalises them for CreatePermission. Allocation-free.
     */
    public Permission permissionV6(long high, long low) {
        long embedded = embeddedIpv4(high, low);
        if (embedded >= 0) {
            return permissionsV4.get((int) embedded);
        }
        for (Permission p = permissionsV6.get(v6Key(high, low)); p != null; p = p.nextV6) {
            if (p.v6High == high && p.v6Low == low) {
                return p;
            }
        }
        return null;
    }

    /**
     * The IPv4 address embedded in an IPv6 address (as an unsigned int in a long), or {@code -1} for a genuine IPv6
     * address. The same forms, in the same order, as {@code io.turngate.config.route.PeerAddresses#embedding}:
     * 6to4 ({@code 2002:V4ADDR::/48}), NAT64 ({@code 64:ff9b::/96}), IPv4-mapped ({@code ::ffff:0:0/96}) and
     * IPv4-compatible ({@code ::/96} except {@code ::} and {@code ::1}).
     */
    static long embeddedIpv4(long high, long low) {
        if ((high >>> 48) == 0x2002) {
            return (high >>> 16) & 0xFFFF_FFFFL;
        }
        if (high == 0x0064_FF9B_0000_0000L && (low >>> 32) == 0) {
            return low & 0xFFFF_FFFFL;
        }
        if (high != 0 || (low >>> 48) != 0) {
            return -1;
        }
        int bytes10and11 = (int) (low >>> 32) & 0xFFFF;
        if (bytes10and11 == 0xFFFF) {
            return low & 0xFFFF_FFFFL;
        }
        if (bytes10and11 == 0) {
            int v4 = (int) low;
            return v4 == 0 || v4 == 1 ? -1 : low & 0xFFFF_FFFFL;
        }
        return -1;
    }

    static long v6Key(long high, long low) {
        return high * 0x9E37_79B9_7F4A_7C15L + low;
    }

    private void removeV6(Permission p) {
        long key = v6Key(p.v6High, p.v6Low);
        Permission head = permissionsV6.get(key);
        if (head == p) {
            if (p.nextV6 == null) {
                permissionsV6.remove(key);
            } else {
                permissionsV6.put(key, p.nextV6);
            }
            return;
        }
        for (Permission q = head; q != null; q = q.nextV6) {
            if (q.nextV6 == p) {
                q.nextV6 = p.nextV6;
                return;
            }
        }
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

    /** Expired channel bindings still waiting out RFC 8656 §12's 5 minutes before their number or peer is reused. */
    public int expiredChannelCount() {
        return expiredByNumber.size();
    }

    /**
     * Binds or refreshes channel {@code number} to {@code peer} (RFC 8656 §12.2), enforcing both uniqueness rules,
     * also against bindings that expired less than 5 minutes ago (RFC 8656 §12: a binding's number and peer are not
     * rebound otherwise until then, so late data of the old binding cannot reach the new peer). Binding an expired
     * binding's own number to its own peer again is allowed at once.
     *
     * @throws TurnFailure {@link Refusal#CHANNEL_CONFLICT} when the number is bound to another peer or the peer to another number
     */
    public ChannelBinding bindChannel(int number, InetSocketAddress peer, boolean local, long nowNanos) throws TurnFailure {
        ChannelBinding byNumber = channelsByNumber.get(number);
        ChannelBinding byPeer = channelsByPeer.get(peer);
        ChannelBinding expiredNumber = expiredByNumber.get(number);
        if (expiredNumber != null && !expiredNumber.peer().equals(peer)) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "channel 0x" + Integer.toHexString(number)
                    + " was bound to " + expiredNumber.peer() + " until " + TimeUnit.NANOSECONDS.toSeconds(
                    nowNanos - expiredNumber.expiresAtNanos()) + "s ago (RFC 8656 §12: 5 minutes before reuse)");
        }
        ChannelBinding expiredPeer = expiredByPeer.get(peer);
        if (expiredPeer != null && expiredPeer.number() != number) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "peer " + peer + " was bound to channel 0x"
                    + Integer.toHexString(expiredPeer.number()) + " (RFC 8656 §12: 5 minutes before reuse)");
        }
        if (expiredNumber != null) { // the same binding again
            expiredByNumber.remove(number);
            expiredByPeer.remove(peer);
        }
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

    /**
     * Drops expired channel bindings (they wait out RFC 8656 §12's 5 minutes in the expired set, then go too) and
     * expired permissions (a channel keeps its permission alive): nothing of them stays after that.
     */
    public void sweep(long nowNanos) {
        long reuseWait = TimeUnit.SECONDS.toNanos(ChannelBinding.REUSE_WAIT_SECONDS);
        Iterator<ChannelBinding> expired = expiredByNumber.values().iterator();
        while (expired.hasNext()) {
            ChannelBinding b = expired.next();
            if (b.expiresAtNanos() + reuseWait - nowNanos <= 0) {
                expired.remove();
                expiredByPeer.remove(b.peer());
            }
        }
        Iterator<ChannelBinding> it = channelsByNumber.values().iterator();
        while (it.hasNext()) {
            ChannelBinding b = it.next();
            if (b.expiresAtNanos() - nowNanos <= 0) {
                it.remove();
                channelsByPeer.remove(b.peer());
                if (b.expiresAtNanos() + reuseWait - nowNanos > 0) {
                    expiredByNumber.put(b.number(), b);
                    expiredByPeer.put(b.peer(), b);
                }
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
                } else {
                    removeV6(p);
                }
            }
        }
    }

    public boolean isExpired(long nowNanos) {
        return expiresAtNanos - nowNanos <= 0;
    }
}
