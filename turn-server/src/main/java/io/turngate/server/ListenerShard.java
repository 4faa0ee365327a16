package io.turngate.server;

import io.netty.channel.EventLoop;

import java.util.Map;

/**
 * One TURN core of a running listener: the allocation table and counters one event loop owns for it. A TURN-UDP
 * listener has one per socket ({@link ListenerSocketHandler}), a TURN-DTLS listener one for its socket
 * ({@link DtlsListenerHandler}), a TURN-TCP or TURN-TLS listener one per event loop of the gateway
 * ({@link StreamCore}). The gateway sums the counters and asks each loop for its allocations.
 */
interface ListenerShard {
    /** The event loop that owns this shard's state. */
    EventLoop eventLoop();

    /** The shard's TURN core, wired once ({@link TurnCore#wire}). */
    TurnCore turnCore();

    /** The shard's counters (read on any thread). */
    default SocketStats stats() {
        return turnCore().stats();
    }

    /** Live allocations. On {@link #eventLoop()} only. */
    default int allocationCount() {
        return turnCore().allocations().size();
    }

    /** Allocations per username (a copy). On {@link #eventLoop()} only. */
    default Map<String, Integer> allocationsPerUser() {
        return turnCore().allocations().allocationsPerUser();
    }

    /**
     * Open downstream connections on this shard ({@code stunner_listener_connections}, stunner-compat §1e, summed
     * over the listener's shards): 1 for a UDP listener socket (STUNner counts each socket once), the TCP/TLS
     * connections a stream core serves (counted from accept, TLS handshakes included), the established sessions of
     * a DTLS socket. Any thread.
     */
    int connections();
}
