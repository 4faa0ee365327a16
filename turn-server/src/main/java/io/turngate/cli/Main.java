package io.turngate.cli;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.Logs;
import io.turngate.server.Gateway;
import io.turngate.server.Transport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * {@code turngate}: the STUNner-compatible TURN gateway. Flags follow {@code stunnerd} where they overlap
 * (stunner-compat §1f): {@code -c/--config}, {@code -w/--watch}, {@code -l/--log}, {@code -v/--verbose},
 * {@code -u/--udp-thread-num} and the positional quick mode {@code turn://user:pass@host:port}.
 */
@Command(name = "turngate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        subcommands = {CheckCommand.class, ExplainCommand.class, IceConfigCommand.class},
        description = {
            "STUNner-compatible STUN/TURN gateway.",
            "",
            "With no arguments it runs a built-in default config: TURN-UDP on port",
            "3478, static user-1/pass-1, realm stunner.l7mp.io, and one route whose",
            "cluster allows only the peer 127.0.0.1.",
            "",
            "-c takes a stunnerd dataplane config (stunnerd.conf, v1 or v1alpha1,",
            "YAML or JSON) or STUNner Gateway API manifests (a file or a directory);",
            "the kind is sniffed.",
            "",
        },
        footer = {
            "",
            "Examples:",
            "  turngate",
            "      default config, local try-out",
            "  turngate -c /etc/stunnerd/stunnerd.conf -w",
            "      stunnerd dataplane config, reconciled on every change",
            "  turngate -c cloudretro/ -g stunner/udp-gateway -w",
            "      Gateway API manifests (file or directory)",
            "  turngate turn://user-1:pass-1@10.0.0.5:3478",
            "      quick mode: relay to any IPv4 peer (0.0.0.0/0)",
            "  turngate check -c gateway.yaml",
            "      validate; print the dataplane config and the route table",
            "  turngate explain -c gateway.yaml \\",
            "      --listener stunner/udp-gateway/udp-listener --peer 10.244.1.17:8443",
            "",
            "Environment: STUNNER_ADDR (the listener address where the config says",
            "$STUNNER_ADDR), STUNNER_PORT, STUNNER_CONFIG_ORIGIN (default for -c).",
        })
public final class Main implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config origin: a path or file:// URL (default: $STUNNER_CONFIG_ORIGIN, else the built-in default config).")
    String config;

    @Option(names = {"-g", "--gateway"}, paramLabel = "NS/NAME",
            description = "With Gateway API manifests: which Gateway to serve (needed when several render).")
    String gateway;

    @Option(names = {"-w", "--watch"}, description = "Watch the config file and reconcile on every change.")
    boolean watch;

    @Option(names = {"-l", "--log"}, paramLabel = "SPEC",
            description = "Log level spec, e.g. all:INFO,turn:DEBUG (levels ERROR, WARN, INFO, DEBUG, TRACE, DISABLE). Overrides admin.loglevel.")
    String log;

    @Option(names = {"-v", "--verbose"}, description = "Same as -l all:DEBUG.")
    boolean verbose;

    @Option(names = {"-u", "--udp-thread-num"}, paramLabel = "N", defaultValue = "0",
            description = "SO_REUSEPORT sockets (and event loops) per TURN-UDP listener; 0 = one socket (default: ${DEFAULT-VALUE}).")
    int udpThreads;

    @Option(names = "--udp-gso", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Coalesce same-size bursts to one destination into UDP GSO sends (Linux 4.18+, epoll); "
                    + "--no-udp-gso sends one datagram per system call (default: ${DEFAULT-VALUE}).")
    boolean udpGso;

    @Parameters(arity = "0..1", paramLabel = "TURN-URI",
            description = "Quick mode: turn://user:pass@host:port[?transport=udp] builds a one-listener config.")
    String turnUri;

    final PrintStream out;

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
        System.exit(run(System.out, args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        CommandLine cl = new CommandLine(new Main(out));
        cl.setOut(new java.io.PrintWriter(out, true));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Logger log = Logs.get("server");
        applyLogSpec(null);
        if (udpThreads < 0) {
            System.err.println("turngate: --udp-thread-num: found " + udpThreads + " (expected: 0 or more)");
            return 2;
        }
        StunnerConfig cfg;
        java.util.List<String> loadWarnings = null;
        boolean defaults = false;
        String origin = config != null ? config : System.getenv("STUNNER_CONFIG_ORIGIN");
        try {
            if (turnUri != null) {
                cfg = ConfigLoader.fromTurnUri(turnUri);
            } else if (origin != null && !origin.isBlank()) {
                ConfigSources.Loaded loaded = ConfigSources.load(ConfigLoader.pathOf(origin), System.getenv(), gateway);
                cfg = loaded.config();
                loadWarnings = loaded.warnings();
            } else {
                cfg = ConfigLoader.defaultConfig();
                defaults = true;
            }
        } catch (ConfigException e) {
            System.err.println("turngate: " + e.getMessage());
            return 2;
        }
        applyLogSpec(cfg.admin() == null ? null : cfg.admin().logLevel());
        if (defaults) {
            String warn = "WARNING: running the built-in default config with the default credentials user-1/pass-1: "
                    + "anyone who can reach this port can relay to 127.0.0.1. Use -c FILE for anything but a local try-out.";
            System.err.println(warn);
            log.warn(warn);
        }
        for (String w : loadWarnings != null ? loadWarnings : ConfigLoader.warnings(cfg)) {
            log.warn(w);
        }
        Transport t = Transport.detect();
        if (t == Transport.NIO) {
            log.info("transport: NIO (epoll unavailable: " + Transport.unavailabilityCause() + ")");
        } else {
            log.info("transport: native epoll");
        }
        Gateway gw;
        try {
            gw = Gateway.start(cfg, Gateway.Options.defaults().withUdpThreads(udpThreads).withUdpGso(udpGso));
        } catch (ConfigException e) {
            System.err.println("turngate: cannot start: " + e.getMessage());
            return 1;
        }
        for (ListenerConfig l : cfg.listeners()) {
            if (gw.relayAddress(l.name()) != null) {
                out.println("listener " + l.name() + ": " + l.protocol() + " port " + l.port() + ", relay address "
                        + gw.relayAddress(l.name()).getHostAddress() + ", realm " + cfg.auth().realm() + ", routes " + l.routes());
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            gw.close();
        }, "turngate-shutdown"));
        AutoCloseable watcher = watch ? ConfigWatch.start(origin, gateway, gw, this::applyLogSpec) : null;
        out.println("turngate ready: " + gw.listenerNames().size() + " listener(s)");
        out.flush();
        stop.await();
        if (watcher != null) {
            watcher.close();
        }
        return 0;
    }

    /** CLI -l/-v win over admin.loglevel. */
    void applyLogSpec(String fromConfig) {
        String spec = verbose ? "all:DEBUG" : (log != null ? log : (fromConfig != null ? fromConfig : "all:INFO"));
        try {
            Logs.configure(spec);
        } catch (IllegalArgumentException e) {
            Logs.get("server").warn(e.getMessage());
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"turngate " + (v == null ? "dev" : v)};
        }
    }
}
