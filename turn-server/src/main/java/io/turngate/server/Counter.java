package io.turngate.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Every process-wide counter, in one catalogue (Aeron {@code SystemCounterDescriptor} style). Incrementing never
 * allocates in steady state. Per-listener packet/byte counters live in {@link ListenerStats}.
 */
public enum Counter {
    MALFORMED_DATAGRAMS("Datagrams that are neither valid STUN nor valid ChannelData"),
    OVERSIZED_DATAGRAMS("Datagrams over the size limit, dropped"),
    BAD_FINGERPRINT("STUN messages with a FINGERPRINT that does not match"),
    UNKNOWN_METHOD("Requests with a method the server does not implement"),
    UNKNOWN_ATTRIBUTE_REQUESTS("Requests refused with 420 for comprehension-required attributes"),
    DROPPED_INDICATIONS("Indications dropped: malformed, unknown method or attributes, no allocation or permission"),
    DROPPED_RESPONSES("STUN responses received on a listener (turngate sends no requests), dropped"),
    NO_ALLOCATION("ChannelData or indications from a client without an allocation"),
    UNBOUND_CHANNEL("ChannelData on a channel number that is not bound"),
    NO_PERMISSION("Packets between relay and a peer without a permission"),
    PEER_PORT_DENIED("Relayed packets dropped by a route's port range or a removed endpoint"),
    SELF_PEER_DENIED("Relayed packets dropped because the peer is the gateway itself"),
    AUTH_FAILURES("Requests refused on the authentication path"),
    PERMISSION_DENIED("CreatePermission/ChannelBind refused: peer not routed or forbidden"),
    ALLOCATIONS_CREATED("Allocations created"),
    ALLOCATIONS_EXPIRED("Allocations removed at the end of their lifetime"),
    ALLOCATIONS_DELETED("Allocations deleted by the client (Refresh with LIFETIME 0) or by reconfiguration"),
    RELAY_BIND_FAILURES("Relay sockets that could not be bound"),
    HANDLER_ERRORS("Unexpected exceptions caught on an event loop (logged, socket kept)");

    private final String description;
    private final LongAdder adder = new LongAdder();

    Counter(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public void increment() {
        adder.increment();
    }

    public long get() {
        return adder.sum();
    }
}
