package io.turngate.config.k8s.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.turngate.config.render.RenderResult;
import io.turngate.config.render.RenderStatus;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the statuses of each render back to the cluster, as STUNner's operator does, from one replica only: every
 * replica calls {@link #publish} after each render, and the one holding the {@code coordination.k8s.io/v1} Lease
 * (fabric8's {@code LeaderElector} over a {@link LeaseLock}) writes; the others only keep the latest status, so the
 * replica that takes over writes it at once. Serving traffic never depends on it.
 *
 * <p>Use, from a Kubernetes config source:
 * <pre>{@code
 * KubernetesStatusPublisher status = new KubernetesStatusPublisher(client, podNamespace,
 *         KubernetesStatusPublisher.defaultIdentity());
 * status.start();                               // joins the leader election
 * ...
 * RenderResult r = renderer.renderWithStatus(resources);   // after each (debounced) render
 * status.publish(r);                            // returns at once; the leader writes in the background
 * ...
 * status.close();                               // on shutdown: releases the Lease, so another replica takes over
 * }</pre>
 *
 * <p>Writes ({@link StatusWriter}) go to the status subresources only and only where the status changed;
 * publishing the same status twice writes nothing the second time. A burst of publishes is coalesced: only the
 * latest status is written. A write that fails for a transient reason is retried with back-off (1 s doubling to
 * {@link Options#retryBackoffMax()}) until a newer status replaces it; an RBAC denial is reported and waits for the
 * next publish. Leadership changes and problems go to the {@link StatusListener}.
 *
 * <p>RBAC the service account needs: {@code update} on {@code gatewayclasses/status},
 * {@code gateways/status} ({@code gateway.networking.k8s.io}), {@code udproutes/status} (both
 * {@code stunner.l7mp.io} and {@code gateway.networking.k8s.io}), {@code get} on the objects themselves, and
 * {@code get}, {@code create}, {@code update} on {@code leases} ({@code coordination.k8s.io}) in the lease namespace.
 *
 * <p>Threading: {@link #publish} may be called from any thread; writes run on one daemon thread
 * ({@code turngate-status}), leader election on fabric8's executor. {@link #start} and {@link #close} once each.
 */
public final class KubernetesStatusPublisher implements AutoCloseable {
    /** Default name of the Lease that elects the writer. */
    public static final String DEFAULT_LEASE_NAME = "turngate-status";

    /**
     * Settings.
     *
     * @param leaseNamespace  namespace of the Lease (the pods' own, usually)
     * @param leaseName       name of the Lease ({@link #DEFAULT_LEASE_NAME})
     * @param identity        this replica's identity in the Lease (the pod name, {@link #defaultIdentity()})
     * @param leaseDuration   how long a Lease holds without renewal (default 15 s, as client-go)
     * @param renewDeadline   how long the leader keeps trying to renew before it gives up (default 10 s)
     * @param retryPeriod     how often candidates try to acquire and the leader renews (default 2 s)
     * @param retryBackoffMax longest wait between retries of a failed write (default 30 s)
     */
    public record Options(String leaseNamespace, String leaseName, String identity, Duration leaseDuration,
                          Duration renewDeadline, Duration retryPeriod, Duration retryBackoffMax) {
        public Options {
            Objects.requireNonNull(leaseNamespace, "leaseNamespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
            if (leaseNamespace.isEmpty() || leaseName.isEmpty() || identity.isEmpty()) {
                throw new IllegalArgumentException("lease namespace, lease name and identity must not be empty");
            }
            if (leaseDuration.compareTo(renewDeadline) <= 0 || renewDeadline.compareTo(retryPeriod) <= 0) {
                throw new IllegalArgumentException("expected: leaseDuration (" + leaseDuration + ") > renewDeadline ("
                        + renewDeadline + ") > retryPeriod (" + retryPeriod + ")");
            }
        }

        /** The defaults for {@code leaseNamespace} and {@code identity}. */
        public static Options defaults(String leaseNamespace, String identity) {
            return new Options(leaseNamespace, DEFAULT_LEASE_NAME, identity, Duration.ofSeconds(15),
                    Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(30));
        }

        public Options withLeaseName(String name) {
            return new Options(leaseNamespace, name, identity, leaseDuration, renewDeadline, retryPeriod,
                    retryBackoffMax);
        }

        /** Other election timings (tests use short ones). */
        public Options withTimings(Duration lease, Duration renew, Duration retry) {
            return new Options(leaseNamespace, leaseName, identity, lease, renew, retry, retryBackoffMax);
        }

        public Options withRetryBackoffMax(Duration max) {
            return new Options(leaseNamespace, leaseName, identity, leaseDuration, renewDeadline, retryPeriod, max);
        }
    }

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final Options options;
    private final StatusListener listener;
    private final StatusWriter writer;
    private final ScheduledExecutorService executor;
    private final AtomicReference<RenderStatus> latest = new AtomicReference<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean leader;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;
    /** Publishes so far, and the publish the last completed write attempt covered (written on the writer thread). */
    private final AtomicLong published = new AtomicLong();
    private volatile long attempted;
    private Duration backoff = FIRST_BACKOFF;

    /** A publisher with {@link Options#defaults} and {@link StatusListener#LOGGING}. */
    public KubernetesStatusPublisher(KubernetesClient client, String leaseNamespace, String identity) {
        this(client, Options.defaults(leaseNamespace, identity), null);
    }

    /** A publisher with the given options, reporting to {@code listener} ({@code null} = {@link StatusListener#LOGGING}). */
    public KubernetesStatusPublisher(KubernetesClient client, Options options, StatusListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = listener == null ? StatusListener.LOGGING : listener;
        this.writer = new StatusWriter(client, this.listener);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turngate-status");
            t.setDaemon(true);
            return t;
        });
    }

    /** The pod name from {@code POD_NAME}, else {@code HOSTNAME} (a pod's name), else a random one. */
    public static String defaultIdentity() {
        for (String v : new String[] {"POD_NAME", "HOSTNAME"}) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) {
                return s.trim();
            }
        }
        return "turngate-" + UUID.randomUUID();
    }

    /** This replica's identity in the Lease. */
    public String identity() {
        return options.identity();
    }

    /** True while this replica holds the Lease (and so writes status). */
    public boolean isLeader() {
        return leader;
    }

    /** Joins the leader election. */
    public void start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (started.compareAndSet(false, true)) {
            elect();
        }
    }

    /**
     * Hands over the statuses of a render; returns at once. The leader writes them (only what changed); other
     * replicas keep them for when they become the leader.
     */
    public void publish(RenderStatus status) {
        Objects.requireNonNull(status, "status");
        if (closed) {
            return;
        }
        latest.set(status);
        published.incrementAndGet();
        queueDrain(0);
    }

    /** {@link #publish(RenderStatus)} of {@link RenderResult#status()}. */
    public void publish(RenderResult result) {
        publish(result.status());
    }

    /**
     * Waits until every status published so far has had a write attempt by this replica, or {@code timeout}
     * passes; false on timeout (also when this replica is not the leader and so never writes).
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long target = published.get();
        long end = System.nanoTime() + timeout.toNanos();
        while (attempted < target) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Leaves the election (releasing the Lease if held) and stops writing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leader = false;
        CompletableFuture<?> f = election;
        if (f != null) {
            f.cancel(true);
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- election ----------------------------------------------------------------------------------------------

    private void elect() {
        if (closed) {
            return;
        }
        LeaderElectionConfig cfg = new LeaderElectionConfigBuilder()
                .withName(options.leaseName())
                .withLock(new LeaseLock(options.leaseNamespace(), options.leaseName(), options.identity()))
                .withLeaseDuration(options.leaseDuration())
                .withRenewDeadline(options.renewDeadline())
                .withRetryPeriod(options.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                .build();
        CompletableFuture<?> f;
        try {
            f = client.leaderElector().withConfig(cfg).build().start();
        } catch (KubernetesClientException e) {
            report(e);
            retryElection();
            return;
        }
        election = f;
        // fabric8's elector ends once leadership is lost (or it cannot acquire for good): stand again
        f.whenComplete((v, t) -> {
            leader = false;
            if (t != null && !(t instanceof java.util.concurrent.CancellationException)) {
                Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause() : t;
                if (c instanceof KubernetesClientException kce) {
                    report(kce);
                } else {
                    emit(StatusEvent.Type.FAILED, null, null, null, "leader election: " + c);
                }
            }
            retryElection();
        });
    }

    private void retryElection() {
        if (closed) {
            return;
        }
        try {
            executor.schedule(this::elect, options.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void report(KubernetesClientException e) {
        String key = options.leaseNamespace() + "/" + options.leaseName();
        emit(e.getCode() == 403 ? StatusEvent.Type.FORBIDDEN : StatusEvent.Type.FAILED, "get/create/update",
                "leases.coordination.k8s.io", key, e.getMessage());
    }

    private void startedLeading() {
        if (closed) {
            return;
        }
        leader = true;
        emit(StatusEvent.Type.STARTED_LEADING, null, null, options.identity(), null);
        queueDrain(0);
    }

    private void stoppedLeading() {
        leader = false;
        emit(StatusEvent.Type.STOPPED_LEADING, null, null, options.identity(), null);
    }

    private void newLeader(String identity) {
        if (!options.identity().equals(identity)) {
            emit(StatusEvent.Type.NEW_LEADER, null, null, identity, null);
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    private void queueDrain(long delayMillis) {
        if (closed || !drainQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(() -> {
                drainQueued.set(false);
                drain();
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            drainQueued.set(false);
        }
    }

    /** Writer thread: writes the latest status if this replica leads. */
    private void drain() {
        long seq = published.get(); // before latest: publish() sets latest first, so s is at least this new
        RenderStatus s = latest.get();
        if (s == null || !leader || closed) {
            return;
        }
        StatusWriter.Report r = writer.write(s, () -> leader && !closed);
        attempted = Math.max(attempted, seq);
        if (r.failed() > 0 && leader && !closed) {
            long delay = backoff.toMillis();
            backoff = backoff.multipliedBy(2).compareTo(options.retryBackoffMax()) > 0 ? options.retryBackoffMax()
                    : backoff.multipliedBy(2);
            queueDrain(delay);
        } else {
            backoff = FIRST_BACKOFF;
        }
    }

    private void emit(StatusEvent.Type type, String verb, String resource, String object, String message) {
        try {
            listener.onEvent(new StatusEvent(type, verb, resource, object, message));
        } catch (RuntimeException e) {
            // a listener's failure must not stop the publisher
        }
    }
}
