package io.turngate.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Per-listener packet and byte counters, with STUNner's direction naming ({@code rx} = received by the gateway on
 * the listener socket, {@code tx} = sent by it), and the same for the peer side of the relay.
 */
public final class ListenerStats {
    public final LongAdder rxPackets = new LongAdder();
    public final LongAdder rxBytes = new LongAdder();
    public final LongAdder txPackets = new LongAdder();
    public final LongAdder txBytes = new LongAdder();
    public final LongAdder peerRxPackets = new LongAdder();
    public final LongAdder peerRxBytes = new LongAdder();
    public final LongAdder peerTxPackets = new LongAdder();
    public final LongAdder peerTxBytes = new LongAdder();
    /** UDP GSO sends (to clients and to peers) and the datagrams they carried; included in the counts above. */
    public final LongAdder gsoSends = new LongAdder();
    public final LongAdder gsoSegments = new LongAdder();
}
