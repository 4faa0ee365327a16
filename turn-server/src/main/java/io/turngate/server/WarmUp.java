package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.auth.LongTermCredentials;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunConstants;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-warm-up (issue 13): before {@code /ready} turns 200, turngate drives its own relay path over loopback for a
 * bounded time, so that the first real game does not meet interpreted or C1-compiled code on the event loop.
 * Measured on this project's load generator, the first seconds after start had the worst RTT tails, and runs with
 * many JIT compilations during the measurement had the worst of all (benchmarks/README.md).
 *
 * <p>How: a private {@link Gateway} in this JVM with the daemon's own {@link Gateway.Options} (so the same
 * transport, GSO and batching code is compiled), one TURN-UDP listener on an ephemeral port, random static
 * credentials, and one route that names only the warm-up peer, a loopback socket of this class. Compiled code is
 * per method, not per instance, so what the private gateway's event loop compiles is what the real listeners run.
 * What is per thread is not: in the daemon the private gateway runs on the real gateway's event loops, one socket
 * per loop ({@link #run(Gateway, Gateway.Options, Duration, long, Streams, boolean)}). On loops of its own, the
 * first real datagrams on each real loop created its thread-local caches (Netty's buffer pool cache and recyclers,
 * the native {@code recvmmsg} arrays), branches that C2 had compiled as never taken, and about 20 of the hottest
 * relay methods were thrown away and recompiled in the first game (measured with {@code -XX:+LogCompilation},
 * benchmarks/README.md); the private loops' shutdown at the end did the same to the epoll loop's methods.
 * {@value #ALLOCATIONS} clients allocate (the Allocate, CreatePermission and ChannelBind handlers run too); half of
 * them relay with ChannelData and half with Send indications, and the peer echoes every datagram, so all four data
 * paths run: ChannelData and Send indication from the client, ChannelData and Data indication to it. Beside those
 * bursts, {@value #PACED_THREADS} more clients relay one datagram at a time and {@value #LIFE_THREADS} threads run
 * whole allocation lives back to back ({@link Lives}), so that paced traffic and the control plane are compiled too.
 * The warm-up stops at the first of: {@code budget} elapsed, {@code packetTarget} datagrams relayed, and (the
 * daemon's way) the JIT compiler settled ({@link JitWatch}). The private gateway is closed before this returns; its
 * traffic is not counted in the real gateway's metrics (it has none).
 *
 * <p>TURN-TCP and TURN-TLS (when the daemon serves them): the private gateway gets a listener of each kind (TLS with
 * a self-signed certificate made for it, the daemon's TLS engine), and every round of the warm-up runs, besides the
 * UDP bursts, a burst on one long-lived connection per kind, and every {@value #CHURN_EVERY}th round a whole
 * connection's life on a new one: connect, TLS handshake (TLS 1.3 and 1.2 in turn), Allocate, ChannelBind or
 * CreatePermission, a burst, close. Measured here
 * (benchmarks/README.md): warmed on data alone, the event loop's hottest compiled methods (the epoll loop, the
 * OpenSSL engine's wrap and unwrap, the frame decoder) were thrown away ("made not entrant") each time connections
 * opened or closed, since those branches had never run when C2 compiled them, and recompiling them took the
 * server's core for seconds, in the middle of the traffic. Interleaving every phase before C2 compiles lets it
 * compile them once, with every branch seen.
 *
 * <p>It never fails the start: an error ends the warm-up early, and the result says why.
 */
public final class WarmUp {
    /** Clients, each with its own allocation; even ones use ChannelData, odd ones Send/Data indications. */
    static final int ALLOCATIONS = 4;
    /** Datagrams a client sends before it reads the echoes. */
    private static final int BURST = 32;
    private static final int PAYLOAD = 160;
    private static final int CHANNEL = 0x4000;
    /** Wait for the echoes of a burst. */
    private static final int TIMEOUT_MILLIS = 1000;
    /**
     * Wait for an answer to a request, sent again every {@value #RETRANSMIT_MILLIS} ms: the very first Allocate of a
     * cold JVM takes the whole STUN, auth and relay-bind path through the interpreter and class loading (over a
     * second on a busy 2-core machine).
     */
    private static final int ANSWER_MILLIS = 5000;
    private static final int RETRANSMIT_MILLIS = 500;
    private static final int UDP = 17;
    /**
     * Rounds between two whole connection lives on TURN-TCP and TURN-TLS: a TLS handshake from this JVM's cold client
     * costs tens of milliseconds, and every round on each connection would starve the UDP bursts (5,760 datagrams
     * relayed in 2 s instead of 132,608, measured here).
     */
    private static final int CHURN_EVERY = 16;
    /** A phase of all traffic (bursts, lives, paced clients) in the daemon's warm-up ({@link JitWatch})... */
    static final long TRAFFIC_PHASE_MILLIS = 300;
    /** ... and then at most this long of the paced clients alone. */
    static final long PACED_PHASE_MILLIS = 700;
    /** The JIT counts as settled no sooner than this far into the warm-up. */
    static final long SETTLE_MIN_MILLIS = 3000;
    /** The compilers count as quiet after at most this much CPU time in one window ({@link JitWatch})... */
    static final long SETTLE_QUIET_MILLIS = 10;
    /** ... of this length. */
    static final long SETTLE_WINDOW_MILLIS = 200;
    /** Threads running whole UDP allocation lives beside the data rounds ({@link Lives}). */
    private static final int LIFE_THREADS = 2;
    /**
     * Clients that relay one datagram at a time, each waiting for its echo: paced traffic (a game's stream) is read
     * and sent one datagram per event-loop wake-up, where a burst is read in batches and sent with GSO; they alone
     * run in the paced phases ({@link JitWatch}).
     */
    private static final int PACED_THREADS = 2;
    /** Datagrams a life relays between its ChannelBind (or CreatePermission) and its deletion. */
    private static final int LIFE_BURST = 4;
    /**
     * Clients of the fan-out bursts ({@link #fanOut}), allocated {@value #FANOUT_STEP} per round: more relay sockets
     * than Netty's recyclers keep per thread in one batch (32), and more datagrams in one burst
     * ({@value #FANOUT} × {@value #FANOUT_BURST}) than one wake-up reads from a socket
     * ({@link Transport#MAX_MESSAGES_PER_READ}).
     */
    static final int FANOUT = 96;
    /**
     * Times the warm-up does what the control plane does to running loops (a task on every loop, as
     * {@code /status} asks; a route change under running allocations, as a reconcile makes), at the start of the
     * first traffic phases: unwarmed, the first {@code /status} after {@code /ready} woke each loop from outside for
     * the first time, and the first datagram after a route change took a branch the relay had compiled as never
     * taken.
     */
    private static final int CONTROL_STEPS = 4;
    private static final int FANOUT_STEP = 8;
    private static final int FANOUT_BURST = 2;
    /** How long a fan-out client waits for an echo: a burst this wide may overflow the peer's socket buffer. */
    private static final int FANOUT_TIMEOUT_MILLIS = 50;

    /**
     * What a warm-up did: datagrams relayed (both directions, counted at the clients: each echo crossed the relay
     * twice), of which the echoes that came back as ChannelData and as Data indications, how long it took, why it
     * ended, the TCP/TLS connections opened and closed, and the whole UDP allocation lives (Allocate to Refresh with
     * lifetime 0) run beside the data.
     */
    public record Result(long relayed, long channelDataEchoes, long dataIndicationEchoes, Duration took,
                         String stoppedBecause, long streamConnections, long allocationLives) {
        public Result(long relayed, long channelDataEchoes, long dataIndicationEchoes, Duration took,
                      String stoppedBecause) {
            this(relayed, channelDataEchoes, dataIndicationEchoes, took, stoppedBecause, 0, 0);
        }

        @Override
        public String toString() {
            return relayed + " datagrams relayed over loopback in " + took.toMillis() + " ms (" + stoppedBecause
                    + "; echoes as ChannelData " + channelDataEchoes + ", as Data indications " + dataIndicationEchoes
                    + "; UDP allocation lives " + allocationLives
                    + (streamConnections == 0 ? "" : "; TCP/TLS connections opened and closed " + streamConnections)
                    + ")";
        }
    }

    /** Which stream transports the warm-up drives besides UDP: those the daemon serves. */
    public record Streams(boolean tcp, boolean tls) {
        public static final Streams NONE = new Streams(false, false);
    }

    private WarmUp() {
    }

    /**
     * Runs the warm-up on the calling thread (not an event loop), with a private gateway on event loops of its own.
     * {@code options} are the daemon's gateway options; the private gateway runs one socket whatever
     * {@code udpThreads} says.
     */
    public static Result run(Gateway.Options options, Duration budget, long packetTarget) {
        return run(options, budget, packetTarget, Streams.NONE);
    }

    /**
     * As {@link #run(Gateway.Options, Duration, long)}, with TURN-TCP and TURN-TLS as {@code streams} says; each of
     * them adds {@code budget} and {@code packetTarget} once more, since the first handshakes of a cold client alone
     * take most of a 2 s budget on one core (measured here: 0 datagrams relayed in the first 2 s of a fresh JVM with
     * TLS, 7,168 without).
     */
    public static Result run(Gateway.Options options, Duration budget, long packetTarget, Streams streams) {
        return run(options, budget, packetTarget, streams, false);
    }

    /**
     * As {@link #run(Gateway.Options, Duration, long, Streams)}; with {@code untilSettled} (the daemon's way:
     * {@code --warm-up-time}) the traffic alternates with phases of paced traffic alone, the warm-up also ends once
     * the JIT compiler has settled ({@link JitWatch}), and {@code budget} is the upper bound whatever
     * {@code streams} says.
     */
    public static Result run(Gateway.Options options, Duration budget, long packetTarget, Streams streams,
                             boolean untilSettled) {
        return run(null, options, budget, packetTarget, streams, untilSettled);
    }

    /**
     * As {@link #run(Gateway.Options, Duration, long, Streams, boolean)}, on {@code host}'s event loops when it is
     * not {@code null} (the daemon's way): the private gateway binds one {@code SO_REUSEPORT} socket per loop of
     * {@code host} (one on NIO) and its relay sockets and connections go to those loops too, so that the warm-up's
     * traffic, whole allocation lives above all (each from a new client port, so the kernel spreads them over the
     * sockets), runs on every loop the real traffic will run on ({@link Gateway#startOnLoopsOf}). {@code host}'s
     * own listeners keep serving meanwhile.
     */
    public static Result run(Gateway host, Gateway.Options options, Duration budget, long packetTarget,
                             Streams streams, boolean untilSettled) {
        int kinds = (streams.tcp() ? 1 : 0) + (streams.tls() ? 1 : 0);
        if (!untilSettled) {
            budget = budget.multipliedBy(1 + kinds); // each stream kind adds a budget and a target of its own
        }
        packetTarget = packetTarget > Long.MAX_VALUE / 3 ? packetTarget : packetTarget * (1 + kinds);
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int pacedPhases = 0;
        String password = HexFormat.of().formatHex(randomBytes(16));
        long relayed = 0;
        String why;
        List<Client> clients = new ArrayList<>();
        List<Client> fanout = new ArrayList<>();
        List<StreamClient> streamClients = new ArrayList<>();
        long[] echoes = new long[2]; // of stream clients gone: ChannelData, Data indications
        long connections = 0;
        Lives lives = null;
        try (Peer peer = new Peer()) {
            int port = freeUdpPort();
            int tcpPort = streams.tcp() ? freeTcpPort() : 0;
            int tlsPort = streams.tls() ? freeTcpPort() : 0;
            SelfSignedCertificate cert = streams.tls() ? SelfSignedCertificate.generate("127.0.0.1") : null;
            SSLContext tls = cert == null ? null : clientContext(cert);
            StunnerConfig own = config(port, tcpPort, tlsPort, cert, password, peer.address(), false);
            StunnerConfig changed = config(port, tcpPort, tlsPort, cert, password, peer.address(), true);
            Gateway.Options unlimited = options.withMaxAllocations(0, 0).withUnauthenticatedLimit(0, 0);
            try (Gateway gw = host == null ? Gateway.start(own, unlimited.withUdpThreads(1))
                    : Gateway.startOnLoopsOf(host, own, unlimited.withUdpThreads(
                            host.transport() == Transport.EPOLL ? host.eventLoops() : 1))) {
                peer.start();
                InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                for (int i = 0; i < ALLOCATIONS; i++) {
                    Client c = new Client(server, password);
                    clients.add(c);
                    c.allocate(peer.address(), i % 2 == 0);
                }
                List<InetSocketAddress> streamServers = new ArrayList<>();
                if (tcpPort > 0) {
                    streamServers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort));
                }
                if (tlsPort > 0) {
                    streamServers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort));
                }
                for (int i = 0; i < streamServers.size(); i++) { // one long-lived connection per kind
                    InetSocketAddress at = streamServers.get(i);
                    StreamClient c = StreamClient.connect(at, at.getPort() == tlsPort ? tls : null, 0, password);
                    streamClients.add(c);
                    c.allocate(peer.address(), true);
                    connections++;
                }
                lives = new Lives(server, password, peer.address());
                why = "budget of " + budget.toMillis() + " ms used";
                JitWatch jit = untilSettled ? new JitWatch(System::nanoTime, JitWatch.compileTime(),
                        WarmUp::sleepMillis) : null;
                long phaseEnd = start + TRAFFIC_PHASE_MILLIS * 1_000_000L;
                int round = 0;
                int applied = 0;
                boolean controlPending = false; // at the start of each traffic phase after a paced one
                outer:
                while (System.nanoTime() < deadline) {
                    for (Client c : clients) {
                        relayed += c.burst(peer.address());
                    }
                    for (StreamClient c : streamClients) {
                        relayed += c.burst();
                    }
                    if (fanout.size() < FANOUT) {
                        for (int i = 0; i < FANOUT_STEP; i++) {
                            Client c = new Client(server, password);
                            fanout.add(c); // closed with the others
                            c.allocate(peer.address(), i % 2 == 0);
                        }
                    } else {
                        relayed += fanOut(fanout);
                    }
                    if (applied < CONTROL_STEPS && (controlPending || round % CHURN_EVERY == CHURN_EVERY / 2)) {
                        controlPending = false;
                        gw.allocationSnapshot(ANSWER_MILLIS).join(); // a task on every loop, as /status asks
                        gw.apply(++applied % 2 == 1 ? changed : own); // a new route policy under the allocations
                        // (a few suffice: a branch once taken in the profile stays compiled in)
                    }
                    for (int i = 0; round % CHURN_EVERY == 0 && i < streamServers.size(); i++) { // a whole life
                        InetSocketAddress at = streamServers.get(i);
                        try (StreamClient c = StreamClient.connect(at, at.getPort() == tlsPort ? tls : null,
                                round / CHURN_EVERY, password)) {
                            c.allocate(peer.address(), (round / CHURN_EVERY) % 2 == 0);
                            relayed += c.burst();
                            echoes[0] += c.channelDataEchoes;
                            echoes[1] += c.dataIndicationEchoes;
                        }
                        connections++;
                    }
                    round++;
                    if (relayed >= packetTarget) {
                        why = packetTarget + " datagrams reached";
                        break outer;
                    }
                    if (jit != null && System.nanoTime() >= phaseEnd) { // paced traffic alone (JitWatch)
                        lives.pause();
                        int windows = jit.drain(Math.min(deadline,
                                System.nanoTime() + PACED_PHASE_MILLIS * 1_000_000L));
                        lives.resume();
                        pacedPhases++;
                        if (windows > 0 && System.nanoTime() - start >= SETTLE_MIN_MILLIS * 1_000_000L) {
                            why = "the JIT compiler settled in paced phase " + pacedPhases;
                            break outer;
                        }
                        phaseEnd = System.nanoTime() + TRAFFIC_PHASE_MILLIS * 1_000_000L;
                        controlPending = true;
                    }
                }
                String failed = lives.stop();
                if (failed != null) {
                    why += "; an allocation life failed: " + failed;
                }
            }
        } catch (ConfigException e) {
            why = "could not start: " + String.join("; ", e.problems());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            why = "stopped early: " + e;
        } finally {
            if (lives != null) {
                lives.stop();
            }
            for (Client c : clients) {
                c.close();
            }
            for (Client c : fanout) {
                c.close();
            }
            for (StreamClient c : streamClients) {
                c.close();
            }
        }
        long channelData = echoes[0];
        long indications = echoes[1];
        for (Client c : clients) {
            channelData += c.channelDataEchoes;
            indications += c.dataIndicationEchoes;
        }
        for (Client c : fanout) {
            channelData += c.channelDataEchoes;
            indications += c.dataIndicationEchoes;
        }
        for (StreamClient c : streamClients) {
            channelData += c.channelDataEchoes;
            indications += c.dataIndicationEchoes;
        }
        long lifeCount = 0;
        if (lives != null) {
            channelData += lives.echoes[0].sum();
            indications += lives.echoes[1].sum();
            relayed += 2 * (lives.echoes[0].sum() + lives.echoes[1].sum());
            lifeCount = lives.count.sum();
        }
        return new Result(relayed, channelData, indications, Duration.ofNanos(System.nanoTime() - start), why,
                connections, lifeCount);
    }

    /**
     * Every client of {@code fanout} sends {@value #FANOUT_BURST} datagrams, one client after the other, before any
     * reads its echoes: a burst over many allocations at once, as a game server's many streams make. Measured here with
     * {@code -XX:+LogCompilation} (benchmarks/README.md): warmed with a few allocations only, a generator's 1,000
     * allocations at 20k packets/s made C2 throw away the relay's read loop, the epoll read and Netty's buffer
     * pool and recycler methods in the first game, since they took branches no warm-up datagram had: a wake-up
     * that read its socket's limit with more datagrams waiting, and a recycler's per-thread batch full.
     *
     * @return the datagrams relayed
     */
    private static long fanOut(List<Client> fanout) throws IOException {
        for (int i = 0; i < FANOUT_BURST; i++) {
            for (Client c : fanout) { // round robin: consecutive datagrams for different allocations
                c.send(1);
            }
        }
        long relayed = 0;
        for (Client c : fanout) {
            relayed += c.echoes(FANOUT_BURST, FANOUT_TIMEOUT_MILLIS, false);
        }
        return relayed;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One full collection before {@code /ready}, so the garbage of start-up and of the warm-up (config parsing,
     * class loading, the private gateway, Netty's first arenas) is not copied by the first real game's young
     * collections. Measured here with Serial GC (benchmarks/README.md): without it the first two young collections
     * after {@code /ready} paused the event loop for 28 ms and 23 ms while the later ones took 1.2–1.8 ms, and the
     * first 5 s of 100 allocations at 20k packets/s had an RTT p99 of 30 ms. A JVM run with
     * {@code -XX:+DisableExplicitGC} skips it.
     *
     * @return how long it took, in milliseconds
     */
    public static long collectStartUpGarbage() {
        long t = System.nanoTime();
        System.gc();
        return (System.nanoTime() - t) / 1_000_000;
    }

    /**
     * The private gateway's config; {@code changed} adds a second endpoint to the peer's cluster, a change that the
     * warm-up applies and takes back in turn, so the route policy is swapped under running allocations as a
     * reconcile does.
     */
    private static StunnerConfig config(int port, int tcpPort, int tlsPort, SelfSignedCertificate cert,
                                        String password, InetSocketAddress peer, boolean changed)
            throws ConfigException {
        String route = "\"address\":\"127.0.0.1\",\"routes\":[\"turngate-warm-up-peer\"]";
        StringBuilder listeners = new StringBuilder("{\"name\":\"turngate-warm-up\",\"protocol\":\"TURN-UDP\",\"port\":"
                + port + "," + route + "}");
        if (tcpPort > 0) {
            listeners.append(",{\"name\":\"turngate-warm-up-tcp\",\"protocol\":\"TURN-TCP\",\"port\":")
                    .append(tcpPort).append(',').append(route).append('}');
        }
        if (tlsPort > 0) {
            Base64.Encoder b64 = Base64.getEncoder();
            listeners.append(",{\"name\":\"turngate-warm-up-tls\",\"protocol\":\"TURN-TLS\",\"port\":")
                    .append(tlsPort).append(',').append(route)
                    .append(",\"cert\":\"").append(b64.encodeToString(cert.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                    .append("\",\"key\":\"").append(b64.encodeToString(cert.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                    .append("\"}");
        }
        String json = "{\"version\":\"v1\","
                + "\"admin\":{\"name\":\"turngate-warm-up\",\"healthcheck_endpoint\":\"\",\"metrics_endpoint\":\"\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"warm-up.turngate\","
                + "\"credentials\":{\"username\":\"warm-up\",\"password\":\"" + password + "\"}},"
                + "\"listeners\":[" + listeners + "],"
                + "\"clusters\":[{\"name\":\"turngate-warm-up-peer\",\"type\":\"STATIC\","
                + "\"endpoints\":[\"" + peer.getAddress().getHostAddress() + "\"" + (changed ? ",\"127.0.0.2\"" : "")
                + "]}]}";
        return ConfigLoader.parse(json, Map.of());
    }

    /** A client TLS context that trusts exactly the private listener's certificate. */
    private static SSLContext clientContext(SelfSignedCertificate cert) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("warm-up", CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(cert.certificatePem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), new SecureRandom());
        return c;
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * The paced phases of the daemon's warm-up, and when the JIT has settled. Measured here (benchmarks/README.md,
     * {@code -XX:+PrintTieredEvents}): with every client running flat out, the private event loop was never idle, so
     * each wake-up read a crowd of datagrams, and in 2 s it woke up about 1,300 times, where a game's paced stream of
     * 20k packets/s wakes it 40,000 times a second; C2's queue was long, and HotSpot raises the C2 thresholds with
     * its length. At {@code /ready} everything that runs once per wake-up (the epoll loop, the epoll read, the
     * flush, the handlers' read-complete) was still C1 code, and C2 compiled it in the first seconds of real
     * traffic, on the event loop's core. So the warm-up alternates: {@value #TRAFFIC_PHASE_MILLIS} ms of all its
     * traffic, then up to {@value #PACED_PHASE_MILLIS} ms of the paced clients alone, one datagram per wake-up,
     * watched in windows of {@value #SETTLE_WINDOW_MILLIS} ms. A window in which the compiler threads used at most
     * {@value #SETTLE_QUIET_MILLIS} ms of CPU while paced traffic ran, no sooner than {@value #SETTLE_MIN_MILLIS} ms
     * into the warm-up, means that traffic has nothing left for them: the JIT has settled. Where the compilers' CPU
     * time cannot be read, a paced phase is one window and the budget ends the warm-up.
     */
    static final class JitWatch {
        private final LongSupplier nanoClock;
        /** Milliseconds compiled so far, or null when the JVM does not tell. */
        private final LongSupplier compileMillis;
        private final LongConsumer sleepMillis;

        JitWatch(LongSupplier nanoClock, LongSupplier compileMillis, LongConsumer sleepMillis) {
            this.nanoClock = nanoClock;
            this.compileMillis = compileMillis;
            this.sleepMillis = sleepMillis;
        }

        /**
         * The compiler threads' CPU time in milliseconds: on Linux from {@code /proc/self/task/TID/stat} (the
         * threads named {@code C1 CompilerThre…} and {@code C2 CompilerThre…}; it grows while a compilation runs, in
         * 10 ms ticks), else {@link CompilationMXBean#getTotalCompilationTime}, which grows only when a compilation
         * ends, so that one long C2 compilation can look like a quiet window; null when neither is there.
         */
        static LongSupplier compileTime() {
            if (compilerThreadMillis() >= 0) {
                return JitWatch::compilerThreadMillis;
            }
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : null;
        }

        /** The CPU time of this JVM's compiler threads so far in ms, or -1 without a readable /proc. */
        static long compilerThreadMillis() {
            java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
            if (tasks == null) {
                return -1;
            }
            long ticks = 0;
            for (java.io.File task : tasks) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(task.toPath().resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                ticks += compilerTicks(stat);
            }
            return ticks * 10; // USER_HZ is 100 on Linux
        }

        /** utime + stime of one {@code /proc/PID/task/TID/stat} line if it is a compiler thread's, else 0. */
        static long compilerTicks(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')'); // the name may hold spaces and parentheses
            if (open < 0 || close < open) {
                return 0;
            }
            String name = stat.substring(open + 1, close);
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String[] f = stat.substring(close + 2).split(" "); // from field 3 (state) on
            try {
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
            } catch (RuntimeException e) {
                return 0;
            }
        }

        /**
         * Waits window by window until one is quiet or {@code endNanos} passes.
         *
         * @return the windows waited, the quiet one included (1: quiet at once); 0 when {@code endNanos} came first
         *         or the JVM does not tell its compile time (after one window)
         */
        int drain(long endNanos) {
            int windows = 0;
            long before = compileMillis == null ? 0 : compileMillis.getAsLong();
            while (nanoClock.getAsLong() < endNanos) {
                sleepMillis.accept(SETTLE_WINDOW_MILLIS);
                windows++;
                if (compileMillis == null) {
                    return 0;
                }
                long after = compileMillis.getAsLong(); // one read of /proc per window: the next one's start
                if (after - before <= SETTLE_QUIET_MILLIS) {
                    return windows;
                }
                before = after;
            }
            return 0;
        }
    }

    /**
     * Whole UDP allocation lives beside the data rounds, on {@value #LIFE_THREADS} threads until {@link #stop}: a new
     * client socket (so a new 5-tuple) sends an Allocate, gets its 401, allocates signed, creates a permission, binds
     * a channel on every other life, relays {@value #LIFE_BURST} datagrams and deletes the allocation with a Refresh
     * of lifetime 0 (RFC 8656 §7, §8, §10, §11, §12). Measured here (benchmarks/README.md): warmed on data alone,
     * a generator's first 1,000 allocations after {@code /ready} made the JVM compile ~1,500 methods (the STUN codec,
     * the long-term credential check, the Allocate and deletion paths, the relay socket's bind, the allocation
     * sweep) on the event loop's core, beside a 20k packets/s stream. A life pauses at its next step in a paced
     * phase ({@link JitWatch}).
     */
    private static final class Lives {
        private final List<Thread> threads = new ArrayList<>();
        private final LongAdder count = new LongAdder();
        private final LongAdder[] echoes = {new LongAdder(), new LongAdder()}; // ChannelData, Data indications
        private final AtomicReference<String> failure = new AtomicReference<>();
        private volatile boolean stopped;
        private volatile boolean paused;

        Lives(InetSocketAddress server, String password, InetSocketAddress peer) throws IOException {
            List<Client> paced = new ArrayList<>();
            try {
                for (int t = 0; t < PACED_THREADS; t++) {
                    Client c = new Client(server, password);
                    paced.add(c);
                    c.allocate(peer, t % 2 == 0);
                }
            } catch (IOException | RuntimeException e) {
                paced.forEach(Client::close);
                throw e;
            }
            for (int t = 0; t < PACED_THREADS; t++) {
                Client c = paced.get(t);
                start("turngate-warm-up-paced-" + t, () -> {
                    try {
                        while (!stopped) { // never paused: the paced phases are these clients alone
                            c.burst(1);
                        }
                    } catch (IOException | RuntimeException e) {
                        failed(e);
                    } finally {
                        c.close();
                        echoes[0].add(c.channelDataEchoes);
                        echoes[1].add(c.dataIndicationEchoes);
                    }
                });
            }
            for (int t = 0; t < LIFE_THREADS; t++) {
                start("turngate-warm-up-lives-" + t, () -> {
                    long n = 0;
                    while (!stopped) {
                        if (idle()) {
                            continue;
                        }
                        try {
                            live(server, password, peer, n++ % 2 == 0);
                            count.increment();
                        } catch (IOException | RuntimeException e) {
                            failed(e);
                            return; // one failure ends this thread: the others and the data rounds go on
                        }
                    }
                });
            }
        }

        /** A paced phase ({@link JitWatch}): the lives start no new step until {@link #resume}. */
        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
        }

        /** While paused, sleeps a little and says so. */
        private boolean idle() {
            if (!paused) {
                return false;
            }
            sleepMillis(5);
            return true;
        }

        private void start(String name, Runnable body) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        private void failed(Exception e) {
            if (!stopped) {
                failure.compareAndSet(null, e.toString());
            }
        }

        private void live(InetSocketAddress server, String password, InetSocketAddress peer, boolean useChannel)
                throws IOException {
            Client c = new Client(server, password);
            try {
                c.allocate(peer, useChannel);
                c.burst(LIFE_BURST);
                c.deallocate();
            } finally {
                c.close();
                echoes[0].add(c.channelDataEchoes);
                echoes[1].add(c.dataIndicationEchoes);
            }
        }

        /** Stops the lives (each ends at its next step) and waits for them; returns the first failure, or null. */
        String stop() {
            stopped = true;
            for (Thread t : threads) {
                try {
                    t.join(ANSWER_MILLIS + TIMEOUT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return failure.get();
        }
    }

    /** The route's one endpoint: echoes every datagram to its sender (a relay address of the private gateway). */
    private static final class Peer implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;

        Peer() throws SocketException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setReceiveBufferSize(1 << 20); // the fan-out bursts; the kernel may grant less (rmem_max)
            thread = new Thread(this::echo, "turngate-warm-up-peer");
            thread.setDaemon(true);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void start() {
            thread.start();
        }

        private void echo() {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (!socket.isClosed()) {
                    p.setLength(buf.length);
                    socket.receive(p);
                    socket.send(p); // back to where it came from, same length
                }
            } catch (IOException e) {
                // closed: the warm-up is over
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * What both warm-up clients share: the control path of RFC 8656 §7, §9, §11 with RFC 8489 §9.2 long-term
     * credentials (a request, its 401 or 438, the same request signed), the probe each burst repeats, and the echo
     * counts. A transport supplies only how one request goes out and its answer comes back ({@link #transact}).
     */
    private abstract static class WarmUpClient {
        private final String password;
        private final byte[] payload = new byte[PAYLOAD];
        private String realm;
        private String nonce;
        long channelDataEchoes;
        long dataIndicationEchoes;

        WarmUpClient(String password) {
            this.password = password;
        }

        /**
         * Sends {@code request} (transaction {@code tid}) and returns the answer of that transaction.
         *
         * @throws IOException when none came in {@value #ANSWER_MILLIS} ms
         */
        abstract StunMessage transact(int method, TransactionId tid, byte[] request) throws IOException;

        /**
         * Allocate, CreatePermission and, with {@code useChannel}, ChannelBind to {@code peer}.
         *
         * @return the probe a burst repeats: ChannelData on channel {@value #CHANNEL}, or a Send indication
         */
        byte[] allocateProbe(InetSocketAddress peer, boolean useChannel) throws IOException {
            StunMessage r = request(StunMethod.ALLOCATE, List.of(new RequestedTransport(UDP)));
            if (r.attribute(XorRelayedAddress.class) == null) {
                throw new IOException("Allocate answered without a relayed address: " + r);
            }
            request(StunMethod.CREATE_PERMISSION, List.of(new XorPeerAddress(peer)));
            if (!useChannel) {
                return encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, TransactionId.random(),
                        new XorPeerAddress(peer), new Data(payload)), null);
            }
            request(StunMethod.CHANNEL_BIND, List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(peer)));
            byte[] channelData = new byte[4 + PAYLOAD]; // 164 bytes: a multiple of 4, so no padding on streams
            channelData[0] = (byte) (CHANNEL >>> 8);
            channelData[1] = (byte) CHANNEL;
            channelData[2] = (byte) (PAYLOAD >>> 8);
            channelData[3] = (byte) PAYLOAD;
            return channelData;
        }

        /** Deletes the allocation: a Refresh with lifetime 0 (RFC 8656 §8). */
        void deallocate() throws IOException {
            request(StunMethod.REFRESH, List.of(new Lifetime(0)));
        }

        /** Counts an echo by its first byte. */
        void echoed(byte first) {
            if ((first & 0xC0) == 0x40) { // RFC 7983: ChannelData; else a STUN Data indication
                channelDataEchoes++;
            } else {
                dataIndicationEchoes++;
            }
        }

        private StunMessage request(int method, List<StunAttribute> attrs) throws IOException {
            StunMessage r = exchange(method, attrs);
            ErrorCodeAttribute e = r.attribute(ErrorCodeAttribute.class);
            // 401 the first time; 438 when the nonce went stale meanwhile, which a signed request can meet too: a
            // nonce is bound to its 5-tuple's bucket of NonceEpochs, which another life's deletion may advance
            for (int retry = 0; retry < 3 && e != null && (e.code() == 401 || e.code() == 438); retry++) {
                realm = r.attribute(Realm.class).value();
                nonce = r.attribute(Nonce.class).value();
                r = exchange(method, attrs);
                e = r.attribute(ErrorCodeAttribute.class);
            }
            if (e != null) {
                throw new IOException("method " + method + " refused with " + e.code());
            }
            return r;
        }

        private StunMessage exchange(int method, List<StunAttribute> attrs) throws IOException {
            TransactionId tid = TransactionId.random();
            byte[] key = null;
            List<StunAttribute> all = new ArrayList<>(attrs);
            if (nonce != null) {
                all.add(new Username("warm-up"));
                all.add(new Realm(realm));
                all.add(new Nonce(nonce));
                key = LongTermCredentials.key("warm-up", realm, password);
            }
            return transact(method, tid, encode(new StunMessage(method, StunClass.REQUEST, tid, all), key));
        }

        /** The STUN message in {@code bytes[0, length)} if it answers {@code tid}, else {@code null}. */
        static StunMessage answer(byte[] bytes, int length, TransactionId tid) {
            ByteBuf b = Unpooled.wrappedBuffer(bytes, 0, length);
            try {
                ReceivedStun s = StunCodec.decode(b);
                return s.message().transactionId().equals(tid) ? s.message() : null;
            } catch (StunCodecException notOurs) {
                return null;
            } finally {
                b.release();
            }
        }

        static byte[] encode(StunMessage m, byte[] key) {
            return StunCodec.encodeToArray(m, key, false);
        }
    }

    /** The UDP warm-up client: one blocking loopback socket, requests retransmitted (RFC 8489 §6.2.1). */
    private static final class Client extends WarmUpClient {
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private final byte[] receive = new byte[2048];
        private byte[] probe;

        Client(InetSocketAddress server, String password) throws SocketException {
            super(password);
            this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            this.socket.setSoTimeout(TIMEOUT_MILLIS);
            this.server = server;
        }

        void allocate(InetSocketAddress peer, boolean useChannel) throws IOException {
            probe = allocateProbe(peer, useChannel);
        }

        /** Sends {@value #BURST} datagrams to the peer and reads their echoes; returns the datagrams relayed. */
        long burst(InetSocketAddress peer) throws IOException {
            return burst(BURST);
        }

        /** Sends {@code n} datagrams to the peer and reads their echoes; returns the datagrams relayed. */
        long burst(int n) throws IOException {
            send(n);
            return echoes(n, TIMEOUT_MILLIS, true);
        }

        /** Sends {@code n} datagrams to the peer. */
        void send(int n) throws IOException {
            DatagramPacket p = new DatagramPacket(probe, probe.length, server);
            for (int i = 0; i < n; i++) {
                socket.send(p);
            }
        }

        /**
         * Reads up to {@code n} echoes, until none came for {@code timeoutMillis}; returns the datagrams relayed.
         *
         * @param noneIsFailure whether no echo at all is an error (the relay is down) or a loss to count
         */
        long echoes(int n, int timeoutMillis, boolean noneIsFailure) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            DatagramPacket in = new DatagramPacket(receive, receive.length);
            int echoes = 0;
            try {
                while (echoes < n) {
                    in.setLength(receive.length);
                    socket.receive(in);
                    echoes++;
                    echoed(receive[0]);
                }
            } catch (SocketTimeoutException e) {
                if (echoes == 0 && noneIsFailure) {
                    throw new IOException("no echo through the relay within " + timeoutMillis + " ms");
                }
            }
            return 2L * echoes; // each echo crossed the relay twice: client -> peer, then peer -> client
        }

        @Override
        StunMessage transact(int method, TransactionId tid, byte[] req) throws IOException {
            DatagramPacket in = new DatagramPacket(receive, receive.length);
            long until = System.nanoTime() + ANSWER_MILLIS * 1_000_000L;
            socket.setSoTimeout(RETRANSMIT_MILLIS);
            long resend = 0;
            while (System.nanoTime() < until) {
                if (System.nanoTime() >= resend) { // RFC 8489 §6.2.1: the same transaction, sent again
                    socket.send(new DatagramPacket(req, req.length, server));
                    resend = System.nanoTime() + RETRANSMIT_MILLIS * 1_000_000L;
                }
                in.setLength(receive.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                StunMessage m = answer(receive, in.getLength(), tid);
                if (m != null) {
                    return m;
                }
            }
            throw new IOException("no answer to method " + method + " in " + ANSWER_MILLIS + " ms");
        }

        void close() {
            socket.close();
        }
    }

    /**
     * A minimal TURN client over a blocking TCP or TLS connection (RFC 8656 §3.1: STUN and ChannelData framed on
     * the stream, ChannelData padded to 4 bytes, §12.5). A burst goes out in one write, as browsers and load
     * generators coalesce, so a TLS record carries several messages.
     */
    private static final class StreamClient extends WarmUpClient implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;
        private byte[] receive = new byte[2048];
        private byte[] burst;

        private StreamClient(Socket socket, String password) throws IOException {
            super(password);
            this.socket = socket;
            this.socket.setSoTimeout(TIMEOUT_MILLIS);
            this.socket.setTcpNoDelay(true);
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 16384));
        }

        /** Connects (and, with {@code tls}, shakes hands: TLS 1.3 on even rounds, 1.2 on odd ones). */
        static StreamClient connect(InetSocketAddress server, SSLContext tls, int round, String password)
                throws IOException {
            Socket s = new Socket();
            try {
                s.connect(server, ANSWER_MILLIS);
                if (tls != null) {
                    SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", server.getPort(),
                            true);
                    t.setEnabledProtocols(new String[] {round % 2 == 0 ? "TLSv1.3" : "TLSv1.2"});
                    t.setSoTimeout(ANSWER_MILLIS);
                    t.startHandshake();
                    s = t;
                }
                return new StreamClient(s, password);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        void allocate(InetSocketAddress peer, boolean useChannel) throws IOException {
            byte[] one = allocateProbe(peer, useChannel);
            burst = new byte[one.length * BURST];
            for (int i = 0; i < BURST; i++) {
                System.arraycopy(one, 0, burst, i * one.length, one.length);
            }
        }

        /** Sends {@value #BURST} messages to the peer in one write and reads their echoes; returns datagrams relayed. */
        long burst() throws IOException {
            out.write(burst);
            out.flush();
            int echoes = 0;
            try {
                while (echoes < BURST) {
                    readFrame();
                    echoed(receive[0]);
                    echoes++;
                }
            } catch (java.net.SocketTimeoutException e) {
                if (echoes == 0) {
                    throw new IOException("no echo through the relay within " + TIMEOUT_MILLIS + " ms");
                }
                // a datagram lost on the relay's UDP leg; the stream stays framed (whole frames only)
            }
            return 2L * echoes;
        }

        /** Reads one frame into {@link #receive}: 0 for ChannelData, else the STUN message's length in bytes. */
        private int readFrame() throws IOException {
            in.readFully(receive, 0, 4);
            int length = ((receive[2] & 0xFF) << 8) | (receive[3] & 0xFF);
            if ((receive[0] & 0xC0) == 0x40) { // RFC 7983: ChannelData, padded to 4 on streams
                in.readFully(receive, 4, (length + 3) & ~3);
                return 0;
            }
            int total = StunConstants.HEADER_LENGTH + length;
            if (total > receive.length) {
                receive = java.util.Arrays.copyOf(receive, total);
            }
            in.readFully(receive, 4, total - 4);
            return total;
        }

        @Override
        StunMessage transact(int method, TransactionId tid, byte[] req) throws IOException {
            out.write(req);
            out.flush();
            socket.setSoTimeout(ANSWER_MILLIS);
            try {
                while (true) { // reliable transport: no retransmission (RFC 8489 §6.2.2)
                    int n = readFrame();
                    StunMessage m = n == 0 ? null : answer(receive, n, tid);
                    if (m != null) {
                        return m;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new IOException("no answer to method " + method + " in " + ANSWER_MILLIS + " ms");
            } finally {
                socket.setSoTimeout(TIMEOUT_MILLIS);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
