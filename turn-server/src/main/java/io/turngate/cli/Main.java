package io.turngate.cli;

import io.turngate.admin.AdminHttpServer;
import io.turngate.admin.AdminServers;
import io.turngate.admin.Readiness;
import io.turngate.config.cds.CdsConfigSource;
import io.turngate.config.cds.ZeroConfig;
import io.turngate.config.k8s.status.KubernetesStatusPublisher;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.render.GatewayRenderer;
import io.turngate.config.k8s.KubernetesConfigSource;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.load.FileConfigSource;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.HttpEndpoint;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.Logs;
import io.turngate.server.Gateway;
import io.turngate.server.SelfSignedCertificate;
import io.turngate.server.DtlsLimits;
import io.turngate.server.StreamLimits;
import io.turngate.server.TlsEngine;
import io.turngate.server.Transport;
import io.turngate.server.WarmUp;
import io.turngate.turn.IntegrityPolicy;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code turngate}: the STUNner-compatible TURN gateway. Flags follow {@code stunnerd} (stunner-compat §1f):
 * {@code -c/--config}, {@code -w/--watch}, {@code -l/--log}, {@code -v/--verbose}, {@code --log-format},
 * {@code -i/--id}, {@code -d/--dry-run}, {@code -u/--udp-thread-num}, {@code --force-ready-status},
 * {@code --cds-server-*} and the positional quick mode {@code turn://user:pass@host:port}; turngate's own flags set
 * abuse limits (TCP/TLS connection caps, timeouts and frame size among them), the drain timeout, UDP GSO and the
 * auth service endpoint.
 *
 * <p>Life cycle: load the config, start the gateway and the admin servers, watch the config ({@code -w}); on the
 * first SIGTERM or SIGINT drain: {@code /ready} turns 503 (unless {@code --force-ready-status}), the watch stops,
 * every listener keeps serving existing and new allocations, progress is logged, and the process exits 0 once the
 * last allocation is gone or {@code --drain-timeout} ran out; a second signal exits at once.
 */
@Command(name = "turngate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        subcommands = {CheckCommand.class, ExplainCommand.class, IceConfigCommand.class},
        description = {
            "STUNner-compatible STUN/TURN gateway.",
            "",
            "With no arguments it runs a built-in default config: TURN-UDP on port",
            "3478, static user-1/pass-1, realm stunner.l7mp.io, and one route whose",
            "cluster allows only the peer 127.0.0.1; health checks on :8086 and",
            "Prometheus metrics on :8080/metrics.",
            "",
            "-c takes a stunnerd dataplane config (stunnerd.conf, v1 or v1alpha1,",
            "YAML or JSON) or STUNner Gateway API manifests (a file or a directory);",
            "the kind is sniffed. It also takes STUNner's config discovery service:",
            "http://HOST:PORT, ws://HOST:PORT or HOST:PORT (the config of Gateway -i),",
            "or k8s (find the service through the Kubernetes API).",
            "",
        },
        footer = {
            "",
            "Examples:",
            "  turngate",
            "      default config, local try-out",
            "  turngate -c /etc/stunnerd/stunnerd.conf -w",
            "      stunnerd dataplane config, reconciled on every change",
            "  turngate -c k8s/examples/cloudretro/ -g stunner/udp-gateway -w",
            "      Gateway API manifests (file or directory)",
            "  turngate --kubernetes -g stunner/udp-gateway",
            "      the Gateway API objects of the cluster this pod runs in, followed live",
            "  turngate turn://user-1:pass-1@127.0.0.1:3479",
            "      quick mode: one listener on port 3479 that relays to any IPv4 peer",
            "      (0.0.0.0/0) except loopback, link-local, multicast and broadcast",
            "      addresses and the gateway's own ports; when the host is a loopback",
            "      address (a local try-out) that address is routed too",
            "  turngate check -c gateway.yaml",
            "      validate; print the dataplane config and the route table",
            "  turngate explain -c gateway.yaml \\",
            "      --listener stunner/udp-gateway/udp-listener --peer 10.244.1.17:8443",
            "  turngate ice-config -c gateway.yaml --public-address 203.0.113.10",
            "      the CloudRetro coordinator's ICE server settings",
            "",
            "Environment: STUNNER_ADDR (the listener address where the config says",
            "$STUNNER_ADDR), STUNNER_PORT, STUNNER_CONFIG_ORIGIN (default for -c),",
            "STUNNER_NAMESPACE and STUNNER_NAME (default for -i), STUNNER_NODENAME",
            "(sent to the config discovery service), CDS_SERVER_ADDR,",
            "CDS_SERVER_NAMESPACE and CDS_SERVER_PORT (defaults for --cds-server-*),",
            "TURNGATE_BOOTSTRAP_HEALTHCHECK_ENDPOINT (health checks before the first",
            "config from the discovery service; default http://:8086).",
            "",
            "Exit codes: 0 after a clean shutdown, 1 when the gateway cannot start",
            "(e.g. a port cannot be bound), 2 for a usage or config error.",
        })
public final class Main implements Callable<Integer> {
    /**
     * {@code admin.healthcheck_endpoint} of the zero config that {@code -w} with a config discovery service boots on
     * (default stunnerd's {@code http://:8086}); the first pushed config decides from then on.
     */
    static final String BOOTSTRAP_HEALTHCHECK_ENV = "TURNGATE_BOOTSTRAP_HEALTHCHECK_ENDPOINT";

    @Option(names = {"-c", "--config"}, paramLabel = "ORIGIN",
            description = "Config origin: a path or file:// URL of a stunnerd config, Gateway API manifests or a"
                    + " directory of them; a config discovery service (http://, ws://, HOST:PORT); or k8s (default:"
                    + " $STUNNER_CONFIG_ORIGIN, else the built-in default config).")
    String config;

    @Option(names = {"-g", "--gateway"}, paramLabel = "NS/NAME",
            description = "With Gateway API manifests or --kubernetes: which Gateway to serve (needed when several"
                    + " render).")
    String gateway;

    @Mixin
    KubernetesOptions kubernetes;

    @Option(names = {"-w", "--watch"}, description = "Watch the config origin and reconcile on every change.")
    boolean watch;

    @Option(names = {"-l", "--log"}, paramLabel = "SPEC",
            description = "Log level spec, e.g. all:INFO,turn:DEBUG (levels ERROR, WARN, INFO, DEBUG, TRACE, DISABLE)."
                    + " Overrides admin.loglevel.")
    String log;

    @Option(names = {"-v", "--verbose"}, description = "Same as -l all:DEBUG.")
    boolean verbose;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
            description = "Log line format: text, or json (one JSON object a line) (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = {"-i", "--id"}, paramLabel = "NS/NAME",
            description = "Identity of this dataplane (default: $STUNNER_NAMESPACE/$STUNNER_NAME, else"
                    + " default/stunnerd-<hostname>); used with a config discovery service.")
    String id;


    /** Whether {@code cfg} has a listener of {@code protocol} (the warm-up drives that transport too). */
    private static boolean serves(StunnerConfig cfg, io.turngate.config.v1.ListenerProtocol protocol) {
        return cfg.listeners().stream().anyMatch(l -> l.protocol() == protocol);
    }

    @Option(names = {"-d", "--dry-run"},
            description = "Load and validate the config (and, with -w, every change) without opening sockets or HTTP"
                    + " servers.")
    boolean dryRun;

    @Option(names = {"-u", "--udp-thread-num"}, paramLabel = "N", defaultValue = "0",
            description = "SO_REUSEPORT sockets (and event loops) per TURN-UDP listener; 0 = one socket (default:"
                    + " ${DEFAULT-VALUE}).")
    int udpThreads;

    @Option(names = "--force-ready-status",
            description = "Keep /ready at 200 while draining after SIGTERM (for kube-proxy, which drops UDP flows to"
                    + " pods that are not ready).")
    boolean forceReadyStatus;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After SIGTERM, exit when the allocations are gone or after this long, whichever is first"
                    + " (default: no limit; Kubernetes' termination grace period bounds it).")
    Duration drainTimeout;

    @Option(names = "--max-allocations", paramLabel = "N", defaultValue = "0",
            description = "Allocations over all listeners; more are refused with 508 (default: ${DEFAULT-VALUE} ="
                    + " no limit).")
    int maxAllocations;

    @Option(names = "--max-allocations-per-listener", paramLabel = "N", defaultValue = "0",
            description = "Allocations per listener; more are refused with 508 (default: ${DEFAULT-VALUE} = no limit).")
    int maxAllocationsPerListener;

    @Option(names = "--unauthenticated-rate", paramLabel = "PER_SECOND",
            defaultValue = "" + Gateway.Options.UNAUTHENTICATED_RATE_DEFAULT,
            description = "Per source IP: unauthenticated answers (401, 438, 400) per second; more are dropped and"
                    + " counted; 0 = no limit (default: ${DEFAULT-VALUE}).")
    double unauthenticatedRate;

    @Option(names = "--unauthenticated-burst", paramLabel = "N",
            defaultValue = "" + Gateway.Options.UNAUTHENTICATED_BURST_DEFAULT,
            description = "Per source IP: unauthenticated answers sent at once before the rate applies (default:"
                    + " ${DEFAULT-VALUE}).")
    double unauthenticatedBurst;

    @Option(names = "--max-connections-per-listener", paramLabel = "N",
            defaultValue = "" + StreamLimits.MAX_CONNECTIONS_DEFAULT,
            description = "TURN-TCP/TURN-TLS: open connections per listener; more are closed at accept and counted;"
                    + " TURN-DTLS: sessions per listener, more ClientHellos get no handshake; 0 = no limit (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxConnectionsPerListener;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            defaultValue = "" + StreamLimits.MAX_CONNECTIONS_PER_SOURCE_DEFAULT,
            description = "TURN-TCP/TURN-TLS: open connections per source IP and listener; more are closed at accept"
                    + " and counted; TURN-DTLS: sessions per source IP and listener; 0 = no limit (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--first-request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s",
            description = "TURN-TCP/TURN-TLS: close a connection that sent no valid STUN message (TLS handshake"
                    + " included) within this long (default: ${DEFAULT-VALUE}).")
    Duration firstRequestTimeout;

    @Option(names = "--idle-connection-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s",
            description = "TURN-TCP/TURN-TLS: close a connection without an allocation that received nothing for this"
                    + " long (default: ${DEFAULT-VALUE}).")
    Duration idleConnectionTimeout;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s",
            description = "TURN-TLS: close a connection whose TLS handshake did not finish within this long (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration tlsHandshakeTimeout;

    @Option(names = "--dtls-max-handshakes", paramLabel = "N", defaultValue = "" + DtlsLimits.MAX_HANDSHAKES_DEFAULT,
            description = "TURN-DTLS: handshakes in flight per listener (cookie-verified, each holds a thread); a"
                    + " ClientHello beyond it is dropped and counted (default: ${DEFAULT-VALUE}).")
    int dtlsMaxHandshakes;

    @Option(names = "--dtls-handshake-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s",
            description = "TURN-DTLS: drop a handshake that did not finish within this long (default: ${DEFAULT-VALUE}).")
    Duration dtlsHandshakeTimeout;

    @Option(names = "--dtls-idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s",
            description = "TURN-DTLS: close a session without an allocation that received nothing for this long"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration dtlsIdleTimeout;

    @Option(names = "--tls-engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "TURN-TLS: auto (default: OpenSSL, BoringSSL from netty-tcnative, where its native library"
                    + " loads, else the JDK's engine, with the reason in the log), openssl (required: a TLS listener"
                    + " fails without it) or jdk (the JDK's SSLEngine).")
    String tlsEngine;

    @Option(names = "--max-frame-size", paramLabel = "BYTES", defaultValue = "" + StreamLimits.MAX_FRAME_BYTES_DEFAULT,
            description = "TURN-TCP/TURN-TLS: the longest STUN or ChannelData message accepted, header included; a"
                    + " longer one closes the connection (" + StreamLimits.MAX_FRAME_BYTES_MIN + ".."
                    + StreamLimits.MAX_FRAME_BYTES_MAX + ", default: ${DEFAULT-VALUE}).")
    int maxFrameSize;

    @Option(names = "--nonce-lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "1h",
            description = "How long a NONCE stays valid before the client gets 438 (default: ${DEFAULT-VALUE}, as"
                    + " pion/turn).")
    Duration nonceLifetime;

    @Option(names = "--integrity", paramLabel = "POLICY", defaultValue = "sha1-allowed",
            description = "Long-term credential integrity (RFC 8489 §9.2), all listeners: sha1-allowed (default:"
                    + " MESSAGE-INTEGRITY over the MD5 key, what browsers send, and RFC 8489's SHA-256) or"
                    + " sha256-required (PASSWORD-ALGORITHM SHA-256 with MESSAGE-INTEGRITY-SHA256 only; browsers"
                    + " cannot connect).")
    String integrity;

    @Option(names = "--auth-service-endpoint", paramLabel = "URL",
            description = "Serve STUNner's auth service API (GET /ice, GET /?service=turn) at this http://[host][:port]"
                    + " (default port 8088; default: off).")
    String authServiceEndpoint;

    @Option(names = "--write-status", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --kubernetes: write the Gateway, UDPRoute and GatewayClass status back as STUNner's"
                    + " operator does; with several replicas only the leader of the Lease turngate-status (in"
                    + " $POD_NAMESPACE, else $STUNNER_NAMESPACE, else default) writes (default: ${DEFAULT-VALUE}).")
    boolean writeStatus;

    @Option(names = "--udp-gso", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Coalesce same-size bursts to one destination into UDP GSO sends (Linux 4.18+, epoll); "
                    + "--no-udp-gso sends one datagram per system call (default: ${DEFAULT-VALUE}).")
    boolean udpGso;

    @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Before /ready turns 200, relay over loopback through a private listener for up to"
                    + " --warm-up-time, so the first real traffic runs compiled code (default: ${DEFAULT-VALUE}).")
    boolean warmUp;

    @Option(names = "--warm-up-time", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "8s", description = "Upper bound of the warm-up (default: ${DEFAULT-VALUE}); it ends"
                    + " sooner once the JIT compiler has settled: its threads idle (at most 10 ms of CPU in 200 ms) while"
                    + " paced traffic runs, after at least 3 s.")
    Duration warmUpTime;

    @Option(names = "--exit-when-ready",
            description = "Start, warm up, become ready, then shut down gracefully and exit 0: a training run, e.g. for"
                    + " the class-data sharing archive that the image makes at build time (k8s/image/cds-archive.sh).")
    boolean exitWhenReady;

    @Option(names = "--cds-server-address", paramLabel = "ADDR", description = "Config discovery service address for"
            + " -c k8s, instead of looking in Kubernetes (default: $CDS_SERVER_ADDR).")
    String cdsServerAddress;

    @Option(names = "--cds-server-namespace", paramLabel = "NS", description = "Namespace of the config discovery"
            + " service pod for -c k8s (default: $CDS_SERVER_NAMESPACE, else any namespace).")
    String cdsServerNamespace;

    @Option(names = "--cds-server-port", paramLabel = "PORT", description = "Port of the config discovery service"
            + " for -c k8s (default: $CDS_SERVER_PORT, else 13478).")
    String cdsServerPort;

    @Parameters(arity = "0..1", paramLabel = "TURN-URI",
            description = "Quick mode: turn://user:pass@host:port[?transport=udp|tcp|tls] builds a one-listener config"
                    + " (tls: with a self-signed certificate for host, made at start).")
    String turnUri;

    final PrintStream out;
    /** Counted down by the first SIGTERM/SIGINT (or a test): start draining. */
    final CountDownLatch drainRequested = new CountDownLatch(1);

    Main(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // Netty's leak detector samples 1 buffer in 128 with a stack trace by default: costly on the relay path.
        // It stays available for debugging with -Dio.netty.leakDetection.level=...
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        Main main = new Main(System.out);
        CommandLine cl = new CommandLine(main);
        cl.setOut(new java.io.PrintWriter(System.out, true));
        if (isServe(args)) {
            Signals.install(main.drainRequested::countDown);
        }
        System.exit(cl.execute(args));
    }

    /** Whether {@code args} run the gateway itself (not --help, --version or a subcommand). */
    private static boolean isServe(String[] args) {
        for (String a : args) {
            if (a.equals("check") || a.equals("explain") || a.equals("ice-config") || a.equals("-h")
                    || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        CommandLine cl = new CommandLine(new Main(out));
        cl.setOut(new java.io.PrintWriter(out, true));
        return cl.execute(args);
    }

    /** A usage problem: printed on stderr, exit code 2. */
    private static int usage(String message) {
        System.err.println("turngate: " + message);
        return 2;
    }

    @Override
    public Integer call() throws Exception {
        Logger log = Logs.get("server");
        try {
            Logs.setFormat(Logs.Format.parse(logFormat));
        } catch (IllegalArgumentException e) {
            return usage("--log-format: " + e.getMessage());
        }
        if (!applyLogSpec(null)) {
            return 2;
        }
        String problem = checkFlags();
        if (problem != null) {
            return usage(problem);
        }
        HttpEndpoint authEndpoint = null;
        if (authServiceEndpoint != null) {
            try {
                authEndpoint = HttpEndpoint.parse(authServiceEndpoint, 8088);
            } catch (IllegalArgumentException e) {
                return usage("--auth-service-endpoint: " + e.getMessage());
            }
        }
        String k8sProblem = kubernetes.problem(config != null ? "-c" : turnUri != null ? "a TURN URI" : null);
        if (k8sProblem != null) {
            return usage(k8sProblem);
        }
        if (kubernetes.kubernetes) {
            watch = true; // a cluster is always followed
        }
        String origin = kubernetes.kubernetes ? null : config != null ? config : System.getenv("STUNNER_CONFIG_ORIGIN");
        if (origin != null && origin.isBlank()) {
            origin = null;
        }
        StunnerConfig cfg;
        List<String> loadWarnings;
        boolean defaults = false;
        ConfigSource source = null;
        try {
            if (turnUri != null) {
                cfg = quickModeConfig(turnUri);
                loadWarnings = ConfigLoader.warnings(cfg);
            } else if (kubernetes.kubernetes) {
                KubernetesConfigSource k8s = KubernetesConfigSource.connect(kubernetes.options(gateway,
                        System.getenv(), KUBERNETES_STARTUP_SYNC));
                source = k8s;
                ConfigSources.Loaded loaded = loadOrWait(k8s);
                cfg = loaded.config();
                loadWarnings = loaded.warnings();
            } else if (origin != null && Origins.kind(origin) != Origins.Kind.FILE) {
                source = Origins.cds(origin, identity(), cdsServerAddress, cdsServerNamespace, cdsServerPort,
                        System.getenv());
                if (watch) { // stunnerd: boot on a zero config, then follow the CDS (not ready until a real config)
                    cfg = ZeroConfig.of(identity(), System.getenv(BOOTSTRAP_HEALTHCHECK_ENV));
                    loadWarnings = List.of();
                } else {
                    ConfigSources.Loaded loaded = source.load();
                    cfg = loaded.config();
                    loadWarnings = loaded.warnings();
                }
            } else if (origin != null) {
                source = new FileConfigSource(ConfigLoader.pathOf(origin), System.getenv(), gateway);
                ConfigSources.Loaded loaded = source.load();
                cfg = loaded.config();
                loadWarnings = loaded.warnings();
            } else {
                cfg = ConfigLoader.defaultConfig();
                loadWarnings = ConfigLoader.warnings(cfg);
                defaults = true;
            }
        } catch (ConfigException e) {
            System.err.println(source instanceof CdsConfigSource ? "turngate: no config: " + String.join("; ", e.problems())
                    : "turngate: invalid config: " + e.getMessage());
            if (source != null) {
                source.close();
            }
            return 2;
        }
        applyLogSpec(cfg.admin() == null ? null : cfg.admin().logLevel());
        log.info("turngate {} starting as {}{}", version(), identity(), dryRun ? " (dry run: no sockets, no HTTP servers)" : "");
        if (defaults) {
            log.warn("running the built-in default config with the default credentials user-1/pass-1: anyone who can"
                    + " reach this port can relay to 127.0.0.1. Use -c FILE for anything but a local try-out.");
        }
        loadWarnings.forEach(log::warn);
        if (watch && source instanceof CdsConfigSource) {
            log.info("booting on a zero config: not ready until the first config from {} is applied",
                    source.describe());
        }
        if (dryRun) {
            return dryRun(cfg, source, log);
        }

        Transport t = Transport.detect();
        if (t == Transport.NIO) {
            log.info("transport: NIO (epoll unavailable: {})", Transport.unavailabilityCause());
        } else if (t.reusesDatagrams()) {
            log.info("transport: native epoll (TURN-UDP sockets on turngate's channel: no allocation per datagram)");
        } else {
            log.info("transport: native epoll (TURN-UDP sockets on Netty's channel: {})", t.datagramChannelNote());
        }
        Gateway gw;
        try {
            gw = Gateway.start(cfg, gatewayOptions());
        } catch (ConfigException e) { // a valid config that cannot be served here: a port in use, ...
            log.error("cannot start: {}", String.join("; ", e.problems()));
            closeQuietly(source);
            return 1;
        }
        Readiness readiness = new Readiness(forceReadyStatus);
        AdminServers admin = new AdminServers(gw, readiness, authEndpoint, version(), System::currentTimeMillis);
        try {
            admin.start(cfg.admin());
        } catch (AdminHttpServer.BindFailure e) {
            log.error("cannot start: {}", e.getMessage());
            gw.close();
            closeQuietly(source);
            return 1;
        }
        if (source != null) {
            admin.configSourceHealth(source::degraded);
        }
        KubernetesStatusPublisher status = source instanceof KubernetesConfigSource && writeStatus
                ? publishStatus((KubernetesConfigSource) source, log) : null;
        if (warmUp && !warmUpTime.isZero()) {
            readiness.warmingUp();
            WarmUp.Result r = WarmUp.run(gw, gatewayOptions(), warmUpTime, Long.MAX_VALUE, new WarmUp.Streams(
                    serves(cfg, io.turngate.config.v1.ListenerProtocol.TURN_TCP),
                    serves(cfg, io.turngate.config.v1.ListenerProtocol.TURN_TLS)), true);
            long gc = WarmUp.collectStartUpGarbage();
            readiness.warmedUp();
            log.info("self-warm-up: {}; start-up garbage collected in {} ms", r, gc);
        }
        if (!isZero(cfg)) {
            readiness.configApplied();
        }
        if (watch && source != null) {
            source.watch(new ConfigPipeline(gw, admin, readiness, this::applyLogSpec));
            log.info("watching {} for changes", source.describe());
        } else if (watch) {
            log.warn("-w given without a config file (-c or $STUNNER_CONFIG_ORIGIN): nothing to watch");
        }
        log.info("turngate ready: {} listener(s){}", gw.listenerNames().size(),
                admin.healthAddress() == null ? "" : ", health checks on port " + admin.healthAddress().getPort());
        if (exitWhenReady) {
            log.info("--exit-when-ready: shutting down");
            drainRequested.countDown();
        }

        drainRequested.await();
        readiness.terminating();
        if (source != null) {
            source.close(); // no reconciliation while draining (stunnerd)
        }
        if (status != null) {
            status.close(); // gives up the Lease: another replica writes status from now on
        }
        drain(gw, log);
        admin.close();
        gw.close();
        log.info("turngate stopped");
        return 0;
    }

    /** How long the daemon waits for the cluster's first list before it starts waiting, not ready, for a Gateway. */
    static final Duration KUBERNETES_STARTUP_SYNC = Duration.ofSeconds(30);

    /**
     * The cluster's config, or, when nothing renders yet (no Gateway applied yet, the API server not reachable yet),
     * a zero config that serves nothing and keeps {@code /ready} at 503 until the watch delivers one, the way
     * stunnerd waits for its config discovery service; the problems are logged as warnings.
     */
    private ConfigSources.Loaded loadOrWait(KubernetesConfigSource source) throws ConfigException {
        try {
            return source.load();
        } catch (ConfigException e) {
            String name = gateway != null && gateway.contains("/") ? gateway : identity();
            StunnerConfig zero = ConfigLoader.parse("{\"version\":\"v1\",\"admin\":{\"name\":\"" + name
                    + "\"},\"auth\":{\"type\":\"static\",\"credentials\":{\"username\":\"dummy-username\","
                    + "\"password\":\"dummy-password\"}}}", java.util.Map.of());
            List<String> why = new java.util.ArrayList<>();
            for (String p : e.problems()) {
                why.add("nothing to serve yet, not ready until the cluster gives a Gateway: " + p);
            }
            return new ConfigSources.Loaded(zero, ConfigSources.GATEWAY, why);
        }
    }

    private static void closeQuietly(ConfigSource source) {
        if (source != null) {
            source.close();
        }
    }

    /**
     * Kubernetes mode's status write-back: every snapshot the source renders from is rendered with statuses and
     * handed to a publisher that writes them when this replica leads the Lease.
     */
    private KubernetesStatusPublisher publishStatus(KubernetesConfigSource k8s, Logger log) {
        String ns = firstNonBlank(System.getenv("POD_NAMESPACE"), System.getenv("STUNNER_NAMESPACE"), "default");
        KubernetesStatusPublisher publisher = new KubernetesStatusPublisher(k8s.client(), ns,
                KubernetesStatusPublisher.defaultIdentity());
        GatewayRenderer renderer = new GatewayRenderer(System.getenv(), k8s.options().renderOptions());
        java.util.function.Consumer<io.turngate.config.gateway.GatewayResources> hook =
                res -> publisher.publish(renderer.renderWithStatus(res));
        k8s.onRendered(hook);
        k8s.lastResources().ifPresent(hook);
        publisher.start();
        log.info("status write-back: Lease turngate-status in namespace {} as {}", ns, publisher.identity());
        return publisher;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Waits for the allocations to go (or {@code --drain-timeout}), logging progress every few seconds. */
    private void drain(Gateway gw, Logger log) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = drainTimeout == null ? Long.MAX_VALUE : start + drainTimeout.toNanos();
        int left = gw.allocationCount();
        log.info("shutting down gracefully: readiness fails{}, config watch stopped, listeners keep serving; {}"
                        + " allocation(s) left{}", forceReadyStatus ? " not (--force-ready-status)" : "", left,
                drainTimeout == null ? "" : ", drain timeout " + drainTimeout.toSeconds() + "s");
        long lastReport = start;
        while (left > 0) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                log.info("drain timeout reached with {} allocation(s) left: exiting", left);
                return;
            }
            if (now - lastReport >= TimeUnit.SECONDS.toNanos(5)) {
                log.info("draining: {} allocation(s) left after {}s", left, TimeUnit.NANOSECONDS.toSeconds(now - start));
                lastReport = now;
            }
            drainTick();
            left = gw.allocationCount();
        }
        log.info("drained: no allocation left after {}s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    /** Polls the allocation count every 200 ms (stunnerd: every second). */
    private static void drainTick() throws InterruptedException {
        Thread.sleep(200);
    }

    /** {@code -d}: validate (and with {@code -w} re-validate every change) and log what would run. */
    private int dryRun(StunnerConfig cfg, ConfigSource source, Logger log) throws Exception {
        log.info("dry run: config valid: {} listener(s), {} cluster(s)", cfg.listeners().size(), cfg.clusters().size());
        if (!watch || source == null) {
            return 0;
        }
        StunnerConfig[] current = {cfg};
        source.watch(new ConfigSource.Listener() {
            @Override
            public void loaded(ConfigSources.Loaded loaded) {
                if (!loaded.config().equals(current[0])) {
                    current[0] = loaded.config();
                    log.info("dry run: new config valid: {} listener(s), {} cluster(s)",
                            loaded.config().listeners().size(), loaded.config().clusters().size());
                    applyLogSpec(loaded.config().admin() == null ? null : loaded.config().admin().logLevel());
                }
            }

            @Override
            public void rejected(ConfigException problems) {
                log.warn("dry run: new config rejected: {}", problems.getMessage());
            }
        });
        drainRequested.await();
        source.close();
        return 0;
    }

    /**
     * Quick mode: the URI's one-listener config; for {@code transport=tls} (and dtls) with a self-signed certificate
     * for the URI's host made now, as stunnerd's quick mode does (a client must be told to accept it).
     */
    static StunnerConfig quickModeConfig(String uri) throws ConfigException {
        if (!ConfigLoader.turnUriProtocol(uri).needsCertificate()) {
            return ConfigLoader.fromTurnUri(uri);
        }
        SelfSignedCertificate cert = SelfSignedCertificate.generate(ConfigLoader.turnUriHost(uri));
        return ConfigLoader.fromTurnUri(uri, cert.certificateBase64(), cert.privateKeyBase64());
    }

    private String checkFlags() {
        if (udpThreads < 0) {
            return "--udp-thread-num: found " + udpThreads + " (expected: 0 or more)";
        }
        if (maxAllocations < 0) {
            return "--max-allocations: found " + maxAllocations + " (expected: 0 or more)";
        }
        if (maxAllocationsPerListener < 0) {
            return "--max-allocations-per-listener: found " + maxAllocationsPerListener + " (expected: 0 or more)";
        }
        if (!(unauthenticatedRate >= 0) || Double.isInfinite(unauthenticatedRate)) {
            return "--unauthenticated-rate: found " + unauthenticatedRate + " (expected: 0 or more)";
        }
        if (unauthenticatedRate > 0 && !(unauthenticatedBurst >= 1)) {
            return "--unauthenticated-burst: found " + unauthenticatedBurst + " (expected: 1 or more)";
        }
        try {
            IntegrityPolicy.parse(integrity);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (nonceLifetime.isZero() || nonceLifetime.isNegative()) {
            return "--nonce-lifetime: found " + nonceLifetime + " (expected: more than 0)";
        }
        if (maxConnectionsPerListener < 0) {
            return "--max-connections-per-listener: found " + maxConnectionsPerListener + " (expected: 0 or more)";
        }
        if (maxConnectionsPerIp < 0) {
            return "--max-connections-per-ip: found " + maxConnectionsPerIp + " (expected: 0 or more)";
        }
        for (Object[] d : new Object[][] {{"--first-request-timeout", firstRequestTimeout},
                {"--idle-connection-timeout", idleConnectionTimeout}, {"--tls-handshake-timeout", tlsHandshakeTimeout}}) {
            Duration v = (Duration) d[1];
            if (v.toMillis() <= 0) {
                return d[0] + ": found " + v + " (expected: at least 1ms)";
            }
        }
        if (dtlsMaxHandshakes < 1) {
            return "--dtls-max-handshakes: found " + dtlsMaxHandshakes + " (expected: 1 or more)";
        }
        for (Object[] d : new Object[][] {{"--dtls-handshake-timeout", dtlsHandshakeTimeout},
                {"--dtls-idle-timeout", dtlsIdleTimeout}}) {
            Duration v = (Duration) d[1];
            if (v.toMillis() <= 0) {
                return d[0] + ": found " + v + " (expected: at least 1ms)";
            }
        }
        try {
            TlsEngine.parse(tlsEngine);
        } catch (IllegalArgumentException e) {
            return "--tls-engine: " + e.getMessage();
        }
        if (maxFrameSize < StreamLimits.MAX_FRAME_BYTES_MIN || maxFrameSize > StreamLimits.MAX_FRAME_BYTES_MAX) {
            return "--max-frame-size: found " + maxFrameSize + " (expected: " + StreamLimits.MAX_FRAME_BYTES_MIN + ".."
                    + StreamLimits.MAX_FRAME_BYTES_MAX + ")";
        }
        if (drainTimeout != null && drainTimeout.isNegative()) {
            return "--drain-timeout: found " + drainTimeout + " (expected: 0 or more)";
        }
        if (id != null && !id.matches("[^/\\s]+/[^/\\s]+")) {
            return "--id: \"" + id + "\" (expected: namespace/name)";
        }
        if (cdsServerPort != null && !cdsServerPort.matches("\\d{1,5}")) {
            return "--cds-server-port: \"" + cdsServerPort + "\" (expected: 1..65535)";
        }
        return null;
    }

    Gateway.Options gatewayOptions() {
        return Gateway.Options.defaults().withUdpThreads(udpThreads).withUdpGso(udpGso)
                .withMaxAllocations(maxAllocations, maxAllocationsPerListener)
                .withUnauthenticatedLimit(unauthenticatedRate, unauthenticatedBurst)
                .withNonceLifetimeMillis(nonceLifetime.toMillis())
                .withStreamLimits(StreamLimits.defaults()
                        .withConnections(maxConnectionsPerListener, maxConnectionsPerIp)
                        .withTimeouts(firstRequestTimeout.toMillis(), idleConnectionTimeout.toMillis(),
                                tlsHandshakeTimeout.toMillis())
                        .withMaxFrameBytes(maxFrameSize))
                .withIntegrity(IntegrityPolicy.parse(integrity))
                .withTlsEngine(TlsEngine.parse(tlsEngine))
                .withDtls(new DtlsLimits(dtlsMaxHandshakes, dtlsHandshakeTimeout.toMillis(), dtlsIdleTimeout.toMillis())
                        .withSessions(maxConnectionsPerListener, maxConnectionsPerIp));
    }

    /** {@code -i}, else {@code STUNNER_NAMESPACE/STUNNER_NAME}, else {@code default/stunnerd-<hostname>} (stunnerd's). */
    String identity() {
        return identity(id);
    }

    /** {@code explicitId} when given, else {@code STUNNER_NAMESPACE/STUNNER_NAME}, else {@code default/stunnerd-<hostname>}. */
    static String identity(String explicitId) {
        if (explicitId != null) {
            return explicitId;
        }
        String ns = System.getenv("STUNNER_NAMESPACE");
        String name = System.getenv("STUNNER_NAME");
        if (ns != null && !ns.isEmpty() && name != null && !name.isEmpty()) {
            return ns + "/" + name;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "default/stunnerd-" + host;
    }

    /**
     * The config discovery service's "zero config" (a deleted Gateway): no listeners, no clusters, the dummy static
     * credentials. Not ready on it.
     */
    static boolean isZero(StunnerConfig c) {
        return ZeroConfig.isZero(c);
    }

    /** CLI -l/-v win over admin.loglevel. @return false when the spec was refused (message printed) */
    boolean applyLogSpec(String fromConfig) {
        String spec = verbose ? "all:DEBUG" : (log != null ? log : (fromConfig != null ? fromConfig : "all:INFO"));
        try {
            Logs.configure(spec);
            return true;
        } catch (IllegalArgumentException e) {
            if (log != null && spec.equals(log)) {
                System.err.println("turngate: -l: " + e.getMessage());
                return false;
            }
            Logs.get("config").warn("admin.loglevel: {}", e.getMessage());
            return true;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"turngate " + version()};
        }
    }
}
