package io.turngate.server;

import io.netty.channel.Channel;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.turn.RoutePolicy;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One running listener: its config and route policy snapshots (volatile, swapped by reconciliation and read per
 * packet), the relay address it advertises, its sockets (one, or N with SO_REUSEPORT) and its counters.
 */
final class ListenerRuntime {
    final String name;
    final InetAddress relayAddress;
    final ListenerStats stats = new ListenerStats();
    final List<Channel> channels = new CopyOnWriteArrayList<>();
    final List<ListenerSocketHandler> handlers = new CopyOnWriteArrayList<>();
    volatile ListenerConfig config;
    volatile RoutePolicy policy;

    ListenerRuntime(ListenerConfig config, InetAddress relayAddress, RoutePolicy policy) {
        this.name = config.name();
        this.config = config;
        this.relayAddress = relayAddress;
        this.policy = policy;
    }
}
