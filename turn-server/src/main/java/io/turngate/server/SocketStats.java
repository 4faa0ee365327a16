package io.turngate.server;

import io.turngate.relay.LoopCounters;
import io.turngate.relay.SegmentBatch;
import io.turngate.turn.Permission;
import io.turngate.turn.Refusal;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnCounters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one listener socket counts: packets and bytes on the listener (STUNner's {@code rx} = received from clients,
 * {@code tx} = sent to them) and on the peer side, every {@link Counter}, every {@link Refusal} sent, and per cluster
 * the datagrams relayed to and from its peers. Plain counters ({@link LoopCounters}) written by the socket's event
 * loop only and read by the admin thread at scrape time, so counting costs the relay path no atomic instruction.
 * As the TURN core's {@link TurnCounters}, it maps each event the core reports onto its {@link Counter}.
 *
 * <p>Threading: every {@code count*} method on the owning event loop only; {@link #addTo} and {@link #addClustersTo}
 * on any thread.
 */
final class SocketStats implements TurnCounters {
    static final int RX_PACKETS = 0;
    static final int RX_BYTES = 1;
    static final int TX_PACKETS = 2;
    static final int TX_BYTES = 3;
    static final int PEER_RX_PACKETS = 4;
    static final int PEER_RX_BYTES = 5;
    static final int PEER_TX_PACKETS = 6;
    static final int PEER_TX_BYTES = 7;
    static final int GSO_SENDS = 8;
    static final int GSO_SEGMENTS = 9;
    private static final int COUNTERS = 10;
    private static final int REFUSALS = COUNTERS + Counter.count();
    /**
     * Upper bounds (seconds, inclusive) of the allocation lifetime histogram's buckets, Prometheus style; a last
     * bucket takes longer ones. TURN allocations live from seconds (a failed call) to hours (refreshed games).
     */
    static final long[] LIFETIME_BOUNDS_SECONDS = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200};
    /** Non-cumulative bucket counts, then the sum of lifetimes in milliseconds. */
    static final int LIFETIMES = REFUSALS + Refusal.values().length;
    static final int LIFETIME_SUM_MILLIS = LIFETIMES + LIFETIME_BOUNDS_SECONDS.length + 1;
    /** Slots of one listener's totals, as {@link #addTo} lays them out. */
    static final int SIZE = LIFETIME_SUM_MILLIS + 1;

    /** Per cluster: datagrams and bytes received from its peers ({@code rx}) and sent to them ({@code tx}). */
    static final int CLUSTER_RX_PACKETS = 0;
    static final int CLUSTER_RX_BYTES = 1;
    static final int CLUSTER_TX_PACKETS = 2;
    static final int CLUSTER_TX_BYTES = 3;
    static final int CLUSTER_SIZE = 4;

    static int counterSlot(Counter c) {
        return COUNTERS + c.ordinal();
    }

    static int refusalSlot(Refusal r) {
        return REFUSALS + r.ordinal();
    }

    private final LoopCounters values = new LoopCounters(GSO_SENDS); // GSO counts live in the Gso switch
    private final LoopCounters events = new LoopCounters(SIZE - COUNTERS);
    private final SegmentBatch.Gso gso;
    /** Cluster name → its counters on this socket; entries are only added (a cluster that goes away keeps its totals). */
    private final Map<String, LoopCounters> clusters = new ConcurrentHashMap<>();
    /** {@link #clusters} entries in the order of {@link #countedPolicy}'s clusters. */
    private LoopCounters[] clustersByIndex = new LoopCounters[0];
    private RoutePolicy countedPolicy;

    SocketStats(SegmentBatch.Gso gso) {
        this.gso = gso;
    }

    void count(Counter c) {
        events.increment(c.ordinal());
    }

    void count(Refusal r) {
        events.increment(Counter.count() + r.ordinal());
    }

    // ------------------------------------------------------------------------ TurnCounters: the core's events

    @Override
    public void refused(Refusal refusal) {
        count(refusal);
    }

    @Override
    public void answerRateLimited() {
        count(Counter.RATE_LIMITED_ANSWERS);
    }

    @Override
    public void malformed() {
        count(Counter.MALFORMED_DATAGRAMS);
    }

    @Override
    public void badFingerprint() {
        count(Counter.BAD_FINGERPRINT);
    }

    @Override
    public void indicationDropped() {
        count(Counter.DROPPED_INDICATIONS);
    }

    @Override
    public void responseDropped() {
        count(Counter.DROPPED_RESPONSES);
    }

    @Override
    public void unknownMethod() {
        count(Counter.UNKNOWN_METHOD);
    }

    @Override
    public void unknownAttributes() {
        count(Counter.UNKNOWN_ATTRIBUTE_REQUESTS);
    }

    @Override
    public void oversized() {
        count(Counter.OVERSIZED_DATAGRAMS);
    }

    @Override
    public void noAllocation() {
        count(Counter.NO_ALLOCATION);
    }

    @Override
    public void unboundChannel() {
        count(Counter.UNBOUND_CHANNEL);
    }

    @Override
    public void noPermission() {
        count(Counter.NO_PERMISSION);
    }

    @Override
    public void peerPortDenied() {
        count(Counter.PEER_PORT_DENIED);
    }

    @Override
    public void selfPeerDenied() {
        count(Counter.SELF_PEER_DENIED);
    }

    @Override
    public void allocationCreated() {
        count(Counter.ALLOCATIONS_CREATED);
    }

    @Override
    public void allocationExpired() {
        count(Counter.ALLOCATIONS_EXPIRED);
    }

    @Override
    public void allocationDeleted() {
        count(Counter.ALLOCATIONS_DELETED);
    }

    @Override
    public void relayBindFailed() {
        count(Counter.RELAY_BIND_FAILURES);
    }

    @Override
    public void handlerError() {
        count(Counter.HANDLER_ERRORS);
    }

    /** An allocation that lived {@code nanos} went away. */
    @Override
    public void allocationClosed(long nanos) {
        long millis = Math.max(0, nanos / 1_000_000);
        int bucket = 0;
        while (bucket < LIFETIME_BOUNDS_SECONDS.length && millis > LIFETIME_BOUNDS_SECONDS[bucket] * 1000) {
            bucket++;
        }
        events.increment(LIFETIMES - COUNTERS + bucket);
        events.add(LIFETIME_SUM_MILLIS - COUNTERS, millis);
    }

    /** A datagram received on the listener socket. */
    void received(int bytes) {
        values.increment(RX_PACKETS);
        values.add(RX_BYTES, bytes);
    }

    /** A datagram sent on the listener socket. */
    void sent(int bytes) {
        values.increment(TX_PACKETS);
        values.add(TX_BYTES, bytes);
    }

    /**
     * A datagram relayed to ({@code toPeer}) or from a peer, counted for the listener and for the cluster that admits
     * the peer under {@code policy}; {@code perm} must just have been checked against {@code policy}.
     */
    @Override
    public void relayed(RoutePolicy policy, Permission perm, boolean toPeer, int bytes) {
        if (policy != countedPolicy) {
            index(policy);
        }
        int i = perm.clusterIndex();
        LoopCounters c = i >= 0 && i < clustersByIndex.length ? clustersByIndex[i] : null;
        if (toPeer) {
            values.increment(PEER_TX_PACKETS);
            values.add(PEER_TX_BYTES, bytes);
            if (c != null) {
                c.increment(CLUSTER_TX_PACKETS);
                c.add(CLUSTER_TX_BYTES, bytes);
            }
        } else {
            values.increment(PEER_RX_PACKETS);
            values.add(PEER_RX_BYTES, bytes);
            if (c != null) {
                c.increment(CLUSTER_RX_PACKETS);
                c.add(CLUSTER_RX_BYTES, bytes);
            }
        }
    }

    private void index(RoutePolicy policy) {
        LoopCounters[] byIndex = new LoopCounters[policy.clusterCount()];
        for (int i = 0; i < byIndex.length; i++) {
            byIndex[i] = clusters.computeIfAbsent(policy.clusterName(i), n -> new LoopCounters(CLUSTER_SIZE));
        }
        clustersByIndex = byIndex;
        countedPolicy = policy;
    }

    /** Adds this socket's totals to {@code acc} ({@link #SIZE} slots). Any thread. */
    void addTo(long[] acc) {
        for (int i = 0; i < GSO_SENDS; i++) {
            acc[i] += values.get(i);
        }
        acc[GSO_SENDS] += gso.counters().get(SegmentBatch.Gso.SENDS);
        acc[GSO_SEGMENTS] += gso.counters().get(SegmentBatch.Gso.SEGMENTS);
        for (int i = 0; i < events.size(); i++) {
            acc[COUNTERS + i] += events.get(i);
        }
    }

    /** Adds this socket's per-cluster totals to {@code acc} (name → {@link #CLUSTER_SIZE} slots). Any thread. */
    void addClustersTo(Map<String, long[]> acc) {
        clusters.forEach((name, c) -> {
            long[] t = acc.computeIfAbsent(name, n -> new long[CLUSTER_SIZE]);
            for (int i = 0; i < CLUSTER_SIZE; i++) {
                t[i] += c.get(i);
            }
        });
    }
}
