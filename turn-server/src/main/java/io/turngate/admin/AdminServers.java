package io.turngate.admin;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.HttpEndpoint;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.ice.IceAuthService;
import io.turngate.log.Logs;
import io.turngate.server.Gateway;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * turngate's admin HTTP servers, on one small event loop group of their own (never a relay event loop):
 * <ul>
 *   <li>{@code admin.healthcheck_endpoint} (default {@code http://:8086}, {@code ""} disables): {@code /live},
 *       {@code /ready}, {@code /status} with stunnerd's codes and bodies (stunner-compat §1e), and turngate's status
 *       page at {@code /};</li>
 *   <li>{@code admin.metrics_endpoint} (empty = off; the operator renders {@code http://:8080/metrics}): Prometheus
 *       metrics at the endpoint's path ({@link Metrics});</li>
 *   <li>{@code --auth-service-endpoint} (off by default): STUNner's auth service, {@code /ice} and {@code /}
 *       ({@link IceAuthService}).</li>
 * </ul>
 * Endpoints that share a host and port are served by one server. At start a health (or auth service) server that
 * cannot bind is fatal and a metrics server that cannot bind is a warning (stunnerd's rule). On a reload only a
 * server whose endpoint changed is restarted; when its new address cannot be bound the old server keeps serving and
 * the problem is reported.
 *
 * <p>Threading: {@link #start}, {@link #apply} and {@link #close} are serialised by this object's monitor.
 */
public final class AdminServers implements AutoCloseable {
    private static final Logger LOG = Logs.get("admin");
    private static final String HEALTH = "health check";
    private static final String METRICS = "metrics";
    private static final String AUTH = "auth service";

    private final Gateway gateway;
    private final Readiness readiness;
    private final HttpEndpoint authServiceEndpoint;
    private final String version;
    private final LongSupplier wallClock;
    private final long startedAtMillis;
    private final EventLoopGroup group;
    private final byte[] statusPage;
    private Metrics metrics;
    private final List<Running> running = new ArrayList<>();
    private boolean closed;
    /** Why the config source cannot follow its origin (e.g. the Kubernetes API is unreachable), if it cannot. */
    private volatile Supplier<Optional<String>> sourceDegraded = Optional::empty;

    /** One group of endpoints on the same address, and the server serving it. */
    private record Running(Group group, AdminHttpServer server) {
    }

    /** The roles ({@link #HEALTH}, ...) served on one host and port, with the metrics path. */
    private record Group(String host, int port, List<String> roles, String metricsPath) {
        String name() {
            return String.join(" + ", roles);
        }
    }

    /**
     * @param authServiceEndpoint {@code --auth-service-endpoint}, or {@code null} for none
     * @param version             turngate's version, for {@code /status} and the metrics
     */
    public AdminServers(Gateway gateway, Readiness readiness, HttpEndpoint authServiceEndpoint, String version,
                        LongSupplier wallClock) {
        this.gateway = gateway;
        this.readiness = readiness;
        this.authServiceEndpoint = authServiceEndpoint;
        this.version = version;
        this.wallClock = wallClock;
        this.startedAtMillis = wallClock.getAsLong();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("turngate-admin", true),
                NioIoHandler.newFactory());
        this.statusPage = resource("status-page.html");
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminServers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }

    /**
     * Starts the servers {@code admin} asks for, plus the auth service when configured.
     *
     * @throws AdminHttpServer.BindFailure when the health check or auth service server cannot bind (fatal, as in
     *                                     stunnerd); a metrics server that cannot bind is logged as a warning
     */
    public synchronized void start(AdminConfig admin) throws AdminHttpServer.BindFailure {
        for (Group g : groups(admin)) {
            try {
                running.add(new Running(g, bind(g)));
            } catch (AdminHttpServer.BindFailure e) {
                if (g.roles().equals(List.of(METRICS))) {
                    LOG.warn("{} (metrics disabled until a reload moves it)", e.getMessage());
                    continue;
                }
                close();
                throw e;
            }
        }
    }

    /**
     * Reconciles to a new admin config: servers whose endpoint is unchanged keep running; the others restart on
     * their new address. A new address that cannot be bound leaves the old server serving.
     *
     * @return the problems met (empty when all went well); the caller logs them
     */
    public synchronized List<String> apply(AdminConfig admin) {
        List<String> problems = new ArrayList<>();
        if (closed) {
            return problems;
        }
        List<Group> wanted = groups(admin);
        List<Running> keep = new ArrayList<>();
        List<Running> stale = new ArrayList<>();
        for (Running r : running) {
            (wanted.contains(r.group()) ? keep : stale).add(r);
        }
        for (Group g : wanted) {
            if (keep.stream().anyMatch(r -> r.group().equals(g))) {
                continue;
            }
            // A stale server on the same address must go first; otherwise the new one binds before the old closes.
            Running sameAddress = null;
            for (Running r : stale) {
                if (r.group().host().equals(g.host()) && r.group().port() == g.port()) {
                    sameAddress = r;
                }
            }
            if (sameAddress != null) {
                sameAddress.server().close();
                stale.remove(sameAddress);
            }
            try {
                keep.add(new Running(g, bind(g)));
            } catch (AdminHttpServer.BindFailure e) {
                problems.add(e.getMessage());
                if (sameAddress != null) {
                    try {
                        keep.add(new Running(sameAddress.group(), bind(sameAddress.group())));
                    } catch (AdminHttpServer.BindFailure again) {
                        problems.add("rollback: " + again.getMessage());
                    }
                } else {
                    // keep every old server that served one of this group's roles
                    for (Running r : new ArrayList<>(stale)) {
                        if (r.group().roles().stream().anyMatch(g.roles()::contains)) {
                            keep.add(r);
                            stale.remove(r);
                        }
                    }
                }
            }
        }
        for (Running r : stale) {
            r.server().close();
        }
        running.clear();
        running.addAll(keep);
        return problems;
    }

    /**
     * The config source's state ({@code ConfigSource#degraded()}): while degraded, {@code /ready}'s message ends in
     * {@code "; config source degraded: <why>"} (its status code stays as readiness decides) and the gauge
     * {@code turngate_config_source_degraded} is 1.
     */
    public void configSourceHealth(Supplier<Optional<String>> degraded) {
        this.sourceDegraded = Objects.requireNonNull(degraded, "degraded");
    }

    private HttpAnswer ready() {
        String why = sourceDegraded.get().map(d -> "; config source degraded: " + d).orElse("");
        return readiness.readyForProbes() ? HttpAnswer.status(200, "READY" + why)
                : HttpAnswer.status(503, "stunnerd not ready" + why);
    }

    /** The bound address of the server with {@code role} ("health check", "metrics", "auth service"), or null. */
    private synchronized InetSocketAddress address(String role) {
        for (Running r : running) {
            if (r.group().roles().contains(role)) {
                return r.server().localAddress();
            }
        }
        return null;
    }

    public InetSocketAddress healthAddress() {
        return address(HEALTH);
    }

    public InetSocketAddress metricsAddress() {
        return address(METRICS);
    }

    public InetSocketAddress authServiceAddress() {
        return address(AUTH);
    }

    private List<Group> groups(AdminConfig admin) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        Map<String, String> metricsPaths = new LinkedHashMap<>();
        java.util.Optional<HttpEndpoint> health = admin == null
                ? java.util.Optional.of(HttpEndpoint.parse(io.turngate.config.v1.Defaults.HEALTH_CHECK_ENDPOINT,
                        io.turngate.config.v1.Defaults.HEALTH_CHECK_PORT))
                : admin.healthCheckHttpEndpoint();
        health.ifPresent(e -> roles.computeIfAbsent(key(e), k -> new ArrayList<>()).add(HEALTH));
        if (admin != null) {
            admin.metricsHttpEndpoint().ifPresent(e -> {
                roles.computeIfAbsent(key(e), k -> new ArrayList<>()).add(METRICS);
                metricsPaths.put(key(e), e.path());
            });
        }
        if (authServiceEndpoint != null) {
            roles.computeIfAbsent(key(authServiceEndpoint), k -> new ArrayList<>()).add(AUTH);
        }
        List<Group> out = new ArrayList<>();
        roles.forEach((k, r) -> {
            int colon = k.lastIndexOf(' ');
            out.add(new Group(k.substring(0, colon), Integer.parseInt(k.substring(colon + 1)), List.copyOf(r),
                    metricsPaths.get(k)));
        });
        return out;
    }

    private static String key(HttpEndpoint e) {
        return e.host() + " " + e.port();
    }

    private AdminHttpServer bind(Group g) throws AdminHttpServer.BindFailure {
        Map<String, AdminHttpServer.Route> routes = new LinkedHashMap<>();
        if (g.roles().contains(AUTH)) {
            routes.put(IceAuthService.ICE_PATH, this::ice);
            routes.put(IceAuthService.TURN_PATH, this::ice);
        }
        if (g.roles().contains(HEALTH)) {
            routes.put("/live", AdminHttpServer.Route.now(r -> HttpAnswer.of(200, HttpAnswer.JSON, "{}\n")));
            routes.put("/ready", AdminHttpServer.Route.now(r -> ready()));
            routes.put("/status", r -> StatusReport.answer(gateway, readiness, r, wallClock, version, startedAtMillis));
            routes.put("/", AdminHttpServer.Route.now(r -> new HttpAnswer(200, HttpAnswer.HTML, statusPage, Map.of())));
        }
        if (g.roles().contains(METRICS)) {
            Metrics m = metrics();
            routes.put(g.metricsPath(), AdminHttpServer.Route.now(r -> HttpAnswer.of(200,
                    "text/plain; version=0.0.4; charset=utf-8", m.scrape())));
        }
        AdminHttpServer s = AdminHttpServer.start(g.name(), group, new HttpEndpoint(g.host(), g.port(),
                Objects.requireNonNullElse(g.metricsPath(), "/")), routes);
        LOG.info("{} server listening on http://{}:{}{}", g.name(), g.host().indexOf(':') >= 0 ? "[" + g.host() + "]"
                        : g.host(), s.localAddress().getPort(),
                g.roles().contains(METRICS) ? " (metrics at " + g.metricsPath() + ")" : "");
        return s;
    }

    private synchronized Metrics metrics() {
        if (metrics == null) {
            metrics = new Metrics(gateway, version, () -> sourceDegraded.get().isPresent());
        }
        return metrics;
    }

    private CompletableFuture<HttpAnswer> ice(HttpGet r) {
        StunnerConfig cfg = gateway.config();
        IceAuthService.Answer a = IceAuthService.answer(r.path(), r.query(), cfg == null ? List.of() : List.of(cfg),
                wallClock.getAsLong() / 1000, System.getenv());
        HttpAnswer out = a.status() == 200 ? HttpAnswer.of(200, a.contentType(), a.body())
                : new HttpAnswer(a.status(), a.contentType(), a.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Map.of("X-Content-Type-Options", "nosniff"));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Running r : running) {
            r.server().close();
        }
        running.clear();
        if (metrics != null) {
            metrics.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
