package io.turngate.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end TURN load generator: N allocations, each bound to a UDP echo peer that this process runs on
 * loopback, probes relayed client → server → peer → server → client, and a JSON report.
 *
 * <p>Works against any TURN server with long-term credentials (turngate, coturn, STUNner). See
 * {@code benchmarks/README.md} for the method and {@code benchmarks/compare.sh} for the side-by-side run.
 *
 * <p>Clients reach the server over UDP, TCP or TLS ({@code --transport}, RFC 8656 §3.1): one socket or one
 * connection per allocation. The relay side, towards the echo peers, is UDP in every case.
 *
 * <p>Phases: echo peers up → connections (TCP/TLS) → Allocate every allocation (bounded concurrency) →
 * ChannelBind / CreatePermission → optional idle hold ({@code --hold}) → optional warm-up → measured window (fixed
 * rate or as fast as possible, bounded by {@code --duration} and {@code --max-packets}) → drain →
 * Refresh(LIFETIME=0) every allocation → JSON.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "TURN relay load generator (UDP, TCP or TLS to the server, long-term credentials, loopback "
                + "UDP echo peers).")
public final class LoadGenerator implements Callable<Integer> {

    /** Largest allocation count (the issue asks for 1 to 10,000). */
    static final int MAX_ALLOCATIONS = 10_000;
    /** Largest probe: fits one 1500-byte MTU with IPv6, UDP and a Data indication around it. */
    static final int MAX_PAYLOAD = 1400;
    /** Longest measured window. */
    static final Duration MAX_DURATION = Duration.ofHours(1);
    /**
     * Longest idle hold: shorter than the refresh age of permissions ({@link Worker#REFRESH_AFTER_NANOS}), so an
     * idle allocation needs no refresh (permissions last 300 s, RFC 8656 §9).
     */
    static final Duration MAX_HOLD = Duration.ofSeconds(240);
    /** TCP/TLS connections being opened at once. */
    static final int CONNECT_BATCH = 512;

    @Option(names = "--server", description = "TURN server address host:port, UDP or TCP as --transport says "
            + "(default: ${DEFAULT-VALUE}).")
    String server = "127.0.0.1:3478";
    @Option(names = "--transport", description = "udp, tcp or tls: how the clients reach the server, one socket or "
            + "connection per allocation; the relay side is UDP in every case (default: ${DEFAULT-VALUE}).")
    String transport = "udp";
    @Option(names = "--tls-protocols", split = ",", description = "TLS versions offered with --transport tls, "
            + "comma-separated (default: TLSv1.3).")
    List<String> tlsProtocols = new ArrayList<>(List.of("TLSv1.3"));
    @Option(names = {"--user", "-u"}, description = "User name (default: ${DEFAULT-VALUE}).")
    String user = "user-1";
    @Option(names = {"--pass", "-w"}, description = "Password (default: ${DEFAULT-VALUE}).")
    String pass = "pass-1";
    @Option(names = {"--allocations", "-n"}, description = "Allocations, 1..10000 (default: ${DEFAULT-VALUE}).")
    int allocations = 1;
    @Option(names = "--payload", description = "Probe (payload) bytes, 32..1400 (default: ${DEFAULT-VALUE}).")
    int payload = 100;
    @Option(names = "--rate", description = "Total probes/s towards the server; 0 = as fast as possible "
            + "(closed loop with --window in flight) (default: ${DEFAULT-VALUE}).")
    long rate = 0;
    @Option(names = "--duration", converter = Durations.class,
            description = "Measured window, at most 1h; 0 = handshake only (default: 5s).")
    Duration duration = Duration.ofSeconds(5);
    @Option(names = "--warmup", converter = Durations.class,
            description = "Traffic before the measured window, not counted (default: 0s).")
    Duration warmup = Duration.ZERO;
    @Option(names = "--max-packets", description = "Stop sending after this many probes in the measured window; "
            + "0 = no limit (default: ${DEFAULT-VALUE}).")
    long maxPackets = 0;
    @Option(names = "--mode", description = "channel (ChannelBind + ChannelData) or send (CreatePermission + "
            + "Send/Data indications) (default: ${DEFAULT-VALUE}).")
    String mode = "channel";
    @Option(names = "--window", description = "As-fast-as-possible mode: probes in flight in total, spread over "
            + "the allocations, at least 1 each; 0 = 8 per allocation, at least 256 and at most 2048 in total "
            + "(default: ${DEFAULT-VALUE}).")
    int window = 0;
    @Option(names = "--threads", description = "Event loops of the generator (default: ${DEFAULT-VALUE}).")
    int threads = 1;
    @Option(names = "--peers", description = "Echo peer sockets run by the generator (default: ${DEFAULT-VALUE}).")
    int peers = 1;
    @Option(names = "--peer-host", description = "Address the echo peers bind (default: ${DEFAULT-VALUE}).")
    String peerHost = "127.0.0.1";
    @Option(names = "--peer-port", description = "Port of the first echo peer, the next ones follow; 0 = "
            + "ephemeral (default: ${DEFAULT-VALUE}).")
    int peerPort = 0;
    @Option(names = "--external-peer", description = "host:port of an echo peer run elsewhere (e.g. "
            + "turnutils_peer); the generator then runs none and cannot split loss by direction.")
    String externalPeer;
    @Option(names = "--client-host", description = "Address the client sockets bind (default: ${DEFAULT-VALUE}).")
    String clientHost = "127.0.0.1";
    @Option(names = "--concurrency", description = "Handshakes in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 200;
    @Option(names = "--rto", converter = Durations.class, description = "First retransmission timeout of "
            + "control requests (default: 500ms).")
    Duration rto = Duration.ofMillis(500);
    @Option(names = "--max-transmissions", description = "Transmissions of a control request before it fails "
            + "(default: ${DEFAULT-VALUE}).")
    int maxTransmissions = 6;
    @Option(names = "--lifetime", description = "LIFETIME to request in Allocate (seconds); 0 = server default "
            + "(default: ${DEFAULT-VALUE}).")
    long lifetime = 0;
    @Option(names = "--tick", converter = Durations.class, description = "Pacing tick of the fixed-rate mode "
            + "(default: 100us).")
    Duration tick = Duration.ofNanos(100_000);
    @Option(names = "--timeline", converter = Durations.class, description = "Also report the corrected RTT per "
            + "window of this length over the measured window, by intended send time (the cold-start measurement); "
            + "0 = none (default: 0s).")
    Duration timeline = Duration.ZERO;
    @Option(names = "--timeline-origin-ms", description = "Wall-clock time (ms since the epoch) the timeline counts "
            + "from, e.g. when the server's /ready first said 200; 0 = the start of the measured window "
            + "(default: ${DEFAULT-VALUE}).")
    long timelineOriginMs = 0;
    @Option(names = "--loss-timeout", converter = Durations.class, description = "As-fast-as-possible mode: "
            + "refill an allocation after this long without an echo (default: 200ms).")
    Duration lossTimeout = Duration.ofMillis(200);
    @Option(names = "--drain", converter = Durations.class, description = "Wait for late echoes after the "
            + "window (default: 300ms).")
    Duration drain = Duration.ofMillis(300);
    @Option(names = "--handshake-timeout", converter = Durations.class, description = "Give up on the "
            + "handshake phases after this long (default: 120s).")
    Duration handshakeTimeout = Duration.ofSeconds(120);
    @Option(names = "--handshake-warmup", description = "Allocate, bind and delete this many throw-away "
            + "allocations first (not counted), so the generator's JIT is warm for the handshake measurement "
            + "(default: ${DEFAULT-VALUE}).")
    int handshakeWarmup = 0;
    @Option(names = "--hold", converter = Durations.class, description = "After the bind phase, keep every "
            + "allocation and connection open and idle this long, at most 240s, then read the server's RSS again "
            + "(the idle-connection memory measurement) (default: 0s).")
    Duration hold = Duration.ZERO;
    @Option(names = "--keep", description = "Do not delete the allocations at the end.")
    boolean keep;
    @Option(names = "--server-pid", description = "PID of the server: its CPU use and RSS are read from /proc.")
    long serverPid = 0;
    @Option(names = "--label", description = "Name of what is measured, e.g. turngate or coturn "
            + "(default: ${DEFAULT-VALUE}).")
    String label = "server";
    @Option(names = "--json", description = "Write the result as JSON to this file.")
    Path json;
    @Option(names = "--progress", converter = Durations.class, description = "Progress line interval on stderr; "
            + "0 = none (default: 1s).")
    Duration progress = Duration.ofSeconds(1);
    @Option(names = "--nio", description = "Use the NIO transport even where epoll is available.")
    boolean nio;
    @Option(names = "--busy-poll", description = "Spin in epoll_wait instead of sleeping: senders never have to "
            + "wake the generator up. Burns a whole core per --threads; use only with the generator pinned to its "
            + "own cores.")
    boolean busyPoll;
    @Option(names = "--no-gso", description = "Send every datagram with its own sendmmsg entry instead of "
            + "batching datagrams to one destination into one UDP_SEGMENT (GSO) write.")
    boolean noGso;

    private final PrintStream out;
    private final PrintStream err;

    public LoadGenerator() {
        this(System.out, System.err);
    }

    LoadGenerator(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Netty's object recycler costs more than it saves here (measured: +5-10 % probes/s without it); the
        // property must be set before Netty's Recycler class loads.
        if (System.getProperty("io.netty.recycler.maxCapacityPerThread") == null) {
            System.setProperty("io.netty.recycler.maxCapacityPerThread", "0");
        }
        int code = new CommandLine(new LoadGenerator()).execute(args);
        System.exit(code);
    }

    /** Problems with the options, each "what found (expected: ...)"; empty when all is well. */
    List<String> validate() {
        List<String> p = new ArrayList<>();
        if (allocations < 1 || allocations > MAX_ALLOCATIONS) {
            p.add("--allocations: found " + allocations + " (expected: 1.." + MAX_ALLOCATIONS + ")");
        }
        if (payload < Wire.PROBE_MIN_LENGTH || payload > MAX_PAYLOAD) {
            p.add("--payload: found " + payload + " (expected: " + Wire.PROBE_MIN_LENGTH + ".." + MAX_PAYLOAD + ")");
        }
        if (rate < 0) {
            p.add("--rate: found " + rate + " (expected: 0 or more)");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            p.add("--duration: found " + Durations.format(duration) + " (expected: at most 1h)");
        }
        if (warmup.compareTo(MAX_DURATION) > 0) {
            p.add("--warmup: found " + Durations.format(warmup) + " (expected: at most 1h)");
        }
        if (maxPackets < 0) {
            p.add("--max-packets: found " + maxPackets + " (expected: 0 or more)");
        }
        RunSettings.Transport t = transport();
        if (t == null) {
            p.add("--transport: found \"" + transport + "\" (expected: udp, tcp or tls)");
        }
        for (String v : tlsProtocols) {
            if (!v.equals("TLSv1.3") && !v.equals("TLSv1.2")) {
                p.add("--tls-protocols: found \"" + v + "\" (expected: TLSv1.3, TLSv1.2 or both)");
            }
        }
        if (hold.isNegative() || hold.compareTo(MAX_HOLD) > 0) {
            p.add("--hold: found " + Durations.format(hold) + " (expected: 0s..240s)");
        }
        if (!mode.equals("channel") && !mode.equals("send")) {
            p.add("--mode: found \"" + mode + "\" (expected: channel or send)");
        }
        if (window < 0) {
            p.add("--window: found " + window + " (expected: 0 for automatic, or 1 or more)");
        }
        if (threads < 1 || threads > 64) {
            p.add("--threads: found " + threads + " (expected: 1..64)");
        }
        if (peers < 1 || peers > 64) {
            p.add("--peers: found " + peers + " (expected: 1..64)");
        }
        if (peerPort < 0 || peerPort + peers - 1 > 65535) {
            p.add("--peer-port: found " + peerPort + " (expected: 0, or 1.." + (65536 - peers) + ")");
        }
        if (handshakeWarmup < 0 || handshakeWarmup > MAX_ALLOCATIONS) {
            p.add("--handshake-warmup: found " + handshakeWarmup + " (expected: 0.." + MAX_ALLOCATIONS + ")");
        }
        if (concurrency < 1) {
            p.add("--concurrency: found " + concurrency + " (expected: 1 or more)");
        }
        if (maxTransmissions < 1 || maxTransmissions > 10) {
            p.add("--max-transmissions: found " + maxTransmissions + " (expected: 1..10)");
        }
        if (rto.toMillis() < 1) {
            p.add("--rto: found " + Durations.format(rto) + " (expected: at least 1ms)");
        }
        if (tick.toNanos() < 10_000) {
            p.add("--tick: found " + Durations.format(tick) + " (expected: at least 10us)");
        }
        if (!timeline.isZero() && (timeline.toMillis() < 100
                || duration.toNanos() / timeline.toNanos() > Worker.MAX_WINDOWS)) {
            p.add("--timeline: found " + Durations.format(timeline) + " (expected: 0, or at least 100ms and at most "
                    + Worker.MAX_WINDOWS + " windows in --duration)");
        }
        if (timelineOriginMs < 0) {
            p.add("--timeline-origin-ms: found " + timelineOriginMs + " (expected: 0 or a time in ms since the "
                    + "epoch)");
        }
        if (lossTimeout.toMillis() < 1) {
            p.add("--loss-timeout: found " + Durations.format(lossTimeout) + " (expected: at least 1ms)");
        }
        try {
            hostPort(server, "--server");
            if (externalPeer != null) {
                hostPort(externalPeer, "--external-peer");
            }
        } catch (IllegalArgumentException e) {
            p.add(e.getMessage());
        }
        return p;
    }

    /** The {@code --transport} value, or null when it is none of udp, tcp, tls. */
    RunSettings.Transport transport() {
        for (RunSettings.Transport t : RunSettings.Transport.values()) {
            if (t.id().equals(transport.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }

    static InetSocketAddress hostPort(String value, String option) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + ": found \"" + value + "\" (expected: host:port)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + ": found \"" + value + "\" (expected: port 1..65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(option + ": found \"" + value + "\" (expected: a resolvable host)");
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("loadgen: " + p));
            return 2;
        }
        return new Run().execute();
    }

    /** One run; holds the Netty resources and closes them whatever happens. */
    private final class Run {
        private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        private EventLoopGroup group;
        private final List<Worker> workers = new ArrayList<>();
        private final List<ClientAllocation> all = new ArrayList<>();
        private final List<Channel> peerChannels = new ArrayList<>();
        private boolean epoll;
        private RunSettings.Transport clientTransport;
        /** TLS: the client context (trusts any certificate, see {@link #clientTls}); null otherwise. */
        private SslContext tls;
        /** Server VmRSS before the first client socket or connection was opened. */
        private long rssBefore = -1;
        private long connectNanos;
        private int connectFailed;
        /** Wall-clock start of the measured window (ms since the epoch). */
        private long measureStartMs;
        /** Each worker's timeline windows, as the last snapshot with histograms took them. */
        private List<List<Histogram>> timelines = List.of();

        int execute() throws Exception {
            Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            InetSocketAddress serverAddress = hostPort(server, "--server");
            int total = window > 0 ? window : Math.max(256, Math.min(2048, 8 * allocations));
            int perAllocation = Math.max(1, (total + allocations - 1) / allocations);
            epoll = !nio && Epoll.isAvailable();
            clientTransport = transport();
            if (clientTransport == RunSettings.Transport.TLS) {
                tls = clientTls(tlsProtocols);
            }
            boolean gso = epoll && !noGso && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
            if (!gso) {
                notes.add("no GSO (UDP_SEGMENT): " + (noGso ? "--no-gso" : "not supported here"));
            }
            RunSettings settings = new RunSettings(serverAddress, user, pass,
                    mode.equals("send") ? RunSettings.Mode.SEND : RunSettings.Mode.CHANNEL, payload, rate,
                    perAllocation, threads, Math.max(10, tick.toNanos() / 1000), Math.max(1, lossTimeout.toMillis()),
                    rto.toMillis(), maxTransmissions, lifetime, gso, clientTransport);
            IoHandlerFactory factory = !epoll ? NioIoHandler.newFactory()
                    : busyPoll ? EpollIoHandler.newFactory(0, () -> (selectNow, hasTasks) ->
                            hasTasks ? selectNow.get() : io.netty.channel.SelectStrategy.BUSY_WAIT)
                    : EpollIoHandler.newFactory();
            if (!epoll) {
                notes.add("NIO transport (epoll " + (nio ? "disabled by --nio" : "unavailable") + "): no recvmmsg");
            }
            group = new MultiThreadIoEventLoopGroup(threads, factory);
            try {
                Iterator<io.netty.util.concurrent.EventExecutor> loops = group.iterator();
                for (int i = 0; i < threads; i++) {
                    workers.add(new Worker(i, (EventLoop) loops.next(), settings));
                }
                List<InetSocketAddress> peerAddresses = startPeers(settings);
                for (int i = 0; i < allocations; i++) {
                    Worker w = workers.get(i % threads);
                    ClientAllocation a = new ClientAllocation(i, w, peerAddresses.get(i % peerAddresses.size()));
                    all.add(a);
                }
                rssBefore = serverPid > 0 ? ProcStats.rssKb(serverPid) : -1;
                long c0 = System.nanoTime();
                connectFailed = openClientSockets(settings);
                connectNanos = clientTransport.isStream() ? System.nanoTime() - c0 : 0;
                if (clientTransport.isStream()) {
                    err.printf(Locale.ROOT, "loadgen: %d/%d %s connections open in %.0f ms%n",
                            allocations - connectFailed, allocations, clientTransport.id(), connectNanos / 1e6);
                    if (connectFailed == allocations) {
                        err.println("loadgen: no " + clientTransport.id() + " connection to " + server
                                + " could be opened (" + firstFailure() + ")");
                        return 1;
                    }
                    if (tls != null) {
                        notes.add("tls: " + negotiated());
                    }
                }
                for (Worker w : workers) {
                    w.loop.submit(() -> w.allocations.addAll(all.stream().filter(a -> a.worker == w).toList()))
                            .sync();
                }
                return measure(startedAt, settings);
            } finally {
                for (ClientAllocation a : all) {
                    if (a.channel() != null) {
                        a.channel().close();
                    }
                }
                for (Channel c : peerChannels) {
                    c.close();
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }

        private List<InetSocketAddress> startPeers(RunSettings settings) throws Exception {
            if (externalPeer != null) {
                notes.add("external echo peer " + externalPeer + ": client-to-peer counts are not available");
                return List.of(hostPort(externalPeer, "--external-peer"));
            }
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int k = 0; k < peers; k++) {
                Worker w = workers.get(k % threads);
                Bootstrap b = peerBootstrap(epoll, w, settings);
                Channel ch = b.bind(new InetSocketAddress(InetAddress.getByName(peerHost),
                        peerPort == 0 ? 0 : peerPort + k)).sync().channel();
                peerChannels.add(ch);
                addresses.add((InetSocketAddress) ch.localAddress());
            }
            return addresses;
        }

        private String firstFailure() {
            for (ClientAllocation a : all) {
                if (!a.failureReason().isEmpty()) {
                    return a.failureReason();
                }
            }
            return "no reason given";
        }

        /** Protocol and cipher suite of the first TLS connection that completed its handshake. */
        private String negotiated() {
            for (ClientAllocation a : all) {
                Channel ch = a.channel();
                SslHandler h = ch == null ? null : ch.pipeline().get(SslHandler.class);
                if (h != null && h.handshakeFuture().isSuccess()) {
                    javax.net.ssl.SSLSession session = h.engine().getSession();
                    return session.getProtocol() + " " + session.getCipherSuite();
                }
            }
            return "no handshake completed";
        }

        /** Opens the client sockets (UDP) or connections (TCP, TLS); returns the connections that failed. */
        private int openClientSockets(RunSettings settings) throws Exception {
            return openClientSockets(settings, all);
        }

        private int openClientSockets(RunSettings settings, List<ClientAllocation> targets) throws Exception {
            if (settings.transport().isStream()) {
                return openConnections(settings, targets);
            }
            InetAddress local = InetAddress.getByName(clientHost);
            List<ChannelFuture> futures = new ArrayList<>(targets.size());
            for (ClientAllocation a : targets) {
                Bootstrap b = clientBootstrap(epoll, a, settings, allocations);
                futures.add(b.connect(settings.server(), new InetSocketAddress(local, 0)));
                if (futures.size() >= 512) {
                    drainFutures(futures);
                }
            }
            drainFutures(futures);
            return 0;
        }

        /**
         * One TCP connection per allocation, with TLS on top for {@code --transport tls}, {@link #CONNECT_BATCH} at
         * a time; a connection counts as open when TCP (and TLS) are up. A connection that fails marks its
         * allocation failed with the reason, and the run goes on with the others.
         */
        private int openConnections(RunSettings settings, List<ClientAllocation> targets) throws Exception {
            InetAddress local = InetAddress.getByName(clientHost);
            int failed = 0;
            List<ClientAllocation> batch = new ArrayList<>(CONNECT_BATCH);
            List<io.netty.util.concurrent.Future<?>> futures = new ArrayList<>(CONNECT_BATCH);
            for (int i = 0; i < targets.size(); i++) {
                ClientAllocation a = targets.get(i);
                ChannelFuture connect = streamBootstrap(a, settings).connect(settings.server(),
                        new InetSocketAddress(local, 0));
                batch.add(a);
                futures.add(tls == null ? connect : handshakeOf(connect));
                if (batch.size() == CONNECT_BATCH || i == targets.size() - 1) {
                    for (int k = 0; k < batch.size(); k++) {
                        io.netty.util.concurrent.Future<?> f = futures.get(k);
                        f.await(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                        if (!f.isSuccess()) {
                            failed++;
                            ClientAllocation failedOne = batch.get(k);
                            Throwable cause = f.cause();
                            String why = "connect over " + settings.transport().id() + ": " + (cause == null
                                    ? "no answer in " + Durations.format(handshakeTimeout)
                                    : cause.getClass().getSimpleName() + ": " + cause.getMessage());
                            failedOne.worker.loop.submit(() -> failedOne.connectFailed(why)).sync();
                            Channel ch = failedOne.channel();
                            if (ch != null) {
                                ch.close();
                            }
                        }
                    }
                    batch.clear();
                    futures.clear();
                }
            }
            return failed;
        }

        /** The TLS handshake of the connection {@code connect} opens (failed when the connect fails). */
        private io.netty.util.concurrent.Future<?> handshakeOf(ChannelFuture connect) {
            io.netty.util.concurrent.Promise<Object> done = connect.channel().eventLoop().newPromise();
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    done.tryFailure(f.cause());
                    return;
                }
                SslHandler h = connect.channel().pipeline().get(SslHandler.class);
                h.handshakeFuture().addListener(hf -> {
                    if (hf.isSuccess()) {
                        done.trySuccess(null);
                    } else {
                        done.tryFailure(hf.cause());
                    }
                });
            });
            return done;
        }

        private Bootstrap streamBootstrap(ClientAllocation a, RunSettings settings) {
            String host = settings.server().getHostString();
            int port = settings.server().getPort();
            return new Bootstrap().group(a.worker.loop)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.TCP_NODELAY, true) // a probe must not wait for the last one's ACK
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            handshakeTimeout.toMillis()))
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 << 10, 1 << 20))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                            }
                            ch.pipeline().addLast(a);
                        }
                    });
        }

        private void drainFutures(List<ChannelFuture> futures) throws Exception {
            for (ChannelFuture f : futures) {
                f.sync();
            }
            futures.clear();
        }

        private int measure(Instant startedAt, RunSettings settings) throws Exception {

            // ---- handshake: Allocate every allocation, then bind every one ------------------------------------
            Histogram allocateTimes = Histograms.run();
            Histogram bindTimes = Histograms.run();
            if (handshakeWarmup > 0) {
                warmUpHandshakes(settings);
            }
            long cpuBeforeAllocate = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
            long selfBeforeAllocate = ProcStats.cpuNanos(0);
            long t0 = System.nanoTime();
            int allocated = phase("allocate", (a, done) -> a.allocate(done));
            long allocateNanos = System.nanoTime() - t0;
            long cpuAfterAllocate = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
            double allocateServerCpu = cpuBeforeAllocate >= 0 && cpuAfterAllocate >= 0
                    ? round(100.0 * (cpuAfterAllocate - cpuBeforeAllocate) / allocateNanos) : -1;
            double allocateSelfCpu = 100.0 * (ProcStats.cpuNanos(0) - selfBeforeAllocate) / allocateNanos;
            if (allocations >= 1000 && allocateSelfCpu > 90 * threads && !busyPoll) {
                notes.add(String.format(Locale.ROOT, "allocate phase generator-bound: generator CPU %.0f%%, server "
                        + "CPU %.0f%%", allocateSelfCpu, allocateServerCpu));
            }
            long t1 = System.nanoTime();
            int ready = phase(settings.mode() == RunSettings.Mode.CHANNEL ? "channel-bind" : "create-permission",
                    (a, done) -> a.bind(done));
            long bindNanos = System.nanoTime() - t1;
            Map<String, Integer> errors = new TreeMap<>();
            for (ClientAllocation a : all) {
                if (a.state() == ClientAllocation.State.READY) {
                    Histograms.record(allocateTimes, a.allocateNanos);
                    Histograms.record(bindTimes, a.bindNanos);
                } else if (a.state() == ClientAllocation.State.ALLOCATED) {
                    Histograms.record(allocateTimes, a.allocateNanos);
                } else {
                    errors.merge(Integer.toString(a.failureCode()), 1, Integer::sum);
                }
            }
            for (ClientAllocation a : all) {
                if (a.state() == ClientAllocation.State.FAILED) {
                    notes.add("first failure: allocation " + a.index + ": " + a.failureCode() + " "
                            + a.failureReason());
                    break;
                }
            }
            double allocPerSecond = allocated / Math.max(1e-9, allocateNanos / 1e9);
            err.printf(Locale.ROOT, "loadgen: %d/%d allocations ready (allocate %.0f ms, %.0f/s; bind %.0f ms)%s%n",
                    ready, allocations, allocateNanos / 1e6, allocPerSecond, bindNanos / 1e6,
                    errors.isEmpty() ? "" : ", errors " + errors);
            if (serverPid > 0) {
                Thread.sleep(300); // let the server settle before reading its RSS
            }
            long rssAllocated = serverPid > 0 ? ProcStats.rssKb(serverPid) : -1;
            long serverThreads = serverPid > 0 ? ProcStats.threads(serverPid) : -1;

            // ---- idle hold: every allocation live, nothing sent ------------------------------------------------
            LoadResult.Idle idle = null;
            if (!hold.isZero()) {
                err.printf(Locale.ROOT, "loadgen: holding %d allocations idle for %s%n", ready, Durations.format(hold));
                Thread.sleep(hold.toMillis());
                long rssIdle = serverPid > 0 ? ProcStats.rssKb(serverPid) : -1;
                long fds = serverPid > 0 ? ProcStats.openFiles(serverPid) : -1;
                int open = 0;
                for (ClientAllocation a : all) {
                    if (a.channel() != null && a.channel().isActive()) {
                        open++;
                    }
                }
                double perAllocation = rssBefore >= 0 && rssIdle >= 0 && ready > 0
                        ? round((double) (rssIdle - rssBefore) / ready) : -1;
                idle = new LoadResult.Idle(round(hold.toNanos() / 1e9), rssBefore, rssIdle, ready, open, fds,
                        perAllocation);
                if (open < allocations - connectFailed) {
                    notes.add("idle hold: " + (allocations - connectFailed - open) + " connections closed during "
                            + "the hold");
                }
            }

            // ---- traffic --------------------------------------------------------------------------------------
            Worker.Snapshot atStop = null;
            Worker.Snapshot finalSnap = null;
            double seconds = 0;
            double serverCpuSeconds = -1;
            double generatorCpuSeconds = -1;
            if (ready > 0 && !duration.isZero()) {
                if (!warmup.isZero()) {
                    startEpoch(Worker.EPOCH_WARMUP, Long.MAX_VALUE);
                    err.printf(Locale.ROOT, "loadgen: warm-up %s%n", Durations.format(warmup));
                    sleepWithProgress(warmup, false);
                }
                long serverCpu0 = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
                long selfCpu0 = ProcStats.cpuNanos(0);
                long budget = maxPackets == 0 ? Long.MAX_VALUE : Math.max(1, maxPackets / threads);
                long m0 = System.nanoTime();
                measureStartMs = System.currentTimeMillis();
                startEpoch(Worker.EPOCH_MEASURE, budget, timeline.toNanos());
                sleepWithProgress(duration, true);
                atStop = snapshot(false);
                long m1 = System.nanoTime();
                long serverCpu1 = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
                long selfCpu1 = ProcStats.cpuNanos(0);
                for (Worker w : workers) {
                    w.loop.submit(w::stopSending).sync();
                }
                Thread.sleep(drain.toMillis());
                finalSnap = snapshot(true);
                seconds = (m1 - m0) / 1e9;
                if (serverCpu0 >= 0 && serverCpu1 >= 0) {
                    serverCpuSeconds = (serverCpu1 - serverCpu0) / 1e9;
                }
                if (selfCpu0 >= 0 && selfCpu1 >= 0) {
                    generatorCpuSeconds = (selfCpu1 - selfCpu0) / 1e9;
                }
            }
            long rssAfter = serverPid > 0 ? ProcStats.rssKb(serverPid) : -1;

            // ---- delete ---------------------------------------------------------------------------------------
            int deleted = 0;
            if (!keep) {
                deleted = phase("delete", (a, done) -> a.delete(done));
            }

            long lost = snapshot(false).connectionsLost();
            if (lost > 0) {
                notes.add(lost + " " + clientTransport.id() + " connections closed under a live allocation");
            }
            LoadResult result = result(startedAt, settings, allocated, ready, errors, allocateNanos, bindNanos,
                    allocPerSecond, allocateServerCpu, allocateTimes, bindTimes, deleted, atStop, finalSnap, seconds,
                    serverCpuSeconds, generatorCpuSeconds, rssBefore, rssAllocated, rssAfter, serverThreads, idle,
                    lost);
            printSummary(result);
            if (json != null) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(json, mapper.writeValueAsString(result) + "\n", StandardCharsets.UTF_8);
            }
            return ready == 0 ? 1 : 0;
        }

        /** Runs one control-plane step on every allocation with at most {@code --concurrency} in flight. */
        private int phase(String name, java.util.function.BiConsumer<ClientAllocation, ClientAllocation.Completion> step)
                throws InterruptedException {
            return phase(name, step, all);
        }

        private int phase(String name, java.util.function.BiConsumer<ClientAllocation, ClientAllocation.Completion> step,
                          List<ClientAllocation> targets) throws InterruptedException {
            return runPhase(name, workers, targets, step, concurrency, handshakeTimeout, notes, err);
        }

        /** Throw-away allocations on their own sockets: allocate, bind, delete, close. */
        private void warmUpHandshakes(RunSettings settings) throws Exception {
            List<ClientAllocation> warm = new ArrayList<>();
            for (int i = 0; i < handshakeWarmup; i++) {
                Worker w = workers.get(i % threads);
                warm.add(new ClientAllocation(-1 - i, w, all.get(i % all.size()).peer));
            }
            openClientSockets(settings, warm);
            long t = System.nanoTime();
            int ok = phase("warm-up allocate", (a, done) -> a.allocate(done), warm);
            phase("warm-up bind", (a, done) -> a.bind(done), warm);
            phase("warm-up delete", (a, done) -> a.delete(done), warm);
            for (ClientAllocation a : warm) {
                a.channel().close().sync();
            }
            err.printf(Locale.ROOT, "loadgen: handshake warm-up: %d/%d allocations in %.0f ms%n", ok, warm.size(),
                    (System.nanoTime() - t) / 1e6);
        }

        private void startEpoch(int epoch, long budget) throws InterruptedException {
            startEpoch(epoch, budget, 0);
        }

        private void startEpoch(int epoch, long budget, long timelineNanos) throws InterruptedException {
            for (Worker w : workers) {
                w.loop.submit(() -> w.startEpoch(epoch, budget, timelineNanos)).sync();
            }
        }

        /** The workers' counters added up; with {@code withHistogram} their histograms too, and their timelines. */
        private Worker.Snapshot snapshot(boolean withHistogram) throws Exception {
            long sent = 0, dropped = 0, delivered = 0, peerRx = 0, peerDropped = 0, stale = 0, invalid = 0, lost = 0;
            Histogram h = Histograms.run();
            Histogram hc = Histograms.run();
            List<List<Histogram>> windows = new ArrayList<>();
            for (Worker w : workers) {
                Worker.Snapshot s = w.loop.submit(() -> w.snapshot(withHistogram)).get(10, TimeUnit.SECONDS);
                sent += s.sent();
                dropped += s.sendDropped();
                delivered += s.delivered();
                peerRx += s.peerReceived();
                peerDropped += s.peerDropped();
                stale += s.stale();
                invalid += s.invalid();
                lost += s.connectionsLost();
                if (withHistogram) {
                    h.add(s.rtt());
                    hc.add(s.rttCorrected());
                    windows.add(s.timeline());
                }
            }
            if (withHistogram) {
                timelines = windows;
            }
            return new Worker.Snapshot(sent, dropped, delivered, peerRx, peerDropped, stale, invalid, lost, h, hc,
                    List.of());
        }

        private void sleepWithProgress(Duration d, boolean measuring) throws Exception {
            long end = System.nanoTime() + d.toNanos();
            long interval = progress.isZero() || d.compareTo(Duration.ofSeconds(2)) < 0 ? Long.MAX_VALUE
                    : progress.toNanos();
            long start = System.nanoTime();
            Worker.Snapshot last = measuring ? snapshot(false) : null;
            long lastAt = System.nanoTime();
            long lastCpu = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    return;
                }
                long sleepNanos = Math.min(end - now, interval);
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
                if (measuring && interval != Long.MAX_VALUE && System.nanoTime() < end) {
                    Worker.Snapshot s = snapshot(true);
                    long at = System.nanoTime();
                    double dt = (at - lastAt) / 1e9;
                    long cpu = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : -1;
                    String cpuText = cpu >= 0 && lastCpu >= 0
                            ? String.format(Locale.ROOT, "  server cpu %.0f%%", (cpu - lastCpu) / 1e7 / dt) : "";
                    err.printf(Locale.ROOT, "[%5.1fs] sent %s/s  forwarded %s pps  loss %.2f%%  rtt p50 %.0fus"
                                    + " p99 %.0fus (corrected %.0fus)%s%n",
                            (at - start) / 1e9, si((s.sent() - last.sent()) / dt),
                            si((s.delivered() - last.delivered() + s.peerReceived() - last.peerReceived()) / dt),
                            s.sent() == 0 ? 0.0 : 100.0 * Math.max(0, s.sent() - s.delivered()) / s.sent(),
                            Histograms.at(s.rtt(), 50) / 1e3, Histograms.at(s.rtt(), 99) / 1e3,
                            Histograms.at(s.rttCorrected(), 99) / 1e3, cpuText);
                    last = s;
                    lastAt = at;
                    lastCpu = cpu;
                }
            }
        }

        private LoadResult result(Instant startedAt, RunSettings settings, int allocated, int ready,
                                  Map<String, Integer> errors, long allocateNanos, long bindNanos,
                                  double allocPerSecond, double allocateServerCpu, Histogram allocateTimes,
                                  Histogram bindTimes, int deleted, Worker.Snapshot atStop,
                                  Worker.Snapshot fin, double seconds, double serverCpuSeconds,
                                  double generatorCpuSeconds, long rssBefore, long rssAllocated, long rssAfter,
                                  long serverThreads, LoadResult.Idle idle, long connectionsLost) {
            LoadResult.Host host = new LoadResult.Host(hostname(), cpuCount(), cpuModel(),
                    readFirstLine("/proc/sys/kernel/osrelease"), System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.version"));
            LoadResult.Config config = new LoadResult.Config(settings.server().getAddress().getHostAddress() + ":"
                    + settings.server().getPort(), mode, allocations, payload, rate, duration.toNanos() / 1e9,
                    warmup.toNanos() / 1e9, settings.windowPerAllocation(), threads,
                    externalPeer == null ? peers : 0, maxPackets, settings.transport().id());
            LoadResult.Handshake handshake = new LoadResult.Handshake(allocations, allocated, ready,
                    allocations - ready, errors, concurrency, round(allocateNanos / 1e6), round(bindNanos / 1e6),
                    round(allocPerSecond), Histograms.millis(allocateTimes, 50), Histograms.millis(allocateTimes, 99),
                    Histograms.millis(allocateTimes, 100), Histograms.millis(bindTimes, 50),
                    Histograms.millis(bindTimes, 99), Histograms.millis(bindTimes, 100), allocateServerCpu, deleted, round(connectNanos / 1e6), connectFailed,
                    connectionsLost);
            LoadResult.Traffic traffic = null;
            double forwarded = 0;
            if (fin != null && seconds > 0) {
                LoadResult.Rtt rtt = Histograms.micros(fin.rtt());
                LoadResult.Rtt corrected = Histograms.micros(fin.rttCorrected());
                LoadResult.Timeline tl = null;
                if (!timeline.isZero()) {
                    double origin = timelineOriginMs > 0 ? round((measureStartMs - timelineOriginMs) / 1e3) : 0;
                    tl = new LoadResult.Timeline(timelineOriginMs > 0 ? "server ready" : "measured window",
                            round(timeline.toNanos() / 1e9), origin,
                            Histograms.timeline(timelines, timeline.toNanos(), origin,
                                    (int) ((duration.toNanos() + timeline.toNanos() - 1) / timeline.toNanos())));
                }
                long lost = Math.max(0, fin.sent() - fin.delivered());
                double c2p = externalPeer == null ? atStop.peerReceived() / seconds : -1;
                double p2c = atStop.delivered() / seconds;
                forwarded = externalPeer == null ? c2p + p2c : 2 * p2c;
                int wireBytes = payload + 28; // IPv4 + UDP headers around the payload, per forwarded datagram
                traffic = new LoadResult.Traffic(round(seconds), fin.sent(), externalPeer == null
                        ? fin.peerReceived() : -1, fin.delivered(), lost,
                        fin.sent() == 0 ? 0 : round(100.0 * lost / fin.sent()), fin.sendDropped(), fin.peerDropped(),
                        fin.stale(), fin.invalid(), round(atStop.sent() / seconds), round(c2p), round(p2c),
                        round(forwarded), round(forwarded * wireBytes * 8 / 1e6), rtt, corrected, tl);
            }
            double cpuPercent = serverCpuSeconds >= 0 && seconds > 0 ? round(100 * serverCpuSeconds / seconds) : -1;
            LoadResult.Server serverUsage = new LoadResult.Server(serverPid, cpuPercent, round(serverCpuSeconds),
                    serverCpuSeconds > 0 ? round(forwarded * seconds / serverCpuSeconds) : -1, rssBefore, rssAllocated,
                    rssAfter, serverThreads);
            LoadResult.Generator gen = new LoadResult.Generator(generatorCpuSeconds >= 0 && seconds > 0
                    ? round(100 * generatorCpuSeconds / seconds) : -1);
            if (busyPoll) {
                notes.add("busy-poll: the generator spins, so its CPU use says nothing about its load");
            } else if (gen.cpuPercent() > 90 * threads && cpuPercent >= 0 && cpuPercent < 85) {
                notes.add(String.format(Locale.ROOT, "generator-bound: generator CPU %.0f%%, server CPU %.0f%%; "
                        + "the server was not saturated", gen.cpuPercent(), cpuPercent));
            }
            if (traffic != null && rate > 0 && traffic.sentPps() < 0.95 * rate) {
                notes.add(String.format(Locale.ROOT, "rate not reached: %.0f probes/s sent of %d asked",
                        traffic.sentPps(), rate));
            }
            return new LoadResult(LoadResult.TOOL, LoadResult.SCHEMA, label, startedAt.toString(), host, config,
                    handshake, traffic, serverUsage, gen, List.copyOf(notes), idle);
        }

        private void printSummary(LoadResult r) {
            LoadResult.Handshake h = r.handshake();
            out.printf(Locale.ROOT, "%s %s over %s: %d allocations x %d B, %s%n", r.label(), r.config().server(),
                    r.config().transport(), r.config().allocations(), r.config().payload(),
                    r.traffic() == null ? "no traffic"
                            : r.config().ratePps() == 0 ? "as fast as possible" : r.config().ratePps() + " probes/s");
            if (h.connectPhaseMs() > 0 || h.connectFailed() > 0) {
                out.printf(Locale.ROOT, "  connect: %d open, %d failed, %.0f ms%n", h.requested() - h.connectFailed(),
                        h.connectFailed(), h.connectPhaseMs());
            }
            out.printf(Locale.ROOT, "  handshake: %d ready, %d failed %s, allocate %.0f ms (%.0f/s, p50 %.2f ms,"
                            + " p99 %.2f ms%s), bind %.0f ms, deleted %d%n", h.ready(), h.failed(), h.errors(),
                    h.allocatePhaseMs(), h.allocationsPerSecond(), h.allocateP50Ms(), h.allocateP99Ms(),
                    h.allocateServerCpuPercent() < 0 ? ""
                            : String.format(Locale.ROOT, ", server cpu %.0f%%", h.allocateServerCpuPercent()),
                    h.bindPhaseMs(), h.deleted());
            LoadResult.Traffic t = r.traffic();
            if (t != null) {
                out.printf(Locale.ROOT, "  traffic: %.2f s, sent %d, peer received %d, delivered %d, lost %d"
                                + " (%.3f%%), send-dropped %d%n", t.seconds(), t.sent(), t.peerReceived(),
                        t.delivered(), t.lost(), t.lossPercent(), t.sendDropped());
                out.printf(Locale.ROOT, "  forwarded: %s pps (client->peer %s, peer->client %s), %.0f Mbit/s%n",
                        si(t.forwardedPps()), si(t.clientToPeerPps()), si(t.peerToClientPps()),
                        t.forwardedMbps());
                LoadResult.Rtt rtt = t.rttMicros();
                LoadResult.Rtt c = t.rttCorrectedMicros();
                out.printf(Locale.ROOT, "  rtt us: p50 %.1f  p90 %.1f  p99 %.1f  p999 %.1f  max %.1f%n", rtt.p50(),
                        rtt.p90(), rtt.p99(), rtt.p999(), rtt.max());
                out.printf(Locale.ROOT, "  rtt us corrected (from the intended send): p50 %.1f  p90 %.1f  p99 %.1f"
                        + "  p999 %.1f  max %.1f%n", c.p50(), c.p90(), c.p99(), c.p999(), c.max());
                if (t.timeline() != null) {
                    LoadResult.Timeline tl = t.timeline();
                    StringBuilder line = new StringBuilder();
                    for (LoadResult.Window w : tl.windows()) {
                        line.append(String.format(Locale.ROOT, " %.0f", w.p99()));
                    }
                    out.printf(Locale.ROOT, "  timeline (corrected p99 us per %.1f s from %s + %.1f s):%s%n",
                            tl.windowSeconds(), tl.origin(), tl.measureStartSeconds(), line);
                }
            }
            LoadResult.Server s = r.server();
            if (s.pid() > 0) {
                String cpu = s.cpuPercent() < 0 ? "" : String.format(Locale.ROOT, "cpu %.1f%%, %s forwarded per "
                        + "cpu-second, ", s.cpuPercent(), si(s.forwardedPerCpuSecond()));
                out.printf(Locale.ROOT, "  server pid %d: %srss %d -> %d -> %d KiB, %d threads%n", s.pid(), cpu,
                        s.rssKbBefore(), s.rssKbAllocated(), s.rssKbAfter(), s.threads());
            }
            LoadResult.Idle idle = r.idle();
            if (idle != null) {
                out.printf(Locale.ROOT, "  idle %.0f s: %d allocations, %d still open; server rss %d -> %d KiB (%s KiB "
                                + "per allocation), %d open files%n", idle.seconds(), idle.allocations(),
                        idle.openAtEnd(), idle.rssKbBefore(), idle.rssKbIdle(),
                        idle.kbPerAllocation() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", idle.kbPerAllocation()),
                        idle.serverFds());
            }
            if (t != null) {
                out.printf(Locale.ROOT, "  generator cpu %.1f%%%n", r.generator().cpuPercent());
            }
            for (String n : r.notes()) {
                out.println("  note: " + n);
            }
        }
    }

    /**
     * A datagram socket of the generator on {@code w}'s loop: pooled buffers, recvmmsg batches of {@code batch}
     * datagrams of {@code datagram} bytes (epoll), level-triggered unless {@code -Dloadgen.edge=true}. Shared by the
     * load generator and the soak, so both measure with the same sockets.
     */
    @SuppressWarnings("deprecation")
    static Bootstrap datagramBootstrap(boolean epoll, Worker w, ChannelHandler handler, int datagram, int batch,
                                       int rcvbuf) {
        Bootstrap b = new Bootstrap().group(w.loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, rcvbuf)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 << 10, 1 << 20))
                .option(ChannelOption.MAX_MESSAGES_PER_READ, 16)
                .handler(handler);
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagram)
                    .option(EpollChannelOption.EPOLL_MODE, Boolean.getBoolean("loadgen.edge")
                            ? EpollMode.EDGE_TRIGGERED : EpollMode.LEVEL_TRIGGERED)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagram * batch));
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagram));
        }
        return b;
    }

    /**
     * The UDP client socket of allocation {@code a} (not yet connected): datagram slots for the payload plus
     * headroom, recvmmsg batches sized for the mode, a smaller receive buffer when there are many sockets.
     */
    static Bootstrap clientBootstrap(boolean epoll, ClientAllocation a, RunSettings settings, int allocations) {
        int datagram = roundUp(Math.max(settings.payload() + 128, 576), 64);
        int batch = Integer.getInteger("loadgen.batch",
                settings.ratePps() == 0 ? Math.min(64, Math.max(4, settings.windowPerAllocation())) : 16);
        int rcvbuf = allocations <= 100 ? 1 << 20 : 256 << 10;
        return datagramBootstrap(epoll, a.worker, a, datagram, batch, rcvbuf);
    }

    /** An echo peer's socket on {@code w}'s loop ({@link EchoPeer}), with a 4 MB receive buffer. */
    static Bootstrap peerBootstrap(boolean epoll, Worker w, RunSettings settings) {
        int datagram = roundUp(settings.payload() + 64, 64);
        return datagramBootstrap(epoll, w, new EchoPeer(w, settings.gso()), datagram, 64, 4 << 20);
    }

    /**
     * Runs one control-plane step on every allocation of {@code targets} with at most {@code concurrency} in flight
     * (split over the workers, whose loops start the next step when one finishes); waits at most {@code timeout},
     * printing progress every 2 s. Returns the steps that succeeded; a timeout is added to {@code notes}.
     */
    static int runPhase(String name, List<Worker> workers, List<ClientAllocation> targets,
                        java.util.function.BiConsumer<ClientAllocation, ClientAllocation.Completion> step,
                        int concurrency, Duration timeout, List<String> notes, PrintStream err)
            throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(targets.size());
        AtomicInteger ok = new AtomicInteger();
        long deadline = System.nanoTime() + timeout.toNanos();
        ClientAllocation.Completion done = (a, success) -> {
            if (success) {
                ok.incrementAndGet();
            }
            finished.countDown();
        };
        int perWorker = Math.max(1, concurrency / workers.size());
        for (Worker w : workers) {
            List<ClientAllocation> mine = targets.stream().filter(a -> a.worker == w).toList();
            w.loop.execute(() -> w.runPhase(mine, step, perWorker, done));
        }
        long reportEvery = 2_000_000_000L;
        while (!finished.await(Math.min(reportEvery, Math.max(0, deadline - System.nanoTime())),
                TimeUnit.NANOSECONDS)) {
            if (System.nanoTime() >= deadline) {
                notes.add(name + ": timed out after " + Durations.format(timeout) + " with "
                        + finished.getCount() + " unfinished");
                break;
            }
            err.printf(Locale.ROOT, "loadgen: %s %d/%d%n", name, targets.size() - finished.getCount(),
                    targets.size());
        }
        return ok.get();
    }

    /**
     * The generator's TLS client context. <b>Benchmark only:</b> it trusts every certificate and checks no host
     * name, because compare.sh's servers use a self-signed certificate made at run time on loopback. Never copy this
     * into a real client.
     */
    static SslContext clientTls(List<String> protocols) throws javax.net.ssl.SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .protocols(protocols)
                .build();
    }

    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double us(long nanos) {
        return round(nanos / 1e3);
    }

    static String si(double v) {
        if (v < 0) {
            return "n/a";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String hostname() {
        String h = readFirstLine("/proc/sys/kernel/hostname");
        return h.isEmpty() ? "unknown" : h;
    }

    private static int cpuCount() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("processor")).count();
        } catch (Exception e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String readFirstLine(String file) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
