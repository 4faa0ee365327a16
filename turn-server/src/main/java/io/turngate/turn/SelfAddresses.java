package io.turngate.turn;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The gateway itself, which is never a peer: this host's addresses and the UDP ports turngate has bound (listener
 * and relay sockets). A peer {@code ip:port} is "self" when the IP is one of this host's and the port is one of
 * ours. The per-packet check is a bit test.
 */
public final class SelfAddresses {
    private final AtomicLongArray ports = new AtomicLongArray(1024);
    private final int[] refCounts = new int[65536];
    private volatile Set<InetAddress> localAddresses = Set.of();

    public SelfAddresses() {
        refresh();
    }

    /** Re-reads this host's interface addresses. */
    public void refresh() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    out.add(withoutScope(a));
                }
            }
        } catch (SocketException e) {
            // keep what we had; loopback is always covered by isLocal()
            return;
        }
        localAddresses = Set.copyOf(out);
    }

    private static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }

    /** Is {@code ip} (canonical) one of this host's addresses, a loopback or the unspecified address? */
    public boolean isLocal(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isAnyLocalAddress() || localAddresses.contains(ip);
    }

    public synchronized void addPort(int port) {
        if (refCounts[port]++ == 0) {
            set(port, true);
        }
    }

    public synchronized void removePort(int port) {
        if (refCounts[port] > 0 && --refCounts[port] == 0) {
            set(port, false);
        }
    }

    private void set(int port, boolean on) {
        int i = port >>> 6;
        long bit = 1L << (port & 63);
        long v;
        do {
            v = ports.get(i);
        } while (!ports.compareAndSet(i, v, on ? v | bit : v & ~bit));
    }

    /** Is {@code port} bound by this gateway? Allocation-free. */
    public boolean isOwnPort(int port) {
        return (ports.get(port >>> 6) & (1L << (port & 63))) != 0;
    }
}
