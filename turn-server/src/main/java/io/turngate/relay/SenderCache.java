package io.turngate.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The socket addresses of a datagram socket's recent senders, keyed by the raw address that {@code recvmmsg(2)}
 * reported (4 or 16 bytes, port, IPv6 scope), so that a datagram from a known sender costs no new
 * {@link InetSocketAddress}: its allocation and permission lookups get the same instance every time. The addresses
 * are built exactly as Netty's epoll channel builds them (4 bytes: an {@code Inet4Address}; otherwise an
 * {@code Inet6Address} with the scope), so the TURN core sees what it saw before.
 *
 * <p>An open-addressing table with linear probing that grows by doubling up to its maximum; when that is full it is
 * emptied and fills again (a flood of new senders costs what it cost without the cache: one address per datagram,
 * and the memory stays bounded).
 *
 * <p>Threading: owned by the event loop of its socket.
 */
public final class SenderCache {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int maxCapacity;
    private long[] high;
    private long[] low;
    /** Port (16 bits), then {@code 1 << 16} for a 16-byte address, {@code 1 << 17} for a used slot. */
    private int[] portAndKind;
    private int[] scopes;
    private InetSocketAddress[] values;
    private int size;
    private long misses;

    /** A cache of {@code initialCapacity} slots that grows up to {@code maxCapacity} (both powers of two). */
    public SenderCache(int initialCapacity, int maxCapacity) {
        checkCapacities(initialCapacity, maxCapacity);
        this.maxCapacity = maxCapacity;
        allocate(initialCapacity);
    }

    /** Both caches' rule: powers of two, the initial one at most the maximum. */
    static void checkCapacities(int initialCapacity, int maxCapacity) {
        if (Integer.bitCount(initialCapacity) != 1 || Integer.bitCount(maxCapacity) != 1 || initialCapacity > maxCapacity) {
            throw new IllegalArgumentException("capacities must be powers of two, initial <= max: " + initialCapacity
                    + ", " + maxCapacity);
        }
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        portAndKind = new int[capacity];
        scopes = new int[capacity];
        values = new InetSocketAddress[capacity];
        size = 0;
    }

    /**
     * The socket address of {@code port} at the first {@code length} bytes of {@code address} (4: IPv4; anything
     * else: the 16 bytes of an IPv6 address in {@code scopeId}). {@code address} is only read.
     */
    public InetSocketAddress get(byte[] address, int length, int port, int scopeId) {
        boolean v4 = length == 4;
        long hi = v4 ? (int) INT.get(address, 0) & 0xFFFF_FFFFL : (long) LONG.get(address, 0);
        long lo = v4 ? 0 : (long) LONG.get(address, 8);
        int scope = v4 ? 0 : scopeId;
        int key = (port & 0xFFFF) | (v4 ? 0 : 1 << 16) | 1 << 17;
        int mask = values.length - 1;
        for (int i = hash(hi, lo, key, scope) & mask; ; i = (i + 1) & mask) {
            int k = portAndKind[i];
            if (k == 0) {
                return insert(i, hi, lo, key, scope, address, length, port, scopeId);
            }
            if (k == key && high[i] == hi && low[i] == lo && scopes[i] == scope) {
                return values[i];
            }
        }
    }

    private InetSocketAddress insert(int slot, long hi, long lo, int key, int scope, byte[] address, int length,
                                     int port, int scopeId) {
        misses++;
        InetSocketAddress value = newAddress(address, length, port, scopeId);
        if (size + 1 > values.length * 3 / 4) { // keep the table at most 3/4 full: grow, or start again at the maximum
            int capacity = values.length;
            long[] oldHigh = high;
            long[] oldLow = low;
            int[] oldKeys = portAndKind;
            int[] oldScopes = scopes;
            InetSocketAddress[] oldValues = values;
            if (capacity < maxCapacity) {
                allocate(capacity * 2);
                for (int i = 0; i < capacity; i++) {
                    if (oldKeys[i] != 0) {
                        put(oldHigh[i], oldLow[i], oldKeys[i], oldScopes[i], oldValues[i]);
                    }
                }
            } else {
                Arrays.fill(portAndKind, 0);
                Arrays.fill(values, null);
                size = 0;
            }
            put(hi, lo, key, scope, value);
        } else {
            store(slot, hi, lo, key, scope, value);
        }
        return value;
    }

    private void put(long hi, long lo, int key, int scope, InetSocketAddress value) {
        int mask = values.length - 1;
        int i = hash(hi, lo, key, scope) & mask;
        while (portAndKind[i] != 0) {
            i = (i + 1) & mask;
        }
        store(i, hi, lo, key, scope, value);
    }

    private void store(int slot, long hi, long lo, int key, int scope, InetSocketAddress value) {
        high[slot] = hi;
        low[slot] = lo;
        portAndKind[slot] = key;
        scopes[slot] = scope;
        values[slot] = value;
        size++;
    }

    private static int hash(long hi, long lo, int key, int scope) {
        long h = (hi * 0x9E37_79B9_7F4A_7C15L) ^ (lo * 0xC2B2_AE3D_27D4_EB4FL) ^ ((long) key << 32) ^ scope;
        h ^= h >>> 29;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /** What Netty's epoll channel makes of a sender (its {@code NativeDatagramPacketArray.newAddress}). */
    static InetSocketAddress newAddress(byte[] address, int length, int port, int scopeId) {
        try {
            InetAddress ip = length == 4 ? InetAddress.getByAddress(Arrays.copyOf(address, 4))
                    : Inet6Address.getByAddress(null, Arrays.copyOf(address, 16), scopeId);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) { // only for a length other than 4 or 16, which the copies rule out
            throw new IllegalStateException(e);
        }
    }

    /** Senders cached. */
    public int size() {
        return size;
    }

    /** Slots of the table now. */
    public int capacity() {
        return values.length;
    }

    /** Lookups that built a new address since the start. */
    public long misses() {
        return misses;
    }
}
