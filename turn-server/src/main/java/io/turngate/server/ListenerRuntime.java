package io.turngate.server;

import io.netty.channel.Channel;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.log.LogLimiter;
import io.turngate.turn.Refusal;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnListener;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running listener: its config and route policy snapshots (volatile, swapped by reconciliation and read per
 * packet), the relay address it advertises, its sockets (UDP: one, or N with SO_REUSEPORT; TCP/TLS: the server
 * socket) with their TURN cores, its allocation count and the limiters of its per-request log lines. It is the
 * {@link TurnListener} of its TURN cores.
 */
final class ListenerRuntime implements TurnListener {
    /** Per-request log lines of one kind (permission denied, allocation created/deleted, errors) per second. */
    static final int LOG_LINES_PER_SECOND = 20;

    final String name;
    final InetAddress relayAddress;
    /** The advertised relay address of the other family ({@link Gateway#otherFamilyRelayAddress}), or {@code null}. */
    final InetAddress otherFamilyRelayAddress;
    final List<Channel> channels = new CopyOnWriteArrayList<>();
    /** The TURN cores: one per UDP socket, or one per event loop of a TCP/TLS listener. */
    final List<ListenerShard> handlers = new CopyOnWriteArrayList<>();
    /** The TCP/TLS side of a TURN-TCP or TURN-TLS listener, {@code null} for TURN-UDP. */
    volatile StreamListener stream;
    final AtomicInteger allocations = new AtomicInteger();
    /** Sockets this listener opened (STUNner's {@code stunner_listener_connections_total} for UDP). */
    final AtomicInteger socketsOpened = new AtomicInteger();
    final LogLimiter deniedLog = new LogLimiter(LOG_LINES_PER_SECOND);
    final LogLimiter allocationLog = new LogLimiter(LOG_LINES_PER_SECOND);
    final LogLimiter refusalLog = new LogLimiter(LOG_LINES_PER_SECOND);
    final LogLimiter errorLog = new LogLimiter(LOG_LINES_PER_SECOND);
    volatile ListenerConfig config;
    volatile RoutePolicy policy;
    private final Services services;

    /** A listener with a relay of {@code relayAddress}'s family only. */
    ListenerRuntime(ListenerConfig config, InetAddress relayAddress, RoutePolicy policy, Services services) {
        this(config, relayAddress, null, policy, services);
    }

    ListenerRuntime(ListenerConfig config, InetAddress relayAddress, InetAddress otherFamilyRelayAddress,
                    RoutePolicy policy, Services services) {
        if (otherFamilyRelayAddress != null
                && (otherFamilyRelayAddress instanceof Inet4Address) == (relayAddress instanceof Inet4Address)) {
            throw new IllegalArgumentException("relay addresses of the same family: " + relayAddress + ", "
                    + otherFamilyRelayAddress);
        }
        this.services = services;
        this.name = config.name();
        this.config = config;
        this.relayAddress = relayAddress;
        this.otherFamilyRelayAddress = otherFamilyRelayAddress;
        this.policy = policy;
    }

    /** This listener's totals so far, summed over its sockets (any thread). */
    long[] totals() {
        long[] acc = new long[SocketStats.SIZE];
        for (ListenerShard h : handlers) {
            h.stats().addTo(acc);
        }
        return acc;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public InetAddress relayAddress() {
        return relayAddress;
    }

    @Override
    public InetAddress relayAddress(boolean ipv4) {
        return (relayAddress instanceof Inet4Address) == ipv4 ? relayAddress : otherFamilyRelayAddress;
    }

    @Override
    public RoutePolicy policy() {
        return policy;
    }

    @Override
    public LogLimiter deniedLog() {
        return deniedLog;
    }

    @Override
    public LogLimiter allocationLog() {
        return allocationLog;
    }

    @Override
    public LogLimiter refusalLog() {
        return refusalLog;
    }

    @Override
    public LogLimiter errorLog() {
        return errorLog;
    }

    @Override
    public Refusal acquireAllocation(String username) {
        return services.acquire(username, this);
    }

    @Override
    public void releaseAllocation(String username) {
        services.release(username, this);
    }
}
