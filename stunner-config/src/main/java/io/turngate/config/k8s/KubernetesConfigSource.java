package io.turngate.config.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.render.RenderOptions;
import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Gateway API objects of a live cluster as a config source: fabric8 informers on GatewayClass, Gateway,
 * GatewayConfig, UDPRoute ({@code stunner.l7mp.io/v1}, and {@code gateway.networking.k8s.io/v1alpha2} when its CRD
 * is installed), StaticService, Dataplane (when installed), Service, EndpointSlice and Node, and on the referenced
 * Secrets one by one (no cluster-wide Secret watch). Their cache is read into the same
 * {@link GatewayResources} model a manifest file gives ({@link GatewayResources#fromCluster}), rendered by the same
 * renderer and the same Gateway selection ({@link ConfigSources#render}), so files and clusters render alike.
 *
 * <ul>
 *   <li><b>Selection.</b> A dataplane serves one Gateway (the operator renders one config per Gateway in managed
 *       mode): the one {@link Options#gateway()} names, else the only one of a STUNner class (in
 *       {@link Options#namespace()} when set); with several and no choice the render is rejected with the
 *       choices.</li>
 *   <li><b>Debounce.</b> A change schedules one render {@link Options#debounce()} later (the operator throttles its
 *       renders at 250 ms), so a burst of EndpointSlice updates is one reconcile. A render whose config equals the
 *       last one delivered is not delivered again.</li>
 *   <li><b>Bad objects.</b> An object that does not read is left out with a warning and the rest renders; a Gateway
 *       that does not render (a missing Secret, no Gateway any more) is {@link Listener#rejected rejected} once per
 *       distinct set of problems and the running config keeps serving (stunnerd, too, ignores a deleted Gateway's
 *       zero config).</li>
 *   <li><b>Outages.</b> When the API server cannot be reached the informers reconnect with back-off, the running
 *       config keeps serving, the outage is reported once through {@link Listener#trouble} and shows in
 *       {@link #degraded()} until every informer watches again; the changes made meanwhile arrive as the watches
 *       resume (from the last resourceVersion, or by a re-list after a 410) and are rendered. A 403 is logged with
 *       the verb and the resource.</li>
 * </ul>
 *
 * <p>Threading: {@link #load} on the caller's thread; renders and every {@link Listener} call on the source's one
 * thread ({@code turngate-k8s-source}); informers call in from fabric8's threads only to schedule a render.
 */
public final class KubernetesConfigSource implements ConfigSource {
    private static final System.Logger LOG = System.getLogger(KubernetesConfigSource.class.getName());
    /** Where objects come from, in messages: {@code kubernetes: udproute ns/name: ...}. */
    static final String WHERE = "kubernetes";

    /**
     * How to reach the cluster and what to serve.
     *
     * @param kubeconfig        kubeconfig file ({@code --kubeconfig}), or {@code null} for the in-cluster config
     *                          (service account), else {@code $KUBECONFIG} / {@code ~/.kube/config}
     * @param context           kubeconfig context ({@code --context}), or {@code null} for the current one
     * @param namespace         only Gateways in this namespace are candidates ({@code --namespace}), or {@code null}
     * @param gateway           the Gateway to serve ({@code --gateway ns/name}, a bare name is looked up in
     *                          {@code namespace}), or {@code null} for the only candidate
     * @param env               environment for {@code $STUNNER_ADDR} etc.
     * @param renderOptions     the operator switches
     * @param debounce          how long after a change the render runs (the operator's throttle: 250 ms)
     * @param syncTimeout       how long {@link #load} waits for the informers' first list
     * @param reconnectInterval the informers' first back-off step after a lost connection (fabric8 doubles it up to
     *                          32 times that)
     */
    public record Options(Path kubeconfig, String context, String namespace, String gateway, Map<String, String> env,
                          RenderOptions renderOptions, Duration debounce, Duration syncTimeout,
                          Duration reconnectInterval) {
        /** The operator's render throttle. */
        public static final Duration DEBOUNCE_DEFAULT = Duration.ofMillis(250);
        /** Default wait for the first list of every informer. */
        public static final Duration SYNC_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
        /** fabric8's default first reconnect step. */
        public static final Duration RECONNECT_INTERVAL_DEFAULT = Duration.ofSeconds(1);

        public Options {
            namespace = blankToNull(namespace);
            gateway = blankToNull(gateway);
            context = blankToNull(context);
            env = env == null ? Map.of() : Map.copyOf(env);
            renderOptions = renderOptions == null ? RenderOptions.DEFAULT : renderOptions;
            debounce = debounce == null ? DEBOUNCE_DEFAULT : debounce;
            syncTimeout = syncTimeout == null ? SYNC_TIMEOUT_DEFAULT : syncTimeout;
            reconnectInterval = reconnectInterval == null ? RECONNECT_INTERVAL_DEFAULT : reconnectInterval;
        }

        /** In-cluster (or default kubeconfig), every namespace, the only Gateway, the operator's defaults. */
        public static Options defaults() {
            return new Options(null, null, null, null, Map.of(), null, null, null, null);
        }

        public Options withKubeconfig(Path file, String contextName) {
            return new Options(file, contextName, namespace, gateway, env, renderOptions, debounce, syncTimeout,
                    reconnectInterval);
        }

        public Options withSelection(String gatewayNamespace, String gatewaySelector) {
            return new Options(kubeconfig, context, gatewayNamespace, gatewaySelector, env, renderOptions, debounce,
                    syncTimeout, reconnectInterval);
        }

        public Options withEnv(Map<String, String> environment) {
            return new Options(kubeconfig, context, namespace, gateway, environment, renderOptions, debounce,
                    syncTimeout, reconnectInterval);
        }

        public Options withRenderOptions(RenderOptions options) {
            return new Options(kubeconfig, context, namespace, gateway, env, options, debounce, syncTimeout,
                    reconnectInterval);
        }

        public Options withTimings(Duration debounceAfter, Duration syncWait, Duration reconnectStep) {
            return new Options(kubeconfig, context, namespace, gateway, env, renderOptions, debounceAfter, syncWait,
                    reconnectStep);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final Options options;
    private final String api;
    private final ApiHealth health;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean renderPending = new AtomicBoolean();
    private final AtomicLong renders = new AtomicLong();
    private final ObjectCache cache;

    /** Guarded by {@code this}. */
    private final Map<WatchedKind, SharedIndexInformer<GenericKubernetesResource>> informers = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> secretInformers = new TreeMap<>();
    private boolean started;
    private volatile boolean closed;
    private volatile GatewayResources lastResources;
    /** Told about every snapshot that was rendered (the status publisher); on the source's thread. */
    private volatile java.util.function.Consumer<GatewayResources> renderedHook = res -> { };

    /** Set on the executor by {@link #watch}; read by informer threads to know whether to schedule renders. */
    private volatile Listener listener;
    /** Guarded by {@link #delivery}: what the listener (or {@link #load}'s caller) was last given. */
    private final Object delivery = new Object();
    private ConfigSources.Loaded lastDelivered;
    private List<String> lastRejection;
    private final Set<String> warningsSeen = new HashSet<>();

    private KubernetesConfigSource(KubernetesClient client, boolean ownsClient, Options options) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.options = Objects.requireNonNull(options, "options");
        this.api = "Kubernetes API " + client.getMasterUrl();
        this.health = new ApiHealth(api, System::currentTimeMillis);
        this.cache = new ObjectCache(client);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turngate-k8s-source");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the cluster {@code options} names: {@link Options#kubeconfig()} with {@link Options#context()},
     * else the in-cluster service account, else {@code $KUBECONFIG} or {@code ~/.kube/config}. No request is made
     * until {@link #load} or {@link #watch}; the client is closed with the source.
     *
     * @throws ConfigException when the kubeconfig cannot be read or names no such context
     */
    public static KubernetesConfigSource connect(Options options) throws ConfigException {
        Config config;
        try {
            if (options.kubeconfig() != null) {
                String text = Files.readString(options.kubeconfig(), StandardCharsets.UTF_8);
                config = Config.fromKubeconfig(options.context(), text, options.kubeconfig().toString());
            } else {
                config = Config.autoConfigure(options.context());
            }
        } catch (IOException e) {
            throw new ConfigException("--kubeconfig " + options.kubeconfig() + ": cannot read: " + e.getMessage());
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new ConfigException((options.kubeconfig() == null ? "kubernetes config" : "--kubeconfig "
                    + options.kubeconfig()) + (options.context() == null ? "" : ", context " + options.context())
                    + ": " + e.getMessage());
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new ConfigException("no Kubernetes API server found (expected: running in a pod with a service"
                    + " account, --kubeconfig FILE, or $KUBECONFIG)");
        }
        config.setWatchReconnectInterval((int) Math.max(1, options.reconnectInterval().toMillis()));
        config.setWatchReconnectLimit(-1);
        // the informers retry for themselves; fabric8's own retries of one request (10 by default, doubling from
        // 100 ms) would only delay noticing an outage by minutes
        config.setRequestRetryBackoffLimit(1);
        return new KubernetesConfigSource(new KubernetesClientBuilder().withConfig(config).build(), true, options);
    }

    /**
     * A source on a client the caller owns (tests, a status writer sharing the connection); {@link #close} leaves
     * the client open. The client's own reconnect settings apply.
     */
    public static KubernetesConfigSource using(KubernetesClient client, Options options) {
        return new KubernetesConfigSource(client, false, options);
    }

    @Override
    public String describe() {
        String what = options.gateway() != null ? "gateway " + options.gateway()
                + (options.namespace() != null && !options.gateway().contains("/") ? " in namespace "
                + options.namespace() : "")
                : options.namespace() != null ? "the Gateway in namespace " + options.namespace() : "the only Gateway";
        return api + " (" + what + ")";
    }

    /** The client the informers use (a status writer may share it). */
    public KubernetesClient client() {
        return client;
    }

    /**
     * Runs {@code hook} with every cluster snapshot this source renders from (the status write-back computes the
     * objects' statuses from the same snapshot). Called on the source's thread; keep it short.
     */
    public void onRendered(java.util.function.Consumer<GatewayResources> hook) {
        this.renderedHook = hook == null ? res -> { } : hook;
    }

    /** The options this source was made with. */
    public Options options() {
        return options;
    }

    /** The resources of the last render, or empty before the first; for status computation. */
    public Optional<GatewayResources> lastResources() {
        return Optional.ofNullable(lastResources);
    }

    /** Whether {@code kind} is watched (an optional kind only when the API server serves it). */
    synchronized boolean watchesForTests(WatchedKind kind) {
        return informers.containsKey(kind);
    }

    /** The informers that do not watch right now (listed but the watch not yet, or no longer, established). */
    List<String> notWatchingForTests() {
        return watched().stream().filter(w -> !w.informer().isWatching()).map(Watched::what).toList();
    }

    /** Renders run so far (loads included). */
    long renderCount() {
        return renders.get();
    }

    @Override
    public Optional<String> degraded() {
        return health.degraded();
    }

    /**
     * Starts the informers if needed, waits (at most {@link Options#syncTimeout()}) for their first list, and
     * renders the selected Gateway once.
     *
     * @throws ConfigException when the cluster cannot be listed in time (each kind that did not sync, with its
     *                         error), or the Gateway does not render (every problem, or the choices)
     */
    @Override
    public ConfigSources.Loaded load() throws ConfigException {
        startInformers();
        awaitSynced();
        Render r = render();
        if (r.problems != null) {
            throw r.problems;
        }
        synchronized (delivery) {
            lastDelivered = r.loaded;
            warningsSeen.addAll(r.loaded.warnings());
        }
        return r.loaded;
    }

    @Override
    public void watch(Listener l) {
        Objects.requireNonNull(l, "listener");
        startInformers();
        executor.execute(() -> {
            listener = l;
            reconcile();
        });
        executor.scheduleWithFixedDelay(this::checkHealth, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            informers.values().forEach(SharedIndexInformer::stop);
            secretInformers.values().forEach(SharedIndexInformer::stop);
            informers.clear();
            secretInformers.clear();
        }
        if (ownsClient) {
            client.close();
        }
    }

    // ---- informers -------------------------------------------------------------------------------------------

    private synchronized void startInformers() {
        if (started || closed) {
            return;
        }
        started = true;
        Set<WatchedKind> served = servedOptionalKinds();
        for (WatchedKind k : WatchedKind.ALL) {
            if (!k.optional() || served.contains(k)) {
                informers.put(k, start(k, null, null));
            }
        }
    }

    /** The optional kinds the API server serves now (discovery); none when discovery fails. */
    private Set<WatchedKind> servedOptionalKinds() {
        Set<WatchedKind> out = new HashSet<>();
        for (WatchedKind k : WatchedKind.ALL) {
            if (!k.optional()) {
                continue;
            }
            try {
                APIResourceList list = client.getApiResources(k.apiVersion());
                if (list != null && list.getResources() != null) {
                    for (APIResource r : list.getResources()) {
                        if (k.plural().equals(r.getName())) {
                            out.add(k);
                        }
                    }
                }
            } catch (KubernetesClientException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: discovery of {1} failed: {2}", api, k, e.getMessage());
            }
        }
        return out;
    }

    /** Starts one informer: a whole kind, or one Secret ({@code namespace/name}). */
    private SharedIndexInformer<GenericKubernetesResource> start(WatchedKind k, String namespace, String name) {
        String what = what(k, namespace, name);
        SharedIndexInformer<GenericKubernetesResource> inf;
        if (name != null) {
            inf = client.genericKubernetesResources(k.context()).inNamespace(namespace).withName(name)
                    .runnableInformer(0);
        } else if (k.namespaced()) {
            inf = client.genericKubernetesResources(k.context()).inAnyNamespace().runnableInformer(0);
        } else {
            inf = client.genericKubernetesResources(k.context()).runnableInformer(0);
        }
        inf.exceptionHandler((isStarted, t) -> {
            if (!closed) {
                health.failed(what, t).ifPresent(this::reportTrouble);
            }
            return true; // keep retrying with back-off: the API may come back, RBAC may be fixed
        });
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                changed();
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                if (!Objects.equals(resourceVersion(oldObj), resourceVersion(newObj))) {
                    changed();
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                changed();
            }
        });
        inf.start();
        return inf;
    }

    private static String resourceVersion(GenericKubernetesResource r) {
        return r == null || r.getMetadata() == null ? null : r.getMetadata().getResourceVersion();
    }

    /** Waits for every informer's first list; a problem naming each one that did not list in time. */
    private void awaitSynced() throws ConfigException {
        long deadline = System.nanoTime() + options.syncTimeout().toNanos();
        List<String> late = new ArrayList<>();
        Map<String, SharedIndexInformer<GenericKubernetesResource>> all = new LinkedHashMap<>();
        synchronized (this) {
            informers.forEach((k, inf) -> all.put(k.resource(), inf));
            secretInformers.forEach((s, inf) -> all.put("secret " + s, inf));
        }
        for (Map.Entry<String, SharedIndexInformer<GenericKubernetesResource>> e : all.entrySet()) {
            if (!awaitSynced(e.getValue(), deadline)) {
                late.add(e.getKey());
            }
        }
        if (!late.isEmpty()) {
            if (health.degraded().isEmpty()) {
                Watched w = watched().stream().filter(x -> !x.informer().hasSynced()).findFirst().orElse(null);
                if (w != null) {
                    health.failed(w.what(), probe(w)).ifPresent(m -> LOG.log(System.Logger.Level.WARNING, "{0}", m));
                }
            }
            throw new ConfigException(api + ": not listed within " + options.syncTimeout().toSeconds() + " s: "
                    + String.join(", ", late) + health.degraded().map(d -> " (" + d + ")").orElse(""));
        }
    }

    private static boolean awaitSynced(SharedIndexInformer<?> inf, long deadlineNanos) {
        while (!inf.hasSynced()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Watches exactly the Secrets in {@code wanted} ({@code ns/name}); new ones are waited for (at most a few
     * seconds) so that the render that needs them sees them.
     *
     * @return whether a Secret informer was added
     */
    private boolean watchSecrets(Set<String> wanted) {
        List<SharedIndexInformer<GenericKubernetesResource>> added = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return false;
            }
            for (String s : new ArrayList<>(secretInformers.keySet())) {
                if (!wanted.contains(s)) {
                    secretInformers.remove(s).stop();
                }
            }
            for (String s : wanted) {
                if (!secretInformers.containsKey(s)) {
                    int slash = s.indexOf('/');
                    SharedIndexInformer<GenericKubernetesResource> inf = start(WatchedKind.SECRET,
                            s.substring(0, slash), s.substring(slash + 1));
                    secretInformers.put(s, inf);
                    added.add(inf);
                }
            }
        }
        long deadline = System.nanoTime() + Math.min(options.syncTimeout().toNanos(), TimeUnit.SECONDS.toNanos(5));
        for (SharedIndexInformer<GenericKubernetesResource> inf : added) {
            awaitSynced(inf, deadline);
        }
        return !added.isEmpty();
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    /** The outcome of one render: a config, or the problems. */
    private record Render(ConfigSources.Loaded loaded, ConfigException problems) {
    }

    /** An informer saw a change: one render after the debounce delay, however many changes arrive meanwhile. */
    private void changed() {
        if (closed || listener == null) { // before watch(), load() renders by itself
            return;
        }
        if (renderPending.compareAndSet(false, true)) {
            try {
                executor.schedule(this::reconcile, options.debounce().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    /** On the executor: render and deliver what changed. */
    private void reconcile() {
        renderPending.set(false); // a change from now on schedules the next render
        if (closed || listener == null) {
            return;
        }
        Render r;
        try {
            r = render();
        } catch (RuntimeException e) { // a render must never kill the source's thread
            LOG.log(System.Logger.Level.ERROR, api + ": render failed", e);
            return;
        }
        deliver(r);
    }

    /** Snapshot of the cache → resources → the selected Gateway's config. */
    private Render render() {
        renders.incrementAndGet();
        GatewayResources res = snapshot();
        if (watchSecrets(SecretRefs.of(res, options.gateway(), options.namespace()))) {
            res = snapshot();
        }
        lastResources = res;
        try {
            renderedHook.accept(res);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, api + ": after-render hook failed", e);
        }
        try {
            return new Render(ConfigSources.render(res, options.env(), options.gateway(), options.namespace(),
                    options.renderOptions()), null);
        } catch (ConfigException e) {
            return new Render(null, e);
        }
    }

    private GatewayResources snapshot() {
        List<SharedIndexInformer<GenericKubernetesResource>> all = new ArrayList<>();
        Map<SharedIndexInformer<GenericKubernetesResource>, WatchedKind> kinds = new LinkedHashMap<>();
        synchronized (this) {
            informers.forEach((k, inf) -> {
                all.add(inf);
                kinds.put(inf, k);
            });
            secretInformers.values().forEach(inf -> {
                all.add(inf);
                kinds.put(inf, WatchedKind.SECRET);
            });
        }
        List<JsonNode> objects = new ArrayList<>();
        for (SharedIndexInformer<GenericKubernetesResource> inf : all) {
            WatchedKind k = kinds.get(inf);
            List<GenericKubernetesResource> items = new ArrayList<>(inf.getStore().list());
            items.sort(Comparator.comparing(KubernetesConfigSource::sortKey));
            for (GenericKubernetesResource r : items) {
                objects.add(cache.json(k, r));
            }
        }
        cache.retainSeen();
        return GatewayResources.fromCluster(objects, WHERE);
    }

    private static String sortKey(GenericKubernetesResource r) {
        return r.getMetadata() == null ? "" : Objects.toString(r.getMetadata().getNamespace(), "") + "/"
                + Objects.toString(r.getMetadata().getName(), "");
    }

    /** On the executor: a changed config goes to the listener; an unchanged one only logs new warnings. */
    private void deliver(Render r) {
        Listener l = listener;
        if (closed || l == null) {
            return;
        }
        boolean report;
        synchronized (delivery) {
            if (r.problems != null) {
                report = !r.problems.problems().equals(lastRejection);
                lastRejection = r.problems.problems();
            } else {
                lastRejection = null;
                report = lastDelivered == null || !lastDelivered.config().equals(r.loaded.config());
                if (report) {
                    lastDelivered = r.loaded;
                    warningsSeen.addAll(r.loaded.warnings());
                } else {
                    for (String w : r.loaded.warnings()) {
                        if (warningsSeen.add(w)) {
                            LOG.log(System.Logger.Level.WARNING, "{0}", w);
                        }
                    }
                }
            }
        }
        if (!report) {
            return;
        }
        if (r.problems != null) {
            l.rejected(r.problems);
        } else {
            l.loaded(r.loaded);
        }
    }

    private void reportTrouble(String message) {
        try {
            executor.execute(() -> {
                if (!closed && listener != null) {
                    listener.trouble(message);
                } else if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "{0}", message);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** How long an informer may be without a watch before the connection counts as lost (a watch's routine
     *  restart, every 5 to 10 minutes, takes about one reconnect step). */
    static final long LOST_AFTER_MILLIS = 3000;

    /** One informer, for health checks: what it watches and how to probe it. */
    private record Watched(String what, WatchedKind kind, String namespace, String name,
                           SharedIndexInformer<GenericKubernetesResource> informer) {
    }

    /** Executor-confined: since when (nanoTime) each informer, by what it watches, has had no watch. */
    private final Map<String, Long> notWatchingSince = new java.util.HashMap<>();

    private synchronized List<Watched> watched() {
        List<Watched> out = new ArrayList<>();
        informers.forEach((k, inf) -> out.add(new Watched(what(k, null, null), k, null, null, inf)));
        secretInformers.forEach((s, inf) -> {
            int slash = s.indexOf('/');
            String ns = s.substring(0, slash);
            String name = s.substring(slash + 1);
            out.add(new Watched(what(WatchedKind.SECRET, ns, name), WatchedKind.SECRET, ns, name, inf));
        });
        return out;
    }

    private static String what(WatchedKind k, String namespace, String name) {
        return name == null ? k.resource() + (k.namespaced() ? " (all namespaces)" : "")
                : "secret " + namespace + "/" + name;
    }

    /**
     * Every second, on the executor. fabric8 re-establishes a lost watch by itself (from the last resourceVersion,
     * with back-off, forever) without telling the informer's exception handler, so a lost connection shows only as
     * an informer that does not watch: after {@link #LOST_AFTER_MILLIS} the API is probed once for the cause and the
     * outage reported. It ends once every informer watches again; the changes made meanwhile arrive as the watches
     * resume (or by a re-list when the API server has compacted them away), and a render follows.
     */
    private void checkHealth() {
        if (closed) {
            return;
        }
        List<Watched> all = watched();
        long now = System.nanoTime();
        Watched lost = null;
        boolean allWatching = true;
        Set<String> present = new HashSet<>();
        for (Watched w : all) {
            present.add(w.what());
            if (w.informer().isWatching()) {
                notWatchingSince.remove(w.what());
                continue;
            }
            allWatching = false;
            long since = notWatchingSince.computeIfAbsent(w.what(), x -> now);
            if (lost == null && now - since >= TimeUnit.MILLISECONDS.toNanos(LOST_AFTER_MILLIS)) {
                lost = w;
            }
        }
        notWatchingSince.keySet().retainAll(present);
        if (lost != null && health.degraded().isEmpty()) {
            Listener l = listener;
            Optional<String> m = health.failed(lost.what(), probe(lost));
            if (m.isPresent() && l != null && !closed) {
                l.trouble(m.get());
            }
        }
        if (allWatching && health.degraded().isPresent()) {
            health.recovered().ifPresent(m -> LOG.log(System.Logger.Level.INFO, "{0}", m));
            addNewlyServedKinds();
            reconcile();
        }
    }

    /** Why {@code w} cannot watch: the error of a one-item list of the same objects, or {@link ApiHealth.WatchLost}. */
    private Throwable probe(Watched w) {
        ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
        try {
            var op = client.genericKubernetesResources(w.kind().context());
            if (w.name() != null) {
                op.inNamespace(w.namespace()).withField("metadata.name", w.name()).list(one);
            } else if (w.kind().namespaced()) {
                op.inAnyNamespace().list(one);
            } else {
                op.list(one);
            }
            return new ApiHealth.WatchLost();
        } catch (KubernetesClientException e) {
            return e;
        }
    }

    /** After an outage: an optional CRD installed meanwhile is watched from now on. */
    private void addNewlyServedKinds() {
        Set<WatchedKind> served = servedOptionalKinds();
        synchronized (this) {
            for (WatchedKind k : served) {
                if (!informers.containsKey(k) && !closed) {
                    informers.put(k, start(k, null, null));
                }
            }
        }
    }

    /** Converted objects, kept while their resourceVersion stays, so a render converts only what changed. */
    private static final class ObjectCache {
        private final KubernetesClient client;
        private final Map<String, Entry> byKey = new java.util.HashMap<>();
        private final Set<String> seen = new HashSet<>();

        private record Entry(String resourceVersion, JsonNode json) {
        }

        ObjectCache(KubernetesClient client) {
            this.client = client;
        }

        /** The object as JSON, with the apiVersion and kind it was served under (list items may omit them). */
        synchronized JsonNode json(WatchedKind k, GenericKubernetesResource r) {
            String key = k + " " + sortKey(r);
            seen.add(key);
            String rv = resourceVersion(r);
            Entry e = byKey.get(key);
            if (e != null && rv != null && rv.equals(e.resourceVersion)) {
                return e.json;
            }
            ObjectNode n = client.getKubernetesSerialization().convertValue(r, ObjectNode.class);
            n.put("apiVersion", k.apiVersion());
            n.put("kind", k.kind());
            byKey.put(key, new Entry(rv, n));
            return n;
        }

        synchronized void retainSeen() {
            byKey.keySet().retainAll(seen);
            seen.clear();
        }
    }

}
