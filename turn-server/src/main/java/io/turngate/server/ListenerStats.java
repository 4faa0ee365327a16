package io.turngate.server;

import io.turngate.turn.Refusal;

/**
 * A snapshot of one listener's counters, summed over its sockets (and over earlier runs of a listener of that name,
 * so counters never go backwards across restarts). STUNner's direction naming: {@code rx} = received by the gateway,
 * {@code tx} = sent by it; "peer" counts are the relay side.
 */
public final class ListenerStats {
    private final long[] totals;

    ListenerStats(long[] totals) {
        this.totals = totals;
    }

    public long rxPackets() {
        return totals[SocketStats.RX_PACKETS];
    }

    public long rxBytes() {
        return totals[SocketStats.RX_BYTES];
    }

    public long txPackets() {
        return totals[SocketStats.TX_PACKETS];
    }

    public long txBytes() {
        return totals[SocketStats.TX_BYTES];
    }

    public long peerRxPackets() {
        return totals[SocketStats.PEER_RX_PACKETS];
    }

    public long peerRxBytes() {
        return totals[SocketStats.PEER_RX_BYTES];
    }

    public long peerTxPackets() {
        return totals[SocketStats.PEER_TX_PACKETS];
    }

    public long peerTxBytes() {
        return totals[SocketStats.PEER_TX_BYTES];
    }

    /** UDP GSO sends (to clients and to peers); their datagrams are included in the packet counts. */
    public long gsoSends() {
        return totals[SocketStats.GSO_SENDS];
    }

    /** Datagrams carried by {@link #gsoSends()}. */
    public long gsoSegments() {
        return totals[SocketStats.GSO_SEGMENTS];
    }

    public long counter(Counter c) {
        return totals[SocketStats.counterSlot(c)];
    }

    /** Allocations closed whose lifetime fell in bucket {@code i} of {@link #lifetimeBoundsSeconds()} (non-cumulative). */
    public long lifetimeBucket(int i) {
        return totals[SocketStats.LIFETIMES + i];
    }

    /** Upper bounds of the lifetime buckets in seconds; one more bucket, {@code +Inf}, follows them. */
    public static long[] lifetimeBoundsSeconds() {
        return SocketStats.LIFETIME_BOUNDS_SECONDS.clone();
    }

    /** Sum of the lifetimes of the closed allocations, in milliseconds. */
    public long lifetimeSumMillis() {
        return totals[SocketStats.LIFETIME_SUM_MILLIS];
    }

    /** Requests refused with {@code r}. */
    public long refusals(Refusal r) {
        return totals[SocketStats.refusalSlot(r)];
    }
}
