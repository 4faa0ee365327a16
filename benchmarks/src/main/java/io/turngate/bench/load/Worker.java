package io.turngate.bench.load;

import io.netty.channel.EventLoop;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of the load generator and everything it owns: its share of the client allocations, the echo peers
 * registered on it, its counters and its RTT histograms.
 *
 * <p><b>Fixed-rate pacing and coordinated omission.</b> With {@code --rate}, a ticker on the loop fires every
 * {@code --tick} (100 µs) and sends the probes that fell due since the epoch started: probe {@code k} of this worker
 * is due at {@code start + (k + 1) / rate}. Its <em>intended send time</em> is the first tick of the schedule at or
 * after that instant ({@link #intendedNanos}), i.e. when an on-time ticker would send it. Every probe carries its
 * actual send time and its intended one ({@link Wire}), and two RTT histograms are kept: {@link #rtt} from the actual
 * send (what the wire saw) and {@link #rttCorrected} from the intended send. When the generator's loop stalls (GC,
 * a late timer, a busy core) or the server's stall keeps the loop from sending, the probes due meanwhile leave late,
 * and only the corrected histogram counts the wait, as a real client that kept sending would have felt it (Gil Tene's
 * "coordinated omission"; measuring from the schedule is what wrk2 does, and it is exact where HdrHistogram's
 * {@code recordValueWithExpectedInterval} only estimates the missing samples). The tick's own granularity is not
 * counted: a probe due between two ticks is intended for the next one.
 *
 * <p>After a stall the backlog is sent at up to 10 ms worth of probes per tick until the schedule is caught up again;
 * no probe of the schedule is skipped (skipping them would hide the stall again). A generator that cannot keep the
 * rate at all falls further and further behind, its corrected RTT grows with the run, and the result's notes say
 * "rate not reached". As fast as possible ({@code --rate 0}) there is no schedule: both histograms get the same value.
 *
 * <p><b>Threading:</b> every field is read and written only on {@link #loop}; the main thread talks to a worker by
 * submitting tasks ({@link #startMeasurement}, {@link #snapshot}), so the counters need no atomics.
 */
final class Worker {

    /** Epoch stamped into probes sent during warm-up. */
    static final int EPOCH_WARMUP = 1;
    /** Epoch stamped into probes sent while measuring. */
    static final int EPOCH_MEASURE = 2;

    final int id;
    final EventLoop loop;
    final RunSettings settings;
    final List<ClientAllocation> allocations = new ArrayList<>();
    private final List<ClientAllocation> ready = new ArrayList<>();

    /** Epoch of probes counted now; probes of another epoch are "stale". */
    int epoch = EPOCH_WARMUP;
    boolean sending;
    /** Probes written towards the server in this epoch. */
    long sent;
    /** Probes this worker's allocations could not send because their outbound buffer was full. */
    long sendDropped;
    /** Probes of this epoch received back at the clients. */
    long delivered;
    /** Probes of this epoch received by the echo peers on this loop. */
    long peerReceived;
    /** Echoes the peers on this loop could not send because their outbound buffer was full. */
    long peerDropped;
    /** Probes of an earlier epoch (warm-up traffic arriving late). */
    long stale;
    /** Datagrams or stream frames that were neither a probe nor a STUN response, and stream errors. */
    long invalid;
    /**
     * TCP/TLS connections that closed under a live allocation before the delete phase (whole run, not reset by
     * {@link #startEpoch}).
     */
    long connectionsLost;
    /** RTT from each probe's actual send time (nanoseconds). */
    final Histogram rtt = Histograms.run();
    /** RTT from each probe's intended send time: corrected for coordinated omission (see the class comment). */
    final Histogram rttCorrected = Histograms.run();
    /**
     * With a timeline: window {@code i} holds the corrected RTT of the probes intended for
     * {@code [epochStart + i * timelineNanos, ...+ timelineNanos)}; made when the first probe of a window returns.
     */
    final List<Histogram> timeline = new ArrayList<>();
    /** Length of a timeline window; 0 = no timeline. */
    private long timelineNanos;
    /** Most windows one timeline keeps (one per second for 10 minutes); later probes count in the last one. */
    static final int MAX_WINDOWS = 600;

    private long sendBudget = Long.MAX_VALUE;
    private long rateStartNanos;
    private long rateSent;
    private int nextReady;
    private final List<ClientAllocation> dirty = new ArrayList<>();
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> refresher;

    /**
     * Permissions last 300 s and channel bindings 600 s (RFC 8656 §9, §11); a binding older than this is
     * refreshed during long runs.
     */
    static final long REFRESH_AFTER_NANOS = TimeUnit.SECONDS.toNanos(240);
    /** Refresh transactions started per second and worker, so 10,000 allocations do not refresh in one burst. */
    static final int REFRESHES_PER_SECOND = 500;

    private String keyRealm;
    private byte[] key;

    /** The long-term key for {@code realm} (RFC 8489 §9.2.2), computed once per realm and worker. */
    byte[] longTermKey(String realm) {
        if (!realm.equals(keyRealm)) {
            key = ClientAllocation.longTermKey(settings.user(), realm, settings.password());
            keyRealm = realm;
        }
        return key;
    }

    Worker(int id, EventLoop loop, RunSettings settings) {
        this.id = id;
        this.loop = loop;
        this.settings = settings;
    }

    /** Immutable copy of the counters, taken on the loop. */
    record Snapshot(long sent, long sendDropped, long delivered, long peerReceived, long peerDropped, long stale,
                    long invalid, long connectionsLost, Histogram rtt, Histogram rttCorrected,
                    List<Histogram> timeline) {

        /** Counters only: no histograms (null) and no timeline, so taking one allocates next to nothing. */
        Snapshot(long sent, long sendDropped, long delivered, long peerReceived, long peerDropped, long stale,
                 long invalid, long connectionsLost) {
            this(sent, sendDropped, delivered, peerReceived, peerDropped, stale, invalid, connectionsLost, null, null,
                    List.of());
        }
    }

    // ---- called on the loop -------------------------------------------------------------------------------

    /**
     * Runs one control-plane step on every allocation of this worker with at most {@code limit} in flight; the
     * loop itself starts the next step when one finishes, so the main thread is not on the handshake path.
     */
    void runPhase(List<ClientAllocation> targets,
                  java.util.function.BiConsumer<ClientAllocation, ClientAllocation.Completion> step, int limit,
                  ClientAllocation.Completion done) {
        int[] next = {0};
        ClientAllocation.Completion[] chain = new ClientAllocation.Completion[1];
        chain[0] = (a, ok) -> {
            done.done(a, ok);
            startNext(targets, step, next, chain[0]);
        };
        for (int i = 0; i < limit && next[0] < targets.size(); i++) {
            startNext(targets, step, next, chain[0]);
        }
    }

    private static void startNext(List<ClientAllocation> targets,
                                  java.util.function.BiConsumer<ClientAllocation, ClientAllocation.Completion> step,
                                  int[] next, ClientAllocation.Completion chain) {
        if (next[0] >= targets.size()) {
            return;
        }
        ClientAllocation a = targets.get(next[0]++);
        try {
            step.accept(a, chain);
        } catch (RuntimeException e) {
            chain.done(a, false);
        }
    }

    /** Starts sending probes of {@code newEpoch}; counters restart from zero. */
    void startEpoch(int newEpoch, long budget) {
        startEpoch(newEpoch, budget, 0);
    }

    /**
     * Starts sending probes of {@code newEpoch}; counters restart from zero. With {@code timelineWindowNanos > 0} the
     * corrected RTT is also kept per window of that length from now on ({@link #timeline}).
     */
    void startEpoch(int newEpoch, long budget, long timelineWindowNanos) {
        epoch = newEpoch;
        sent = sendDropped = delivered = peerReceived = peerDropped = stale = invalid = 0;
        rtt.reset();
        rttCorrected.reset();
        timeline.clear();
        timelineNanos = timelineWindowNanos;
        sendBudget = budget;
        ready.clear();
        nextReady = 0;
        for (ClientAllocation a : allocations) {
            if (a.isReady()) {
                ready.add(a);
            }
        }
        if (refresher == null) {
            refresher = loop.scheduleAtFixedRate(this::refreshTick, 1, 1, TimeUnit.SECONDS);
        }
        boolean wasSending = sending;
        sending = !ready.isEmpty();
        rateStartNanos = System.nanoTime();
        rateSent = 0;
        if (!wasSending && sending) {
            if (settings.ratePps() > 0) {
                long tick = settings.tickMicros();
                ticker = loop.scheduleAtFixedRate(this::rateTick, tick, tick, TimeUnit.MICROSECONDS);
            } else {
                long now = System.nanoTime();
                for (ClientAllocation a : ready) {
                    a.fill(now);
                }
                flushDirty();
                long check = Math.max(5, settings.lossTimeoutMillis() / 4);
                ticker = loop.scheduleAtFixedRate(this::stallTick, check, check, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Soak churn: a newly made, bound allocation joins this worker and, while sending, the fixed-rate rotation. The
     * total rate stays the same; it is spread over one allocation more.
     */
    void admit(ClientAllocation a) {
        allocations.add(a);
        if (sending && a.isReady()) {
            ready.add(a);
        }
    }

    /**
     * Soak churn: {@code a} leaves the rotation (no probe is sent on it any more) before it is deleted. Its probes
     * still in flight are counted when their echoes arrive, as long as its socket stays open.
     */
    void retire(ClientAllocation a) {
        allocations.remove(a);
        int i = ready.indexOf(a);
        if (i >= 0) {
            ClientAllocation last = ready.remove(ready.size() - 1);
            if (i < ready.size()) {
                ready.set(i, last);
            }
        }
    }

    void stopSending() {
        sending = false;
        if (refresher != null) {
            refresher.cancel(false);
            refresher = null;
        }
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    Snapshot snapshot(boolean withHistogram) {
        if (!withHistogram) {
            return new Snapshot(sent, sendDropped, delivered, peerReceived, peerDropped, stale, invalid,
                    connectionsLost);
        }
        List<Histogram> windows = new ArrayList<>(timeline.size());
        for (Histogram h : timeline) {
            windows.add(h == null ? null : h.copy());
        }
        return new Snapshot(sent, sendDropped, delivered, peerReceived, peerDropped, stale, invalid, connectionsLost,
                rtt.copy(), rttCorrected.copy(), windows);
    }

    /**
     * One echo of this epoch came back at {@code nowNanos}: its RTT from the actual send ({@link #rtt}) and from the
     * intended send ({@link #rttCorrected}, and the timeline window of the intended send time).
     */
    void recordRtt(long nowNanos, long sentNanos, long intendedNanos) {
        Histograms.record(rtt, nowNanos - sentNanos);
        long corrected = nowNanos - Math.min(sentNanos, intendedNanos);
        Histograms.record(rttCorrected, corrected);
        if (timelineNanos > 0) {
            long w = Math.max(0, intendedNanos - rateStartNanos) / timelineNanos;
            int i = (int) Math.min(w, MAX_WINDOWS - 1);
            while (timeline.size() <= i) {
                timeline.add(null);
            }
            Histogram h = timeline.get(i);
            if (h == null) {
                h = Histograms.window(); // once per window, not per probe
                timeline.set(i, h);
            }
            Histograms.record(h, corrected);
        }
    }

    /** Most probes one tick sends while catching up after a stall: this long's worth of the rate. */
    static final long CATCH_UP_NANOS = 10_000_000;

    /**
     * Probes to send on a tick {@code elapsedNanos} after the schedule began, when {@code scheduled} have been
     * sent (or dropped) so far: those that fell due, at most {@link #CATCH_UP_NANOS} worth. The rest stays due
     * (nothing is skipped), so the next ticks send it, and its RTT counts from when it was due.
     */
    static long dueNow(long elapsedNanos, double perNanos, long scheduled) {
        long due = (long) (elapsedNanos * perNanos) - scheduled;
        long cap = Math.max(1, (long) (perNanos * CATCH_UP_NANOS));
        return Math.max(0, Math.min(due, cap));
    }

    /**
     * Intended send time of probe {@code k} (0-based) of a schedule that began at {@code startNanos} with
     * {@code perNanos} probes per nanosecond and a tick of {@code tickNanos}: probe {@code k} is due at
     * {@code start + ceil((k + 1) / perNanos)}, and an on-time ticker sends it at the first tick at or after that.
     */
    static long intendedNanos(long startNanos, double perNanos, long tickNanos, long k) {
        long due = (long) Math.ceil((k + 1) / perNanos);
        long ticks = (due + tickNanos - 1) / tickNanos;
        return startNanos + ticks * tickNanos;
    }

    /** When this epoch's schedule (and timeline) began (System.nanoTime). */
    long scheduleStartNanos() {
        return rateStartNanos;
    }

    /** True while this worker may send one more probe (sending and within the packet budget). */
    boolean maySend() {
        return sending && sent < sendBudget;
    }

    void markDirty(ClientAllocation a) {
        dirty.add(a);
    }

    void flushDirty() {
        for (int i = 0, n = dirty.size(); i < n; i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    /**
     * Fixed-rate pacing: sends the probes due since the epoch started, round-robin over ready allocations, each
     * stamped with its intended send time (see the class comment).
     */
    private void rateTick() {
        if (!sending) {
            return;
        }
        long now = System.nanoTime();
        double perNanos = settings.ratePps() / (double) settings.threads() / 1e9;
        long tickNanos = settings.tickMicros() * 1000;
        long due = dueNow(now - rateStartNanos, perNanos, rateSent);
        int n = ready.size();
        if (n == 0) {
            return;
        }
        if (nextReady >= n) {
            nextReady = 0; // allocations were retired (soak churn)
        }
        for (long i = 0; i < due && maySend(); i++) {
            ClientAllocation a = ready.get(nextReady);
            nextReady = nextReady + 1 == n ? 0 : nextReady + 1;
            long intended = Math.min(now, intendedNanos(rateStartNanos, perNanos, tickNanos, rateSent));
            a.sendProbe(now, intended);
            rateSent++;
        }
        flushDirty();
    }

    /** Keeps the allocations, permissions and channel bindings of long runs alive. */
    private void refreshTick() {
        long now = System.nanoTime();
        int started = 0;
        for (int i = 0, n = ready.size(); i < n && started < REFRESHES_PER_SECOND; i++) {
            ClientAllocation a = ready.get(i);
            if (now - a.refreshedAtNanos > REFRESH_AFTER_NANOS) {
                a.refreshedAtNanos = now;
                a.refresh((alloc, ok) -> { });
                started++;
            }
        }
    }

    /** As-fast-as-possible mode: refills allocations whose in-flight probes were all lost. */
    private void stallTick() {
        if (!sending) {
            return;
        }
        long now = System.nanoTime();
        long timeout = TimeUnit.MILLISECONDS.toNanos(settings.lossTimeoutMillis());
        for (int i = 0, n = ready.size(); i < n; i++) {
            ready.get(i).refillIfStalled(now, timeout);
        }
        flushDirty();
    }
}
