package io.turngate.config.route;

import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing view of a config: for each listener, the clusters its {@code routes} name (in sorted order, the
 * order in which STUNner looks for the first matching cluster) with their endpoints and port ranges, routes that
 * name no cluster (ignored by stunnerd), and clusters no listener routes to (stunner-compat §1c).
 *
 * @param listeners        one entry per listener, in config order
 * @param unroutedClusters clusters not named by any listener's routes
 */
public record RouteTable(List<ListenerRoutes> listeners, List<ClusterConfig> unroutedClusters) {
    public RouteTable {
        listeners = List.copyOf(listeners);
        unroutedClusters = List.copyOf(unroutedClusters);
    }

    /** A listener and its routes, sorted by name. */
    public record ListenerRoutes(ListenerConfig listener, List<Route> routes) {
        public ListenerRoutes {
            routes = List.copyOf(routes);
        }
    }

    /** A route name and the cluster it resolves to, or {@code null} when no cluster has that name. */
    public record Route(String name, ClusterConfig cluster) {
        public boolean known() {
            return cluster != null;
        }
    }

    /** Builds the table of {@code config}. */
    public static RouteTable of(StunnerConfig config) {
        List<ListenerRoutes> ls = new ArrayList<>();
        Set<String> routed = new TreeSet<>();
        for (ListenerConfig l : config.listeners()) {
            List<Route> rs = new ArrayList<>();
            for (String r : new TreeSet<>(l.routes())) {
                rs.add(new Route(r, config.cluster(r).orElse(null)));
                routed.add(r);
            }
            ls.add(new ListenerRoutes(l, rs));
        }
        List<ClusterConfig> unrouted = new ArrayList<>();
        for (ClusterConfig c : config.clusters()) {
            if (!routed.contains(c.name())) {
                unrouted.add(c);
            }
        }
        return new RouteTable(ls, unrouted);
    }

    /**
     * Human-readable table, e.g.
     * <pre>
     * listener stunner/udp-gateway/udp-listener: TURN-UDP port 3478, relay address 10.0.0.5, public 203.0.113.10:3478
     *   route stunner/media (STATIC, UDP)
     *     10.244.0.0/16          ports 10000-20000
     *   route stunner/typo: UNKNOWN (no cluster of that name; ignored)
     * </pre>
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (listeners.isEmpty()) {
            sb.append("no listeners (the gateway is unreachable)\n");
        }
        for (ListenerRoutes lr : listeners) {
            ListenerConfig l = lr.listener();
            sb.append("listener ").append(l.name()).append(": ").append(l.protocol()).append(" port ").append(l.port())
                    .append(", relay address ").append(l.address() == null || l.address().isEmpty() ? "(unset)" : l.address());
            if (l.publicAddress() != null && !l.publicAddress().isEmpty()) {
                sb.append(", public ").append(l.publicAddress());
                if (l.publicPort() != 0) {
                    sb.append(':').append(l.publicPort());
                }
            }
            sb.append('\n');
            if (lr.routes().isEmpty()) {
                sb.append("  (no routes: every peer is denied on this listener)\n");
            }
            for (Route r : lr.routes()) {
                if (!r.known()) {
                    sb.append("  route ").append(r.name()).append(": UNKNOWN (no cluster of that name; ignored)\n");
                    continue;
                }
                appendCluster(sb, "  route ", r.cluster());
            }
        }
        if (!unroutedClusters.isEmpty()) {
            sb.append("clusters no listener routes to:\n");
            for (ClusterConfig c : unroutedClusters) {
                appendCluster(sb, "  cluster ", c);
            }
        }
        return sb.toString();
    }

    private static void appendCluster(StringBuilder sb, String prefix, ClusterConfig c) {
        sb.append(prefix).append(c.name()).append(" (").append(c.type()).append(", ").append(c.protocol()).append(")\n");
        if (c.endpoints().isEmpty()) {
            sb.append("    (no endpoints: admits no peer)\n");
        }
        for (String e : c.endpoints()) {
            sb.append("    ").append(describeEndpoint(c.type(), e)).append('\n');
        }
    }

    /** One endpoint line: address/prefix padded, then its port range and notes. */
    static String describeEndpoint(ClusterType type, String e) {
        if (type == ClusterType.STRICT_DNS) {
            return String.format("%-40s (DNS name, resolved at runtime; all ports)", e);
        }
        Endpoint ep;
        try {
            ep = Endpoint.parse(e);
        } catch (IllegalArgumentException ex) {
            return String.format("%-40s INVALID: %s", e, ex.getMessage());
        }
        String net = ep.toString();
        int suffix = net.indexOf(":<");
        if (suffix >= 0) {
            net = net.substring(0, suffix);
        }
        StringBuilder sb = new StringBuilder(String.format("%-40s ", net));
        sb.append(ep.hasPortRange() ? "ports " + ep.minPort() + "-" + ep.maxPort() : "all ports");
        byte[] network = ep.network();
        PeerAddresses.SpecialRange special = PeerAddresses.classify(network);
        if (special != null && PeerAddresses.explicitlyNamed(ep, network)) {
            sb.append(" (names the ").append(special.describe(network)).append(" range explicitly: admitted)");
        } else if (ep.prefixLength() == 0) {
            sb.append(" (any ").append(ep.isIpv4() ? "IPv4" : "IPv6")
                    .append(" peer except loopback, unspecified, link-local, multicast and broadcast)");
        }
        return sb.toString();
    }
}
