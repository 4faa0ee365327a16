package io.turngate.relay;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The raw form that {@code sendmmsg(2)} takes for the destinations a datagram socket sends to: 16 bytes (an IPv4
 * address in its IPv4-mapped IPv6 form, {@code ::ffff:a.b.c.d}, as Netty's epoll channel passes it to the kernel),
 * the IPv6 scope and the port, keyed by the identity of the {@link InetSocketAddress}. The relay's destinations are
 * a few long-lived instances (a client's address, a permission's cached peer addresses), and
 * {@link InetAddress#getAddress()} copies its bytes into a new array on every call: looking them up here makes a
 * send allocation-free.
 *
 * <p>An open-addressing table on {@link System#identityHashCode} that grows by doubling up to its maximum and is
 * emptied when that is full. It holds its keys strongly, at most {@code maxCapacity} of them.
 *
 * <p>Threading: owned by the event loop of its socket.
 */
public final class RecipientCache {
    /** Bytes of one destination address in {@link #addresses()}. */
    public static final int ADDRESS_BYTES = 16;

    private final int maxCapacity;
    private InetSocketAddress[] keys;
    private byte[] addresses;
    private int[] scopes;
    private int size;
    private long misses;

    /** A cache of {@code initialCapacity} slots that grows up to {@code maxCapacity} (both powers of two). */
    public RecipientCache(int initialCapacity, int maxCapacity) {
        SenderCache.checkCapacities(initialCapacity, maxCapacity);
        this.maxCapacity = maxCapacity;
        allocate(initialCapacity);
    }

    private void allocate(int capacity) {
        keys = new InetSocketAddress[capacity];
        addresses = new byte[capacity * ADDRESS_BYTES];
        scopes = new int[capacity];
        size = 0;
    }

    /**
     * The slot of {@code to}: its address is at {@code slot * }{@value #ADDRESS_BYTES} of {@link #addresses()}, its
     * scope at {@link #scope}. Valid until the next call.
     */
    public int slot(InetSocketAddress to) {
        int mask = keys.length - 1;
        for (int i = hash(to) & mask; ; i = (i + 1) & mask) {
            InetSocketAddress k = keys[i];
            if (k == to) {
                return i;
            }
            if (k == null) {
                return insert(i, to);
            }
        }
    }

    private int insert(int slot, InetSocketAddress to) {
        misses++;
        if (size + 1 > keys.length * 3 / 4) {
            int capacity = keys.length;
            InetSocketAddress[] oldKeys = keys;
            byte[] oldAddresses = addresses;
            int[] oldScopes = scopes;
            if (capacity < maxCapacity) {
                allocate(capacity * 2);
                for (int i = 0; i < capacity; i++) {
                    if (oldKeys[i] != null) {
                        int s = free(oldKeys[i]);
                        keys[s] = oldKeys[i];
                        System.arraycopy(oldAddresses, i * ADDRESS_BYTES, addresses, s * ADDRESS_BYTES, ADDRESS_BYTES);
                        scopes[s] = oldScopes[i];
                        size++;
                    }
                }
            } else {
                Arrays.fill(keys, null);
                size = 0;
            }
            slot = free(to);
        }
        keys[slot] = to;
        InetAddress ip = to.getAddress();
        byte[] raw = ip.getAddress();
        int at = slot * ADDRESS_BYTES;
        if (raw.length == 4) {
            Arrays.fill(addresses, at, at + 10, (byte) 0);
            addresses[at + 10] = (byte) 0xFF;
            addresses[at + 11] = (byte) 0xFF;
            System.arraycopy(raw, 0, addresses, at + 12, 4);
            scopes[slot] = 0;
        } else {
            System.arraycopy(raw, 0, addresses, at, ADDRESS_BYTES);
            scopes[slot] = ((Inet6Address) ip).getScopeId();
        }
        size++;
        return slot;
    }

    private int free(InetSocketAddress to) {
        int mask = keys.length - 1;
        int i = hash(to) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int hash(InetSocketAddress to) {
        int h = System.identityHashCode(to) * 0x9E37_79B9;
        return h ^ (h >>> 16);
    }

    /** The addresses, {@value #ADDRESS_BYTES} bytes per slot. */
    public byte[] addresses() {
        return addresses;
    }

    /** The IPv6 scope of {@code slot} (0 for IPv4). */
    public int scope(int slot) {
        return scopes[slot];
    }

    /** Destinations cached. */
    public int size() {
        return size;
    }

    /** Lookups that were not cached since the start. */
    public long misses() {
        return misses;
    }
}
