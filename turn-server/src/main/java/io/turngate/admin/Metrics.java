package io.turngate.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.turngate.server.Counter;
import io.turngate.server.Gateway;
import io.turngate.server.ListenerStats;
import io.turngate.turn.Refusal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The Prometheus metrics of one gateway, on Micrometer's Prometheus registry.
 *
 * <p>STUNner's series with its exact names and labels (stunner-compat §1e; label values are the dataplane object
 * names, {@code direction} {@code rx} = received by the gateway): {@code stunner_allocations_active},
 * {@code stunner_listener_connections{name}} (UDP: one per socket; TCP/TLS: open connections; DTLS: open sessions),
 * {@code stunner_listener_connections_total{name}},
 * {@code stunner_listener_packets_total{name,direction}}, {@code stunner_listener_bytes_total{name,direction}},
 * {@code stunner_cluster_packets_total{name,direction}}, {@code stunner_cluster_bytes_total{name,direction}}.
 * {@code stunner_listener_connections_total} is exposed with {@code # TYPE ... untyped}: the Prometheus Java client
 * models a counter {@code x_total} as the family {@code x}, which is the gauge's name, so it cannot carry both with
 * their types; the series names, labels and values are STUNner's and PromQL ({@code rate()}) treats them alike.
 *
 * <p>turngate's own under {@code turngate_}: dropped datagrams by kind, relay drops by reason (the port-range check
 * among them), allocation events, auth challenges and failures by reason, permission refusals by refusal, other
 * request refusals, rate-limited answers, handler errors, GSO sends and segments, allocation lifetimes (histogram),
 * active allocations per listener, config changes applied and rejected; labelled by {@code listener}. Plus the JVM
 * and process metrics of Micrometer's binders and {@code process_resident_memory_bytes} (Linux).
 *
 * <p>Counting costs the relay path nothing here: every value is read at scrape time from the gateway's per-socket
 * plain counters ({@link Gateway#stats}), on the admin thread.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Gateway gateway;

    private final BooleanSupplier sourceDegraded;

    public Metrics(Gateway gateway, String version) {
        this(gateway, version, () -> false);
    }

    /** @param sourceDegraded whether the config source is degraded now ({@code turngate_config_source_degraded}) */
    public Metrics(Gateway gateway, String version, BooleanSupplier sourceDegraded) {
        this.gateway = gateway;
        this.sourceDegraded = sourceDegraded;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Path statm = Path.of("/proc/self/statm");
        if (Files.isReadable(statm)) {
            Gauge.builder("process.resident.memory", statm, Metrics::residentBytes).baseUnit("bytes")
                    .description("Resident set size (Linux /proc/self/statm)").register(registry);
        }
        Gauge.builder("turngate.build.info", () -> 1).tag("version", version)
                .description("turngate's version (always 1)").register(registry);
        registry.getPrometheusRegistry().register((MultiCollector) this::collect);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** The Prometheus text exposition (format 0.0.4) of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private static double residentBytes(Path statm) {
        try {
            String[] f = Files.readString(statm, StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096.0; // pages; 4 KiB on every Linux turngate runs on
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        List<Gateway.ListenerView> running = gateway.listenerViews();
        Map<String, ListenerStats> stats = new LinkedHashMap<>();
        for (String name : gateway.listenerNamesEver()) {
            ListenerStats s = gateway.stats(name);
            if (s != null) {
                stats.put(name, s);
            }
        }

        out.add(gauge("stunner_allocations_active", "Number of active allocations",
                List.of(point(Labels.EMPTY, gateway.allocationCount()))));
        List<GaugeSnapshot.GaugeDataPointSnapshot> sockets = new ArrayList<>();
        List<GaugeSnapshot.GaugeDataPointSnapshot> allocations = new ArrayList<>();
        for (Gateway.ListenerView l : running) {
            sockets.add(point(Labels.of("name", l.config().name()), l.connections()));
            allocations.add(point(Labels.of("listener", l.config().name()), l.allocations()));
        }
        out.add(gauge("stunner_listener_connections",
                "Number of active downstream connections at a listener (TURN-UDP: one per socket; TURN-TCP/TLS:"
                        + " connections; TURN-DTLS: sessions)",
                sockets));
        List<UnknownSnapshot.UnknownDataPointSnapshot> opened = new ArrayList<>();
        for (String name : stats.keySet()) {
            opened.add(UnknownSnapshot.UnknownDataPointSnapshot.builder().labels(Labels.of("name", name))
                    .value(gateway.socketsOpened(name)).build());
        }
        UnknownSnapshot.Builder total = UnknownSnapshot.builder().name("stunner_listener_connections_total")
                .help("Number of downstream connections at a listener (a counter)");
        opened.forEach(total::dataPoint);
        out.add(total.build());

        List<CounterSnapshot.CounterDataPointSnapshot> packets = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> bytes = new ArrayList<>();
        stats.forEach((name, s) -> {
            packets.add(count(Labels.of("name", name, "direction", "rx"), s.rxPackets()));
            packets.add(count(Labels.of("name", name, "direction", "tx"), s.txPackets()));
            bytes.add(count(Labels.of("name", name, "direction", "rx"), s.rxBytes()));
            bytes.add(count(Labels.of("name", name, "direction", "tx"), s.txBytes()));
        });
        out.add(counter("stunner_listener_packets", "Number of packets received (rx) and sent (tx) at a listener", packets));
        out.add(counter("stunner_listener_bytes", "Number of bytes received (rx) and sent (tx) at a listener", bytes));

        List<CounterSnapshot.CounterDataPointSnapshot> clusterPackets = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> clusterBytes = new ArrayList<>();
        Map<String, long[]> clusters = new java.util.TreeMap<>(gateway.clusterStats());
        io.turngate.config.v1.StunnerConfig cfg = gateway.config();
        if (cfg != null) {
            cfg.clusters().forEach(c -> clusters.putIfAbsent(c.name(), new long[4]));
        }
        clusters.forEach((name, c) -> {
            clusterPackets.add(count(Labels.of("name", name, "direction", "rx"), c[0]));
            clusterPackets.add(count(Labels.of("name", name, "direction", "tx"), c[2]));
            clusterBytes.add(count(Labels.of("name", name, "direction", "rx"), c[1]));
            clusterBytes.add(count(Labels.of("name", name, "direction", "tx"), c[3]));
        });
        out.add(counter("stunner_cluster_packets",
                "Number of packets received from (rx) and sent to (tx) the peers of a cluster", clusterPackets));
        out.add(counter("stunner_cluster_bytes",
                "Number of bytes received from (rx) and sent to (tx) the peers of a cluster", clusterBytes));

        out.add(gauge("turngate_allocations_active", "Active allocations per listener", allocations));
        addTurngateCounters(out, stats);
        addLifetimes(out, stats);
        out.add(counter("turngate_config_changes", "Config changes applied and rejected", List.of(
                count(Labels.of("result", "applied"), gateway.configsApplied()),
                count(Labels.of("result", "rejected"), gateway.configsRejected()))));
        out.add(gauge("turngate_config_source_degraded", "1 while the config source cannot follow its origin (e.g."
                + " the Kubernetes API is unreachable) and the last good config keeps serving, else 0",
                List.of(point(Labels.EMPTY, sourceDegraded.getAsBoolean() ? 1 : 0))));
        return new MetricSnapshots(out);
    }

    private static void addTurngateCounters(List<MetricSnapshot> out, Map<String, ListenerStats> stats) {
        Map<Counter.Family, List<CounterSnapshot.CounterDataPointSnapshot>> families = new EnumMap<>(Counter.Family.class);
        for (Counter c : Counter.values()) {
            List<CounterSnapshot.CounterDataPointSnapshot> points =
                    families.computeIfAbsent(c.family(), f -> new ArrayList<>());
            stats.forEach((name, s) -> points.add(count(c.family().label().isEmpty() ? Labels.of("listener", name)
                    : Labels.of("listener", name, c.family().label(), c.labelValue()), s.counter(c))));
        }
        families.forEach((f, points) -> out.add(counter(f.metric(), f.description(), points)));

        List<CounterSnapshot.CounterDataPointSnapshot> challenges = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> auth = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> permission = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> other = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> gsoSends = new ArrayList<>();
        List<CounterSnapshot.CounterDataPointSnapshot> gsoSegments = new ArrayList<>();
        stats.forEach((name, s) -> {
            for (Refusal r : Refusal.values()) {
                long n = s.refusals(r);
                switch (r.kind()) {
                    case CHALLENGE:
                        challenges.add(count(Labels.of("listener", name), n));
                        break;
                    case AUTH:
                        auth.add(count(Labels.of("listener", name, "reason", strip(r.label(), "auth_")), n));
                        break;
                    case PERMISSION:
                        permission.add(count(Labels.of("listener", name, "refusal", strip(r.label(), "peer_")), n));
                        break;
                    default:
                        other.add(count(Labels.of("listener", name, "refusal", r.label(),
                                "code", Integer.toString(r.errorCode().code())), n));
                }
            }
            gsoSends.add(count(Labels.of("listener", name), s.gsoSends()));
            gsoSegments.add(count(Labels.of("listener", name), s.gsoSegments()));
        });
        out.add(counter("turngate_auth_challenges", "401 challenges sent (requests without MESSAGE-INTEGRITY)", challenges));
        out.add(counter("turngate_auth_failures", "Requests refused on the authentication path, by reason", auth));
        out.add(counter("turngate_permission_refusals",
                "CreatePermission and ChannelBind requests refused for their peer, by refusal", permission));
        out.add(counter("turngate_request_refusals", "Other refused requests, by refusal and STUN error code", other));
        out.add(counter("turngate_gso_sends", "UDP GSO sends (several same-size datagrams in one sendmsg)", gsoSends));
        out.add(counter("turngate_gso_segments", "Datagrams carried by UDP GSO sends", gsoSegments));
    }

    private static void addLifetimes(List<MetricSnapshot> out, Map<String, ListenerStats> stats) {
        long[] bounds = ListenerStats.lifetimeBoundsSeconds();
        double[] upper = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upper[i] = bounds[i];
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
        stats.forEach((name, s) -> {
            long[] counts = new long[upper.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = s.lifetimeBucket(i);
            }
            points.add(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(Labels.of("listener", name))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts))
                    .sum(s.lifetimeSumMillis() / 1000.0).build());
        });
        HistogramSnapshot.Builder h = HistogramSnapshot.builder().name("turngate_allocation_lifetime_seconds")
                .help("Lifetimes of the allocations that went away (expired, deleted or dropped), in seconds");
        points.forEach(h::dataPoint);
        out.add(h.build());
    }

    private static String strip(String label, String prefix) {
        return label.startsWith(prefix) ? label.substring(prefix.length()) : label;
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeSnapshot.GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static CounterSnapshot.CounterDataPointSnapshot count(Labels labels, long value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterSnapshot counter(String name, String help, List<CounterSnapshot.CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }
}
