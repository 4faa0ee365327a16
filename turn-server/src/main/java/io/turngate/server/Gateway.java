package io.turngate.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.diff.ConfigDiff;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.Logs;
import org.slf4j.Logger;
import io.turngate.turn.IntegrityPolicy;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.Refusal;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A running turngate: one TURN server per listener of a stunnerd v1 config (stunner-compat §1c.1), reconciled in
 * place when the config changes (§1f, with turngate's extensions: realm and credential changes never drop
 * allocations).
 *
 * <p>Threading: {@link #start}, {@link #apply} and {@link #close} are serialised by this object's monitor; the data
 * path runs on Netty event loops and reads the listener snapshots ({@link ListenerRuntime}) without locks.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = Logs.get("server");

    private final Options options;
    private final Transport transport;
    private final EventLoopGroup group;
    /** Whether {@link #close} shuts {@link #group} and {@link #dnsLookup} down: not when they are another gateway's. */
    private final boolean ownsGroup;
    private final Services services;
    private final DnsResolver dns;
    private final DnsResolver.Lookup dnsLookup;
    private final Map<String, ListenerRuntime> listeners = new LinkedHashMap<>();
    /** Final counts of stopped listener runs by listener name, and of their clusters by cluster name. */
    private final Map<String, long[]> retiredListeners = new LinkedHashMap<>();
    private final Map<String, long[]> retiredClusters = new LinkedHashMap<>();
    /** Sockets opened per listener name since the gateway started (all runs). */
    private final Map<String, Integer> socketsOpened = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong configsApplied = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong configsRejected = new java.util.concurrent.atomic.AtomicLong();
    private volatile StunnerConfig config;
    private boolean closed;

    /**
     * Start-up settings that are not part of the dataplane config (CLI flags, test hooks).
     *
     * @param udpThreads                SO_REUSEPORT sockets per TURN-UDP listener ({@code --udp-thread-num}); 0 = one
     * @param nonceLifetimeMillis       {@code --nonce-lifetime}
     * @param udpGso                    coalesce same-size bursts into UDP GSO sends where the transport can
     * @param maxAllocations            {@code --max-allocations} over all listeners, 0 = no limit (508 when reached)
     * @param maxAllocationsPerListener {@code --max-allocations-per-listener}, 0 = no limit
     * @param unauthenticatedRate       per-source token rate (per second) of unauthenticated answers, 0 = no limit
     * @param unauthenticatedBurst      per-source bucket size of unauthenticated answers
     * @param stream                    the limits of TURN-TCP and TURN-TLS listeners
     * @param integrity                 {@code --integrity}: which long-term credential integrity is accepted
     * @param dtls                      the bounds of TURN-DTLS listeners (handshakes in flight, timeouts)
     * @param tlsEngine                 {@code --tls-engine}: the TLS implementation of TURN-TLS listeners
     */
        public record Options(int udpThreads, long nonceLifetimeMillis, LongSupplier nanoClock, LongSupplier wallClockMillis,
                          boolean udpGso, int maxAllocations, int maxAllocationsPerListener,
                          double unauthenticatedRate, double unauthenticatedBurst, StreamLimits stream,
                          IntegrityPolicy integrity, DtlsLimits dtls, TlsEngine tlsEngine) {
        /**
         * Default per-source rate of unauthenticated answers (per second) and burst: a spoofed 10k/s flood is cut to
         * 2 % of it, while a NAT with many clients (every new allocation costs one 401) stays far below the limit.
         */
        public static final double UNAUTHENTICATED_RATE_DEFAULT = 200;
        public static final double UNAUTHENTICATED_BURST_DEFAULT = 500;

        public static Options defaults() {
            return new Options(0, RequestAuthenticator.DEFAULT_NONCE_LIFETIME_MILLIS, System::nanoTime,
                    System::currentTimeMillis, true, 0, 0, UNAUTHENTICATED_RATE_DEFAULT, UNAUTHENTICATED_BURST_DEFAULT,
                    StreamLimits.defaults(), IntegrityPolicy.SHA1_ALLOWED, DtlsLimits.defaults(),
                    TlsEngine.AUTO);
        }

        public Options withUdpThreads(int n) {
            return new Options(n, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls,
                    tlsEngine);
        }

        public Options withNonceLifetimeMillis(long ms) {
            return new Options(udpThreads, ms, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls,
                    tlsEngine);
        }

        public Options withClocks(LongSupplier nano, LongSupplier wallMillis) {
            return new Options(udpThreads, nonceLifetimeMillis, nano, wallMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls,
                    tlsEngine);
        }

        /** Coalesce same-size bursts to one destination into UDP GSO sends where the transport can (default on). */
        public Options withUdpGso(boolean on) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, on, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls,
                    tlsEngine);
        }

        /** Allocation caps over all listeners and per listener; 0 = no limit. */
        public Options withMaxAllocations(int total, int perListener) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, total, perListener,
                    unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls, tlsEngine);
        }

        /** Per-source limit of unauthenticated answers: {@code rate} per second (0 = none), {@code burst} at once. */
        public Options withUnauthenticatedLimit(double rate, double burst) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, rate, burst, stream, integrity, dtls, tlsEngine);
        }

        /** The limits of TURN-TCP and TURN-TLS listeners. */
        public Options withStreamLimits(StreamLimits limits) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, limits, integrity, dtls,
                    tlsEngine);
        }

        /** {@code --integrity}: SHA-1 allowed (default, browsers) or SHA-256 required (RFC 8489 clients only). */
        public Options withIntegrity(IntegrityPolicy policy) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, policy, dtls,
                    tlsEngine);
        }

        /** {@code --tls-engine}: OpenSSL where it loads ({@link TlsEngine#AUTO}, default), or the one named. */
        public Options withTlsEngine(TlsEngine engine) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, dtls,
                    engine);
        }

        /** The bounds of TURN-DTLS listeners. */
        public Options withDtls(DtlsLimits limits) {
            return new Options(udpThreads, nonceLifetimeMillis, nanoClock, wallClockMillis, udpGso, maxAllocations,
                    maxAllocationsPerListener, unauthenticatedRate, unauthenticatedBurst, stream, integrity, limits,
                    tlsEngine);
        }
    }

    private Gateway(StunnerConfig config, Options options, DnsResolver.Lookup lookup, long dnsIntervalMillis,
                    Gateway host) {
        this.options = options;
        this.transport = host == null ? Transport.detect() : host.transport;
        if (host == null) {
            int threads = Math.max(1, options.udpThreads());
            int cores = Runtime.getRuntime().availableProcessors();
            // No listeners yet (a zero config to boot on; the config discovery service brings them): size for the cores.
            int listeners = config.listeners().isEmpty() ? cores : config.listeners().size();
            this.group = transport.newGroup(Math.max(threads, Math.min(cores, listeners)), "turngate-udp");
        } else {
            this.group = host.group;
        }
        this.ownsGroup = host == null;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        StatelessNonce nonces = new StatelessNonce(secret, options.wallClockMillis(), options.nonceLifetimeMillis());
        RequestAuthenticator auth = new RequestAuthenticator(config.auth(), nonces, options.wallClockMillis(),
                options.integrity());
        this.services = new Services(auth, new SelfAddresses(), options.nanoClock(), transport,
                options.udpGso() && transport.supportsGso(),
                new SourceRateLimiter(options.unauthenticatedRate(), options.unauthenticatedBurst(), options.nanoClock()),
                options.maxAllocations(), options.maxAllocationsPerListener());
        this.dnsLookup = lookup;
        this.dns = new DnsResolver(this::recompilePolicies, lookup, dnsIntervalMillis);
        this.config = config;
    }

    /** Starts every listener of {@code config}. */
    public static Gateway start(StunnerConfig config) throws ConfigException {
        return start(config, Options.defaults());
    }

    public static Gateway start(StunnerConfig config, Options options) throws ConfigException {
        return start(config, options, new NettyDnsLookup(), DnsResolver.INTERVAL_MILLIS);
    }

    /** {@link #start(StunnerConfig, Options)} with another name lookup and refresh interval (tests). */
    static Gateway start(StunnerConfig config, Options options, DnsResolver.Lookup lookup, long dnsIntervalMillis)
            throws ConfigException {
        return start(config, options, lookup, dnsIntervalMillis, null);
    }

    /**
     * A gateway on {@code host}'s event loops: its sockets are registered on them, and closing it closes its sockets
     * but leaves the loops running. The self-warm-up's private gateway ({@link WarmUp}) runs this way, so that its
     * traffic also initialises what each loop keeps per thread (Netty's buffer and object caches, the native
     * {@code recvmmsg} arrays): real traffic that first met them on a loop the warm-up never ran on took branches
     * that C2 had compiled as never taken, and the hottest relay methods were thrown away and recompiled in the
     * first game (benchmarks/README.md). Its own state (listeners, allocations, auth, counters) is separate.
     */
    public static Gateway startOnLoopsOf(Gateway host, StunnerConfig config, Options options) throws ConfigException {
        // host's name lookup too: a lookup of its own would start (and, closed, shut down) an event loop of its own,
        // and the shutdown takes branches in Netty's event loop code that the loops have never taken
        return start(config, options, host.dnsLookup, DnsResolver.INTERVAL_MILLIS, host);
    }

    private static Gateway start(StunnerConfig config, Options options, DnsResolver.Lookup lookup,
                                 long dnsIntervalMillis, Gateway host) throws ConfigException {
        Gateway g = new Gateway(config, options, lookup, dnsIntervalMillis, host);
        try {
            g.startFresh(config, g.dns.resolve(dnsNames(config)));
        } catch (ConfigException | RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    public Transport transport() {
        return transport;
    }

    public StunnerConfig config() {
        return config;
    }

    private synchronized void startFresh(StunnerConfig cfg, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        services.userQuota = cfg.admin() == null ? 0 : cfg.admin().userQuota();
        List<String> problems = new ArrayList<>();
        for (ListenerConfig l : cfg.listeners()) {
            try {
                startListener(cfg, l, resolved);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static Set<String> dnsNames(StunnerConfig cfg) {
        Set<String> names = new HashSet<>();
        for (ClusterConfig c : cfg.clusters()) {
            if (c.type() == ClusterType.STRICT_DNS) {
                names.addAll(c.endpoints());
            }
        }
        return names;
    }

    private void startListener(StunnerConfig cfg, ListenerConfig l, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        switch (l.protocol()) {
            case TURN_UDP:
                startUdpListener(cfg, l, resolved);
                return;
            case TURN_TCP:
            case TURN_TLS:
                startStreamListener(cfg, l, resolved);
                return;
            case TURN_DTLS:
                startDtlsListener(cfg, l, resolved);
                return;
            default:
                LOG.warn("listener " + l.name() + ": protocol " + l.protocol() + " is not implemented (listener skipped)");
        }
    }

    private void startUdpListener(StunnerConfig cfg, ListenerConfig l, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        InetAddress relay = relayAddress(l);
        ListenerRuntime rt = new ListenerRuntime(l, relay, otherFamilyRelayAddress(relay),
                RoutePolicy.compile(cfg, l, resolved), services);
        int sockets = Math.max(1, options.udpThreads());
        if (sockets > 1 && transport != Transport.EPOLL) {
            LOG.warn("--udp-thread-num " + sockets + " needs the epoll transport (SO_REUSEPORT); using one socket");
            sockets = 1;
        }
        try {
            for (int i = 0; i < sockets; i++) {
                ListenerSocketHandler handler = new ListenerSocketHandler(rt, services);
                bindDatagramSocket(rt, l, handler, ListenerSocketHandler.RECEIVE_BUFFER, sockets > 1,
                        transport::newListenerChannel);
                socketsOpened.merge(l.name(), 1, Integer::sum);
            }
        } catch (Exception e) { // bind failures arrive as (undeclared) IOExceptions from Netty's native layer
            for (Channel ch : rt.channels) {
                ch.close().syncUninterruptibly();
            }
            throw new ConfigException("listeners[" + l.name() + "].port: cannot bind UDP port " + l.port() + ": " + e.getMessage());
        }
        services.self.addPort(l.port());
        listeners.put(l.name(), rt);
        LOG.info("listener " + l.name() + ": " + l.protocol() + " on *:" + l.port() + " (" + sockets + " socket"
                + (sockets > 1 ? "s" : "") + ", " + transport.name().toLowerCase() + (services.gso ? ", UDP GSO" : "")
                + (transport.reusesDatagrams() ? ", reused envelopes" : "") + "), relay address "
                + relayText(rt) + ", routes " + describeRoutes(cfg, l));
    }

    /**
     * A TURN-TCP or TURN-TLS listener ({@link StreamListener}): one TCP server socket whose connections are spread
     * over this gateway's event loops, one TURN core per loop; the relay side stays UDP.
     */
    private void startStreamListener(StunnerConfig cfg, ListenerConfig l, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        InetAddress relay = relayAddress(l);
        TlsEngine.Choice engine = l.protocol() == ListenerProtocol.TURN_TLS ? options.tlsEngine().choose(l.name())
                : null;
        io.netty.handler.ssl.SslContext tls = engine != null ? TlsCertificates.serverContext(l, engine) : null;
        ListenerRuntime rt = new ListenerRuntime(l, relay, otherFamilyRelayAddress(relay),
                RoutePolicy.compile(cfg, l, resolved), services);
        StreamListener stream;
        try {
            stream = StreamListener.start(rt, services, group, options.stream(), tls, engine);
        } catch (Exception e) { // bind failures arrive as (undeclared) IOExceptions from Netty's native layer
            throw new ConfigException("listeners[" + l.name() + "].port: cannot bind TCP port " + l.port() + ": "
                    + e.getMessage());
        }
        rt.stream = stream;
        rt.channels.add(stream.serverChannel());
        rt.handlers.addAll(stream.cores());
        services.self.addPort(l.port());
        listeners.put(l.name(), rt);
        StreamLimits lim = options.stream();
        LOG.info("listener " + l.name() + ": " + l.protocol() + " on *:" + l.port() + " (" + stream.cores().size()
                + (stream.cores().size() == 1 ? " event loop, " : " event loops, ") + transport.name().toLowerCase() + (engine != null ? ", TLS 1.3/1.2 " + engine.describe() : "")
                + ", at most " + limitText(lim.maxConnections()) + " connections, " + limitText(lim.maxConnectionsPerSource())
                + " per source IP), relay address " + relayText(rt) + ", routes " + describeRoutes(cfg, l));
    }

    private static String limitText(int limit) {
        return limit == 0 ? "unlimited" : Integer.toString(limit);
    }

    /**
     * A TURN-DTLS listener (RFC 7350): one UDP socket whose {@link DtlsListenerHandler} keeps one DTLS session per
     * client, with the listener's {@code cert} and {@code key} (a bad one fails the listener with a
     * {@link ConfigException}, nothing is bound). Its sessions are counted as its connections.
     */
    private void startDtlsListener(StunnerConfig cfg, ListenerConfig l, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        DtlsIdentity identity = DtlsIdentity.parse(l.name(), l.cert(), l.key(), crypto);
        InetAddress relay = relayAddress(l);
        ListenerRuntime rt = new ListenerRuntime(l, relay, otherFamilyRelayAddress(relay),
                RoutePolicy.compile(cfg, l, resolved), services);
        try {
            bindDatagramSocket(rt, l, new DtlsListenerHandler(rt, services, identity, options.dtls(), crypto),
                    DtlsListenerHandler.RECEIVE_BUFFER, false, transport::newDualStackDatagramChannel);
        } catch (Exception e) { // as for UDP
            for (Channel ch : rt.channels) {
                ch.close().syncUninterruptibly();
            }
            throw new ConfigException("listeners[" + l.name() + "].port: cannot bind UDP port " + l.port() + ": " + e.getMessage());
        }
        services.self.addPort(l.port());
        listeners.put(l.name(), rt);
        LOG.info("listener " + l.name() + ": " + l.protocol() + " on *:" + l.port() + " (DTLS 1.2, "
                + (identity.ec ? "ECDSA" : "RSA") + " certificate, " + transport.name().toLowerCase() + ", at most "
                + options.dtls().maxHandshakes() + " handshakes in flight, " + limitText(options.dtls().maxSessions())
                + " sessions, " + limitText(options.dtls().maxSessionsPerSource()) + " per source IP"
                + "), relay address " + relayText(rt) + ", routes " + describeRoutes(cfg, l));
    }

    /** Binds one listener socket on the wildcard address and {@code l}'s port, served by {@code handler}. */
    private <H extends io.netty.channel.ChannelHandler & ListenerShard> void bindDatagramSocket(
            ListenerRuntime rt, ListenerConfig l, H handler, int receiveBuffer, boolean reusePort,
            io.netty.channel.ChannelFactory<? extends Channel> channels) {
        EventLoop loop = group.next();
        Bootstrap b = transport.datagramOptions(new Bootstrap(), receiveBuffer)
                .group(loop)
                .channelFactory(channels)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(handler);
        if (reusePort) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        Channel ch = b.bind(new InetSocketAddress(l.port())).syncUninterruptibly().channel();
        rt.channels.add(ch);
        rt.handlers.add(handler);
        rt.socketsOpened.incrementAndGet();
    }

    static String describeRoutes(StunnerConfig cfg, ListenerConfig l) {
        if (l.routes().isEmpty()) {
            return "[] (no peer is reachable)";
        }
        List<String> parts = new ArrayList<>();
        for (String r : l.routes()) {
            parts.add(cfg.cluster(r).map(c -> c.name() + " " + c.type() + " " + c.endpoints())
                    .orElse(r + " (no such cluster: ignored)"));
        }
        return parts.toString();
    }

    /**
     * The address advertised in XOR-RELAYED-ADDRESS: the listener's {@code address}, or, when that is unspecified,
     * the first non-loopback address of an up interface (IPv4 preferred), else 127.0.0.1.
     */
    static InetAddress relayAddress(ListenerConfig l) throws ConfigException {
        String a = l.address();
        byte[] literal = (a == null || a.isEmpty() || a.equals("__node_address_placeholder")) ? null
                : Endpoint.parseIpLiteral(a.equals("localhost") ? "127.0.0.1" : a);
        try {
            if (literal != null) {
                InetAddress ip = InetAddress.getByAddress(literal);
                if (!ip.isAnyLocalAddress()) {
                    return ip;
                }
            }
            return hostAddress(literal != null && literal.length == 16);
        } catch (UnknownHostException e) {
            throw new ConfigException("listeners[" + l.name() + "].address: \"" + a + "\" (expected: an IP address)");
        }
    }

    /**
     * The advertised relay address of the family the listener's {@link #relayAddress} is not in (RFC 8656 §7.2:
     * REQUESTED-ADDRESS-FAMILY, or the IPv6 half of a dual allocation), or {@code null} when this host has none
     * (then that family gets 440). STUNner's listener has one {@code address} field, so the other family's address is
     * the host's, chosen as {@link #relayAddress} chooses one for an unspecified {@code address}: the first
     * non-loopback, non-link-local address of that family on an up interface. A loopback {@code address}
     * ({@code 127.0.0.1}, {@code ::1}) pairs with the other family's loopback, so a local try-out stays local. With
     * no such IPv6 address, IPv6 falls back to {@code ::1} when the loopback interface has it (as IPv4 falls back to
     * 127.0.0.1), else there is no IPv6 relay. The relay sockets themselves bind the family's wildcard address.
     */
    static InetAddress otherFamilyRelayAddress(InetAddress primary) {
        boolean wantV6 = primary instanceof Inet4Address;
        try {
            if (primary.isLoopbackAddress()) {
                return wantV6 ? ipv6Loopback() : InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            }
            if (!wantV6) {
                return hostAddress(false);
            }
            InetAddress host = hostAddress(true);
            if (host instanceof Inet6Address) {
                return host;
            }
            return ipv6Loopback();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code ::1} when the loopback interface has it (IPv6 is enabled on this host), else {@code null}. */
    private static InetAddress ipv6Loopback() throws UnknownHostException {
        InetAddress v6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && nif.isLoopback()) {
                    for (InetAddress ip : Collections.list(nif.getInetAddresses())) {
                        if (ip instanceof Inet6Address && ip.isLoopbackAddress()) {
                            return v6;
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: no IPv6 relay
        }
        return null;
    }

    /** {@code 203.0.113.1}, or {@code 203.0.113.1 (IPv6 2001:db8::1)} with the other family's address. */
    private static String relayText(ListenerRuntime rt) {
        InetAddress other = rt.otherFamilyRelayAddress;
        return io.netty.util.NetUtil.toAddressString(rt.relayAddress) + (other == null
                ? (rt.relayAddress instanceof Inet6Address ? " (no IPv4 relay)" : " (no IPv6 relay)")
                : (other instanceof Inet6Address ? " (IPv6 " : " (IPv4 ") + io.netty.util.NetUtil.toAddressString(other)
                        + ")");
    }

    private static InetAddress hostAddress(boolean preferV6) throws UnknownHostException {
        try {
            List<NetworkInterface> nifs = Collections.list(NetworkInterface.getNetworkInterfaces());
            for (boolean wantV6 : new boolean[] {preferV6, !preferV6}) {
                for (NetworkInterface nif : nifs) {
                    if (!nif.isUp() || nif.isLoopback()) {
                        continue;
                    }
                    for (InetAddress ip : Collections.list(nif.getInetAddresses())) {
                        if (ip.isLinkLocalAddress() || ip.isLoopbackAddress()) {
                            continue;
                        }
                        if (wantV6 ? ip instanceof Inet6Address : ip instanceof Inet4Address) {
                            return InetAddress.getByAddress(ip.getAddress());
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    /** Relay address advertised by a listener, or {@code null} if there is no such running listener. */
    public synchronized InetAddress relayAddress(String listenerName) {
        ListenerRuntime rt = listeners.get(listenerName);
        return rt == null ? null : rt.relayAddress;
    }

    /** Names of the running listeners. */
    public synchronized List<String> listenerNames() {
        return List.copyOf(listeners.keySet());
    }

    /** Live allocations over all listeners. */
    public int allocationCount() {
        return services.allocations.get();
    }

    /**
     * One running listener as the admin endpoints show it.
     *
     * @param sockets       sockets serving it now (UDP and DTLS sockets, the TCP server socket)
     * @param otherFamilyRelayAddress the relay address of the other family (IPv6 beside an IPv4 {@code relayAddress}),
     *                      {@code null} when there is none
     * @param socketsOpened {@code stunner_listener_connections_total}: sockets it opened (UDP), connections it
     *                      accepted (TCP/TLS) or DTLS sessions it established since it started
     * @param allocations   its live allocations
     * @param connections   its open downstream connections ({@code stunner_listener_connections}): a UDP listener's
     *                      sockets, a TCP/TLS listener's open connections, a DTLS listener's established sessions
     *                      (the sum of {@link ListenerShard#connections()} over its shards)
     * @param tlsEngine     a TURN-TLS listener's TLS engine ({@code openssl} or {@code jdk}), {@code null} for others
     */
    public record ListenerView(ListenerConfig config, InetAddress relayAddress, InetAddress otherFamilyRelayAddress,
                               int sockets, int socketsOpened, int allocations, int connections, String tlsEngine) {
    }

    /**
     * Downstream connections the listener {@code name} opened since the gateway started, over all its runs
     * ({@code stunner_listener_connections_total}): its UDP sockets and its DTLS sessions.
     */
    public synchronized int socketsOpened(String name) {
        ListenerRuntime rt = listeners.get(name);
        StreamListener stream = rt == null ? null : rt.stream;
        ListenerStats st = stats(name);
        long sessions = st == null ? 0 : st.counter(Counter.DTLS_SESSIONS_OPENED);
        return socketsOpened.getOrDefault(name, 0) + (stream == null ? 0 : (int) stream.acceptedConnections())
                + (int) sessions;
    }

    /** Config changes applied by {@link #apply}, and rejected ones (by {@link #apply} or {@link #configRejected}). */
    public long configsApplied() {
        return configsApplied.get();
    }

    public long configsRejected() {
        return configsRejected.get();
    }

    /** A config source found a new config invalid before it reached {@link #apply} (counted in the metrics). */
    public void configRejected() {
        configsRejected.incrementAndGet();
    }

    /** The running listeners, in config order. */
    public synchronized List<ListenerView> listenerViews() {
        List<ListenerView> out = new ArrayList<>();
        for (ListenerRuntime rt : listeners.values()) {
            int connections = 0;
            for (ListenerShard h : rt.handlers) {
                connections += h.connections();
            }
            out.add(new ListenerView(rt.config, rt.relayAddress, rt.otherFamilyRelayAddress, rt.channels.size(),
                    rt.socketsOpened.get(), rt.allocations.get(), connections,
                    rt.stream != null && rt.stream.engine() != null ? rt.stream.engine().wire() : null));
        }
        return out;
    }

    /**
     * Allocations per listener and per username, asked of every listener socket's event loop (never blocking one):
     * completes when every loop answered or after {@code timeoutMillis}, with the listeners whose loops did not
     * answer in time listed in {@link AllocationSnapshot#incomplete()}.
     */
    public CompletableFuture<AllocationSnapshot> allocationSnapshot(long timeoutMillis) {
        Map<String, List<CompletableFuture<Map<String, Integer>>>> asks = new LinkedHashMap<>();
        synchronized (this) {
            for (ListenerRuntime rt : listeners.values()) {
                List<CompletableFuture<Map<String, Integer>>> perSocket = new ArrayList<>();
                for (ListenerShard h : rt.handlers) {
                    CompletableFuture<Map<String, Integer>> f = new CompletableFuture<>();
                    try {
                        h.eventLoop().execute(() -> f.complete(h.allocationsPerUser()));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        f.completeExceptionally(e);
                    }
                    perSocket.add(f.completeOnTimeout(null, timeoutMillis, TimeUnit.MILLISECONDS)
                            .exceptionally(t -> null));
                }
                asks.put(rt.name, perSocket);
            }
        }
        List<CompletableFuture<Map<String, Integer>>> all = new ArrayList<>();
        asks.values().forEach(all::addAll);
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            Map<String, Map<String, Integer>> perListener = new LinkedHashMap<>();
            List<String> incomplete = new ArrayList<>();
            asks.forEach((name, fs) -> {
                Map<String, Integer> users = new java.util.TreeMap<>();
                for (CompletableFuture<Map<String, Integer>> f : fs) {
                    Map<String, Integer> m = f.join();
                    if (m == null) {
                        if (!incomplete.contains(name)) {
                            incomplete.add(name);
                        }
                        continue;
                    }
                    m.forEach((u, n) -> users.merge(u, n, Integer::sum));
                }
                perListener.put(name, users);
            });
            return new AllocationSnapshot(perListener, incomplete);
        });
    }

    /**
     * Allocations per username of each running listener, and the listeners whose event loops did not answer in time.
     */
    public record AllocationSnapshot(Map<String, Map<String, Integer>> perListenerAndUser, List<String> incomplete) {
    }

    /** Live allocations of one listener (counted on its event loops). */
    public int allocationCount(String listenerName) {
        ListenerRuntime rt;
        synchronized (this) {
            rt = listeners.get(listenerName);
        }
        if (rt == null) {
            return 0;
        }
        int n = 0;
        for (ListenerShard h : rt.handlers) {
            n += CompletableFuture.supplyAsync(h::allocationCount, h.eventLoop()).join();
        }
        return n;
    }

    /** The sockets of a running listener, none when it is not running (tests reach their event loops). */
    synchronized List<Channel> sockets(String listenerName) {
        ListenerRuntime rt = listeners.get(listenerName);
        return rt == null ? List.of() : List.copyOf(rt.channels);
    }

    /**
     * Counters of the listener {@code listenerName}: its running sockets plus earlier runs of a listener of that name
     * (counters never go backwards across restarts); {@code null} when no such listener ever ran.
     */
    public ListenerStats stats(String listenerName) {
        ListenerRuntime rt;
        long[] retired;
        synchronized (this) {
            rt = listeners.get(listenerName);
            retired = retiredListeners.get(listenerName);
        }
        if (rt == null && retired == null) {
            return null;
        }
        long[] t = rt == null ? new long[SocketStats.SIZE] : rt.totals();
        if (retired != null) {
            for (int i = 0; i < t.length; i++) {
                t[i] += retired[i];
            }
        }
        return new ListenerStats(t);
    }

    /** Names of every listener that ever ran in this gateway (running ones first, in config order). */
    public synchronized List<String> listenerNamesEver() {
        Set<String> names = new java.util.LinkedHashSet<>(listeners.keySet());
        names.addAll(retiredListeners.keySet());
        return List.copyOf(names);
    }

    /** {@code c} summed over every listener, running or stopped. */
    public long counter(Counter c) {
        return sum(st -> st.counter(c));
    }

    /** Requests refused with {@code r}, summed over every listener. */
    public long refusals(Refusal r) {
        return sum(st -> st.refusals(r));
    }

    private long sum(java.util.function.ToLongFunction<ListenerStats> value) {
        long n = 0;
        for (String name : listenerNamesEver()) {
            ListenerStats st = stats(name);
            n += st == null ? 0 : value.applyAsLong(st);
        }
        return n;
    }

    /**
     * Datagrams and bytes relayed per cluster name (attributed to the first cluster on the listener's routes that
     * admits the peer, as STUNner's port check does): {@code {rxPackets, rxBytes, txPackets, txBytes}}, {@code rx} =
     * received from the cluster's peers. Clusters that went away keep their totals.
     */
    public Map<String, long[]> clusterStats() {
        Map<String, long[]> acc = new java.util.TreeMap<>();
        List<ListenerRuntime> running;
        synchronized (this) {
            running = new ArrayList<>(listeners.values());
            retiredClusters.forEach((k, v) -> acc.put(k, v.clone()));
        }
        for (ListenerRuntime rt : running) {
            for (ListenerShard h : rt.handlers) {
                h.stats().addClustersTo(acc);
            }
        }
        return acc;
    }

    /**
     * Reconciles to {@code next} (already validated), as stunnerd's reconciler does (stunner-compat §1f) from a
     * {@link ConfigDiff}: listeners that went away stop; a listener whose protocol, port, address, cert or key
     * changed restarts (its own allocations go, nobody else's), except a TURN-TLS or TURN-DTLS listener's new cert
     * and key, which new connections (handshakes) get while established ones stay; routes, clusters, endpoints, credentials, realm and
     * quota change in place, so allocations on untouched listeners survive. If a listener cannot start, the change
     * is rolled back and the running config keeps serving.
     *
     * <p>STRICT_DNS names of {@code next} are resolved first, before this gateway's lock is taken: a lookup never
     * runs under it, and the resolver's thread (which takes it to recompile policies) never waits for a lookup.
     *
     * @throws ConfigException listing what could not be applied (the running config is unchanged)
     */
    public void apply(StunnerConfig next) throws ConfigException {
        Map<String, Set<InetAddress>> resolved = dns.resolve(dnsNames(next));
        applyResolved(next, resolved);
    }

    private synchronized void applyResolved(StunnerConfig next, Map<String, Set<InetAddress>> resolved)
            throws ConfigException {
        if (closed) {
            throw new ConfigException("gateway: closed");
        }
        StunnerConfig prev = this.config;
        Map<String, Set<InetAddress>> prevResolved = resolvedFor(prev);
        ConfigDiff diff = ConfigDiff.between(prev, next);
        // 0. New certificates of TURN-TLS listeners updated in place, built first: a bad one rejects the change
        //    before anything is touched.
        Map<String, io.netty.handler.ssl.SslContext> newCerts = new LinkedHashMap<>();
        List<String> certProblems = new ArrayList<>();
        for (ListenerConfig l : diff.listenersToUpdate()) {
            ListenerRuntime rt = listeners.get(l.name());
            if (rt != null && rt.stream != null && rt.stream.isTls() && !l.certificateEquals(rt.config)) {
                try {
                    newCerts.put(l.name(), TlsCertificates.serverContext(l, rt.stream.engine()));
                } catch (ConfigException e) {
                    certProblems.addAll(e.problems());
                }
            }
        }
        // ... and of TURN-DTLS listeners, whose handler serves the new identity to the handshakes after it.
        Map<String, DtlsIdentity> newDtls = new LinkedHashMap<>();
        for (ListenerConfig l : diff.listenersToUpdate()) {
            ListenerRuntime rt = listeners.get(l.name());
            DtlsListenerHandler h = rt == null ? null : dtlsHandler(rt);
            if (h != null && !l.certificateEquals(rt.config)) {
                try {
                    newDtls.put(l.name(), DtlsIdentity.parse(l.name(), l.cert(), l.key(), h.crypto()));
                } catch (ConfigException e) {
                    certProblems.addAll(e.problems());
                }
            }
        }
        if (!certProblems.isEmpty()) {
            newCerts.values().forEach(io.netty.util.ReferenceCountUtil::release);
            configsRejected.incrementAndGet();
            throw new ConfigException(certProblems);
        }
        // 1. Listeners that go away or restart (unsupported protocols never ran: nothing to stop).
        List<ListenerRuntime> stopped = new ArrayList<>();
        for (ListenerConfig l : concat(diff.listenersToStop(), diff.listenersToRestart())) {
            ListenerRuntime rt = listeners.get(l.name());
            if (rt != null) {
                stopListener(rt);
                stopped.add(rt);
            }
        }
        // 2. In-place state: auth, quota, route policies of the kept listeners.
        services.auth.update(next.auth());
        services.userQuota = next.admin() == null ? 0 : next.admin().userQuota();
        this.config = next;
        for (ListenerRuntime rt : listeners.values()) {
            ListenerConfig w = next.listener(rt.name).orElse(rt.config);
            rt.config = w;
            rt.policy = RoutePolicy.compile(next, w, resolved);
        }
        Map<String, io.netty.handler.ssl.SslContext> oldCerts = new LinkedHashMap<>();
        newCerts.forEach((name, ctx) -> {
            StreamListener stream = listeners.get(name).stream;
            oldCerts.put(name, stream.certificate(ctx));
        });
        Map<String, DtlsIdentity> oldDtls = new LinkedHashMap<>();
        newDtls.forEach((name, id) -> {
            DtlsListenerHandler h = dtlsHandler(listeners.get(name));
            oldDtls.put(name, h.identity());
            h.identity(id);
        });
        // 3. New and restarted listeners.
        List<String> problems = new ArrayList<>();
        List<String> started = new ArrayList<>();
        for (ListenerConfig l : concat(diff.listenersToStart(), diff.listenersToRestart())) {
            try {
                startListener(next, l, resolved);
                if (listeners.containsKey(l.name())) {
                    started.add(l.name());
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            // Roll back: stop what we started, restore the previous config and restart what we stopped.
            for (String name : started) {
                stopListener(listeners.get(name));
            }
            services.auth.update(prev.auth());
            services.userQuota = prev.admin() == null ? 0 : prev.admin().userQuota();
            this.config = prev;
            dns.setNames(dnsNames(prev)); // never blocks: the next refresh resolves them again
            for (ListenerRuntime rt : listeners.values()) {
                ListenerConfig old = prev.listener(rt.name).orElse(rt.config);
                rt.config = old;
                rt.policy = RoutePolicy.compile(prev, old, prevResolved);
            }
            oldCerts.forEach((name, ctx) -> {
                ListenerRuntime rt = listeners.get(name);
                // The new context goes (connections accepted meanwhile keep references of their own).
                io.netty.util.ReferenceCountUtil.release(rt != null && rt.stream != null ? rt.stream.certificate(ctx)
                        : ctx);
            });
            oldDtls.forEach((name, id) -> {
                ListenerRuntime rt = listeners.get(name);
                DtlsListenerHandler h = rt == null ? null : dtlsHandler(rt);
                if (h != null) {
                    h.identity(id);
                }
            });
            for (ListenerRuntime rt : stopped) {
                try {
                    startListener(prev, rt.config, prevResolved);
                } catch (ConfigException e) {
                    problems.add("rollback: " + String.join("; ", e.problems()));
                }
            }
            configsRejected.incrementAndGet();
            throw new ConfigException(problems);
        }
        configsApplied.incrementAndGet();
        oldCerts.values().forEach(io.netty.util.ReferenceCountUtil::release); // their connections hold their own
        for (String name : newDtls.keySet()) {
            LOG.info("listener " + name + ": new DTLS certificate, served to new handshakes (established sessions keep"
                    + " theirs)");
        }
        for (String name : newCerts.keySet()) {
            LOG.info("listener " + name + ": new TLS certificate, served to new connections (established ones keep"
                    + " theirs)");
        }
        LOG.info("config applied: {} listener(s), {} cluster(s); {}", next.listeners().size(), next.clusters().size(),
                diff);
    }

    /** The DTLS handler of a TURN-DTLS listener, {@code null} for the other protocols. */
    private static DtlsListenerHandler dtlsHandler(ListenerRuntime rt) {
        for (ListenerShard h : rt.handlers) {
            if (h instanceof DtlsListenerHandler) {
                return (DtlsListenerHandler) h;
            }
        }
        return null;
    }

    /** The current DNS answers restricted to {@code cfg}'s names (for a rollback to it). */
    private Map<String, Set<InetAddress>> resolvedFor(StunnerConfig cfg) {
        Map<String, Set<InetAddress>> all = dns.resolved();
        Map<String, Set<InetAddress>> out = new java.util.HashMap<>();
        for (String n : dnsNames(cfg)) {
            out.put(n, all.getOrDefault(n, Set.of()));
        }
        return out;
    }

    private static List<ListenerConfig> concat(List<ListenerConfig> a, List<ListenerConfig> b) {
        List<ListenerConfig> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> names(List<ListenerRuntime> rts) {
        List<String> out = new ArrayList<>();
        for (ListenerRuntime rt : rts) {
            out.add(rt.name);
        }
        return out;
    }

    private void stopListener(ListenerRuntime rt) {
        listeners.remove(rt.name);
        StreamListener stream = rt.stream;
        if (stream != null) {
            stream.stop("listener closed"); // closes its connections and drops their allocations on their loops
            socketsOpened.merge(rt.name, (int) stream.acceptedConnections(), Integer::sum);
        } else {
            for (Channel ch : rt.channels) {
                ch.close().syncUninterruptibly(); // channelInactive drops this socket's allocations on its loop
            }
        }
        // Keep the final counts, so the listener's counters (and its clusters') never go backwards.
        long[] done = rt.totals();
        long[] sum = retiredListeners.computeIfAbsent(rt.name, n -> new long[SocketStats.SIZE]);
        for (int i = 0; i < sum.length; i++) {
            sum[i] += done[i];
        }
        Map<String, long[]> clusters = new java.util.HashMap<>();
        for (ListenerShard h : rt.handlers) {
            h.stats().addClustersTo(clusters);
        }
        clusters.forEach((name, c) -> {
            long[] t = retiredClusters.computeIfAbsent(name, n -> new long[SocketStats.CLUSTER_SIZE]);
            for (int i = 0; i < t.length; i++) {
                t[i] += c[i];
            }
        });
        services.self.removePort(rt.config.port());
        LOG.info("listener " + rt.name + ": stopped");
    }

    /** The resolver's thread saw an answer change (it holds no lock of its own here). */
    private synchronized void recompilePolicies() {
        StunnerConfig cfg = this.config;
        Map<String, Set<InetAddress>> resolved = dns.resolved();
        for (ListenerRuntime rt : listeners.values()) {
            rt.policy = RoutePolicy.compile(cfg, rt.config, resolved);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ListenerRuntime rt : new ArrayList<>(listeners.values())) {
            stopListener(rt);
        }
        dns.close();
        if (ownsGroup && dnsLookup instanceof AutoCloseable) { // not the host's lookup (startOnLoopsOf)
            try {
                ((AutoCloseable) dnsLookup).close();
            } catch (Exception e) {
                LOG.debug("closing the DNS resolver: {}", e.toString());
            }
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The number of event loops this gateway's sockets are spread over. */
    public int eventLoops() {
        int n = 0;
        for (io.netty.util.concurrent.EventExecutor ignored : group) {
            n++;
        }
        return n;
    }
}
