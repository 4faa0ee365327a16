package io.turngate.config.route;

import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * "Why is my peer denied?": decides offline whether a peer is admitted on a listener, following STUNner's
 * semantics (stunner-compat §1c) plus turngate's special-range rule ({@link PeerAddresses}):
 * <ol>
 *   <li>the peer is canonicalised (embedded IPv4 forms become IPv4);</li>
 *   <li><b>permission</b> (IP only): some cluster named by <em>this</em> listener's routes admits the IP —
 *       STATIC: an endpoint prefix contains it (and names its range explicitly if the IP is special);
 *       STRICT_DNS: an endpoint is that literal IP; DNS names are resolved at runtime and cannot be decided
 *       offline;</li>
 *   <li><b>port</b> (when given): checked against the <em>first</em> admitting cluster in sorted route order only;
 *       a later cluster never rescues a port the first one excludes.</li>
 * </ol>
 * A verdict that cannot be decided offline has {@code allowed == false} and a reason starting with
 * {@value #UNDECIDABLE}. Invalid input (unknown listener, unparseable peer) gives {@code allowed == false} with a
 * reason naming the problem. Stateless.
 */
public final class Explain {
    /** Prefix of the reason of a verdict that depends on runtime DNS resolution. */
    public static final String UNDECIDABLE = "undecidable offline: ";
    /** Expected peer syntax, for messages. */
    public static final String EXPECTED_PEER = "IP, IP:PORT or [IPv6]:PORT";

    private Explain() {
    }

    /**
     * The outcome.
     *
     * @param allowed true when the peer (and port, if given) would be relayed to
     * @param reason  one line, STUNner's wording where one exists ("no route to endpoint", "peer port
     *                administratively prohibited")
     * @param trace   the steps taken, one line each
     */
    public record Verdict(boolean allowed, String reason, List<String> trace) {
        public Verdict {
            trace = List.copyOf(trace);
        }

        /** True when the answer depends on STRICT_DNS resolution at runtime. */
        public boolean undecidable() {
            return reason.startsWith(UNDECIDABLE);
        }
    }

    /** How one cluster relates to the peer IP. */
    private enum Match { YES, NO, UNDECIDED }

    private record ClusterMatch(ClusterConfig cluster, Match match, List<Endpoint> endpoints) {
    }

    /**
     * What is wrong with the question itself (no such listener, a peer that is not an address), or {@code null}: a
     * usage error, told apart from a denied peer.
     */
    public static String usageProblem(StunnerConfig config, String listenerName, String peer) {
        if (config.listener(listenerName).isEmpty()) {
            return "listener \"" + listenerName + "\": not found (expected: one of "
                    + config.listeners().stream().map(ListenerConfig::name).collect(Collectors.joining(", ")) + ")";
        }
        try {
            parsePeer(peer);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /**
     * Explains whether {@code peer} may be relayed to on listener {@code listenerName}.
     *
     * @param peer {@code IP}, {@code IP:PORT}, {@code [IPv6]:PORT} or a bare IPv6 address
     */
    public static Verdict peer(StunnerConfig config, String listenerName, String peer) {
        List<String> trace = new ArrayList<>();
        Optional<ListenerConfig> lo = config.listener(listenerName);
        if (lo.isEmpty()) {
            return new Verdict(false, "listener \"" + listenerName + "\": not found (expected: one of "
                    + config.listeners().stream().map(ListenerConfig::name).collect(Collectors.joining(", ")) + ")", trace);
        }
        ListenerConfig listener = lo.get();
        Peer parsed;
        try {
            parsed = parsePeer(peer);
        } catch (IllegalArgumentException e) {
            return new Verdict(false, e.getMessage(), trace);
        }
        byte[] raw = parsed.address();
        int port = parsed.port();
        byte[] ip = PeerAddresses.canonicalize(raw);
        String ipText = text(ip);
        PeerAddresses.Embedding emb = PeerAddresses.embedding(raw);
        if (emb != null) {
            trace.add("peer " + text(raw) + " (" + emb.description() + ") canonicalised to " + ipText);
        }
        trace.add("peer IP " + ipText + (port > 0 ? ", port " + port : ", no port given (port ranges are enforced per"
                + " packet; only the permission is checked)"));
        PeerAddresses.SpecialRange special = PeerAddresses.classify(ip);
        if (special != null) {
            trace.add(ipText + " is in the " + special.describe(ip) + " range: only an endpoint naming that range"
                    + " explicitly admits it (turngate security rule; covering prefixes such as 0.0.0.0/0 do not)");
        }

        List<ClusterMatch> matches = clusterMatches(config, listener, ip, special, trace);
        ClusterMatch first = null;
        ClusterMatch firstYes = null;
        for (ClusterMatch m : matches) {
            if (first == null && m.match != Match.NO) {
                first = m;
            }
            if (firstYes == null && m.match == Match.YES) {
                firstYes = m;
            }
        }
        String deniedReason = "permission denied on listener \"" + listener.name() + "\" for peer " + ipText
                + ": no route to endpoint";
        if (first == null) {
            hintOtherListeners(config, listener, ip, trace);
            return new Verdict(false, deniedReason, trace);
        }
        if (firstYes == null) {
            List<String> dns = matches.stream().filter(m -> m.match == Match.UNDECIDED).map(m -> m.cluster.name())
                    .collect(Collectors.toList());
            hintOtherListeners(config, listener, ip, trace);
            return new Verdict(false, UNDECIDABLE + "peer " + ipText + " is admitted on listener \"" + listener.name()
                    + "\" only if STRICT_DNS cluster " + String.join(" or ", dns) + " resolves to it", trace);
        }
        trace.add("permission: granted via cluster " + firstYes.cluster.name());
        if (port <= 0) {
            return new Verdict(true, "permission granted on listener \"" + listener.name() + "\" for peer " + ipText
                    + " via cluster " + firstYes.cluster.name(), trace);
        }
        // port check against the first admitting cluster only
        boolean yesAllows = portAllowed(firstYes, port);
        if (first != firstYes) {
            trace.add("STRICT_DNS cluster " + first.cluster.name() + " sorts before " + firstYes.cluster.name()
                    + ": if it resolves to " + ipText + " it decides the port check (DNS clusters allow all ports)");
            if (yesAllows) {
                trace.add("port " + port + ": allowed by cluster " + firstYes.cluster.name() + " as well");
                return new Verdict(true, "peer " + ipText + ":" + port + " allowed on listener \"" + listener.name()
                        + "\" via cluster " + firstYes.cluster.name(), trace);
            }
            return new Verdict(false, UNDECIDABLE + "port " + port + " of " + ipText + " is allowed only if STRICT_DNS"
                    + " cluster " + first.cluster.name() + " resolves to it; otherwise cluster " + firstYes.cluster.name()
                    + " decides and excludes it (peer port administratively prohibited)", trace);
        }
        if (yesAllows) {
            trace.add("port " + port + ": allowed by " + allowingEndpoint(firstYes, port) + " of cluster "
                    + firstYes.cluster.name() + " (the first cluster admitting " + ipText + ")");
            return new Verdict(true, "peer " + ipText + ":" + port + " allowed on listener \"" + listener.name()
                    + "\" via cluster " + firstYes.cluster.name(), trace);
        }
        trace.add("port " + port + ": outside " + ranges(firstYes) + " of cluster " + firstYes.cluster.name()
                + ", the first cluster (sorted by name) admitting " + ipText);
        for (ClusterMatch m : matches) {
            if (m != firstYes && m.match == Match.YES && portAllowed(m, port)) {
                trace.add("note: cluster " + m.cluster.name() + " would allow port " + port
                        + ", but only the first matching cluster counts (STUNner)");
            }
        }
        return new Verdict(false, "peer port administratively prohibited: " + ipText + ":" + port + " on listener \""
                + listener.name() + "\" (cluster " + firstYes.cluster.name() + " allows " + ranges(firstYes) + ")", trace);
    }

    /** Every route of the listener, sorted, with its match against {@code ip}; trace lines on the way. */
    private static List<ClusterMatch> clusterMatches(StunnerConfig config, ListenerConfig listener, byte[] ip,
                                                     PeerAddresses.SpecialRange special, List<String> trace) {
        List<ClusterMatch> out = new ArrayList<>();
        TreeSet<String> routes = new TreeSet<>(listener.routes());
        if (routes.isEmpty()) {
            trace.add("listener " + listener.name() + " has no routes");
        }
        for (String r : routes) {
            Optional<ClusterConfig> c = config.cluster(r);
            if (c.isEmpty()) {
                trace.add("route " + r + ": no cluster of that name (ignored by stunnerd)");
                continue;
            }
            ClusterMatch m = match(c.get(), ip, special);
            out.add(m);
            trace.add(describe(m, ip, special));
        }
        return out;
    }

    private static ClusterMatch match(ClusterConfig c, byte[] ip, PeerAddresses.SpecialRange special) {
        List<Endpoint> hits = new ArrayList<>();
        if (c.type() == ClusterType.STRICT_DNS) {
            boolean names = false;
            for (String e : c.endpoints()) {
                byte[] lit = PeerAddresses.parseLiteral(e);
                if (lit == null) {
                    names = true;
                } else if (java.util.Arrays.equals(PeerAddresses.canonicalize(lit), ip)) {
                    hits.add(Endpoint.parse(e));
                }
            }
            return new ClusterMatch(c, !hits.isEmpty() ? Match.YES : names ? Match.UNDECIDED : Match.NO, hits);
        }
        for (String e : c.endpoints()) {
            Endpoint ep;
            try {
                ep = Endpoint.parse(e);
            } catch (IllegalArgumentException ex) {
                continue; // validated configs never get here; the runtime skips bad entries too
            }
            if (ep.containsAddress(ip)) {
                hits.add(ep);
            }
        }
        if (hits.isEmpty()) {
            return new ClusterMatch(c, Match.NO, hits);
        }
        if (special != null) {
            List<Endpoint> explicit = hits.stream().filter(ep -> PeerAddresses.explicitlyNamed(ep, ip))
                    .collect(Collectors.toList());
            if (explicit.isEmpty()) {
                return new ClusterMatch(c, Match.NO, hits); // covered, not named: refused
            }
            return new ClusterMatch(c, Match.YES, explicit);
        }
        return new ClusterMatch(c, Match.YES, hits);
    }

    private static String describe(ClusterMatch m, byte[] ip, PeerAddresses.SpecialRange special) {
        String name = "cluster " + m.cluster.name() + " (" + m.cluster.type() + ")";
        switch (m.match) {
            case YES:
                return name + ": " + text(ip) + " matches " + m.endpoints.stream().map(Endpoint::toString)
                        .collect(Collectors.joining(", "));
            case UNDECIDED:
                return "STRICT_DNS cluster " + m.cluster.name() + ": resolved at runtime, cannot decide offline ("
                        + m.cluster.endpoints().stream().filter(e -> PeerAddresses.parseLiteral(e) == null)
                        .collect(Collectors.joining(", ")) + ")";
            default:
                if (!m.endpoints.isEmpty() && special != null) {
                    return name + ": " + m.endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", "))
                            + " covers " + text(ip) + " but does not name the " + special.describe(ip)
                            + " range explicitly: refused";
                }
                return name + ": no endpoint contains " + text(ip);
        }
    }

    private static boolean portAllowed(ClusterMatch m, int port) {
        if (m.cluster.type() == ClusterType.STRICT_DNS) {
            return true;
        }
        return m.endpoints.stream().anyMatch(e -> e.containsPort(port));
    }

    private static String allowingEndpoint(ClusterMatch m, int port) {
        if (m.cluster.type() == ClusterType.STRICT_DNS) {
            return "STRICT_DNS endpoint (all ports)";
        }
        return m.endpoints.stream().filter(e -> e.containsPort(port)).findFirst()
                .map(e -> "endpoint " + e + (e.hasPortRange() ? "" : " (all ports)")).orElse("?");
    }

    private static String ranges(ClusterMatch m) {
        return m.endpoints.stream().map(e -> "ports " + e.minPort() + "-" + e.maxPort()).distinct()
                .collect(Collectors.joining(", "));
    }

    /** When denied here: where else the peer would be admitted (routes are per listener). */
    private static void hintOtherListeners(StunnerConfig config, ListenerConfig listener, byte[] ip, List<String> trace) {
        PeerAddresses.SpecialRange special = PeerAddresses.classify(ip);
        TreeSet<String> routedAnywhere = new TreeSet<>();
        for (ListenerConfig other : config.listeners()) {
            routedAnywhere.addAll(other.routes());
            if (other.name().equals(listener.name())) {
                continue;
            }
            for (String r : new TreeSet<>(other.routes())) {
                Optional<ClusterConfig> c = config.cluster(r);
                if (c.isPresent() && match(c.get(), ip, special).match == Match.YES) {
                    trace.add("hint: " + text(ip) + " is routed on listener " + other.name() + " via cluster " + r
                            + ", but each listener admits only the clusters of its own routes");
                }
            }
        }
        for (ClusterConfig c : config.clusters()) {
            if (!routedAnywhere.contains(c.name()) && match(c, ip, special).match == Match.YES) {
                trace.add("hint: cluster " + c.name() + " would admit " + text(ip) + " but no listener routes to it"
                        + " (add it to listener " + listener.name() + "'s routes)");
            }
        }
    }

    /** A parsed peer: the address as written (4 or 16 bytes) and the port, 0 when not given. */
    record Peer(byte[] address, int port) {
    }

    static Peer parsePeer(String peer) {
        String bad = "peer \"" + peer + "\" (expected: " + EXPECTED_PEER + ")";
        if (peer == null || peer.isBlank()) {
            throw new IllegalArgumentException("peer missing (expected: " + EXPECTED_PEER + ")");
        }
        String s = peer.trim();
        String host = s;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(bad);
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException(bad);
                }
                portText = rest.substring(1);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            portText = s.substring(s.indexOf(':') + 1);
        }
        byte[] addr = PeerAddresses.parseLiteral(host);
        if (addr == null) {
            throw new IllegalArgumentException(bad);
        }
        int port = 0;
        if (portText != null) {
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw new IllegalArgumentException("peer port \"" + portText + "\" in \"" + peer + "\" (expected: 1..65535)");
            }
            port = Integer.parseInt(portText);
        }
        return new Peer(addr, port);
    }

    /**
     * Textual form of a 4- or 16-byte address as written (IPv6 stays IPv6): RFC 5952 §4, with the IPv4 part in
     * dotted form for mapped, compatible and NAT64 addresses (RFC 5952 §5, RFC 6052 §2.4).
     */
    static String text(byte[] a) {
        if (a.length == 16) {
            PeerAddresses.Embedding emb = PeerAddresses.embedding(a);
            if (emb != null && emb != PeerAddresses.Embedding.SIX_TO_FOUR) {
                String prefix = emb == PeerAddresses.Embedding.IPV4_MAPPED ? "::ffff:"
                        : emb == PeerAddresses.Embedding.NAT64 ? "64:ff9b::" : "::";
                return prefix + Endpoint.formatIp(new byte[] {a[12], a[13], a[14], a[15]});
            }
        }
        return Endpoint.formatIp(a);
    }
}
