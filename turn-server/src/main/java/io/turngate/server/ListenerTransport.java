package io.turngate.server;

import java.util.Map;

/**
 * What the {@link Gateway} reads from the transport handler of one listener socket (TURN-UDP:
 * {@link ListenerSocketHandler}; TURN-DTLS: {@link DtlsListenerHandler}): its counters, its allocations and its open
 * downstream connections, for the metrics and the status page.
 *
 * <p>Threading: {@link #stats()} and {@link #connections()} on any thread; the allocation methods on the socket's
 * event loop only (the gateway asks there).
 */
interface ListenerTransport {
    /** This socket's counters (read on any thread). */
    SocketStats stats();

    /** Allocations on this socket. On its event loop only. */
    int allocationCount();

    /** Allocations per username on this socket (a copy). On its event loop only. */
    Map<String, Integer> allocationsPerUser();

    /**
     * Open downstream connections ({@code stunner_listener_connections}, stunner-compat §1e): 1 for a UDP listener
     * socket (STUNner counts each socket once), the established sessions for DTLS. Any thread.
     */
    int connections();
}
