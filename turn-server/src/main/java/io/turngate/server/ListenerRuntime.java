package io.turngate.server;

import io.netty.channel.Channel;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.log.LogLimiter;
import io.turngate.turn.Refusal;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnListener;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running listener: its config and route policy snapshots (volatile, swapped by reconciliation and read per
 * packet), the relay address it advertises, its sockets (one, or N with SO_REUSEPORT) with their handlers, its
 * allocation count and the limiters of its per-request log lines. It is the {@link TurnListener} of the TURN cores
 * of its sockets.
 */
final class ListenerRuntime implements TurnListener {
    /** Per-request log lines of one kind (permission denied, allocation created/deleted, errors) per second. */
    static final int LOG_LINES_PER_SECOND = 20;

    final String name;
    final InetAddress relayAddress;
    final List<Channel> channels = new CopyOnWriteArrayList<>();
    final List<ListenerTransport> handlers = new CopyOnWriteArrayList<>();
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

    ListenerRuntime(ListenerConfig config, InetAddress relayAddress, RoutePolicy policy, Services services) {
        this.services = services;
        this.name = config.name();
        this.config = config;
        this.relayAddress = relayAddress;
        this.policy = policy;
    }

    /** This listener's totals so far, summed over its sockets (any thread). */
    long[] totals() {
        long[] acc = new long[SocketStats.SIZE];
        for (ListenerTransport h : handlers) {
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
