package io.turngate.turn;

import io.turngate.config.route.PeerAddresses;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which peers one listener may relay to: STUNner's "routing is permission" rule (stunner-compat §1c), compiled from
 * one config snapshot. Immutable; a config or DNS change produces a new instance, and permissions re-check the
 * first time they see a new instance (reference comparison on the hot path).
 *
 * <ul>
 *   <li>Admission (CreatePermission, ChannelBind) is by IP only: the peer is admitted iff some cluster named in the
 *       listener's {@code routes} (in sorted order) contains it (§1c.2).</li>
 *   <li>Ports are checked per packet against the FIRST cluster containing the IP only (§1c.3).</li>
 *   <li>turngate's secure default: loopback, unspecified, link-local, multicast and broadcast peers are admitted only
 *       by an endpoint that names that special range explicitly, never by a covering prefix such as
 *       {@code 0.0.0.0/0}. Callers pass canonical addresses ({@link PeerAddresses#canonicalize}).</li>
 * </ul>
 */
public final class RoutePolicy {
    /** No route at all: every peer is refused. */
    public static final RoutePolicy EMPTY = new RoutePolicy("", List.of(), List.of());

    private final String listenerName;
    private final Cluster[] clusters;
    private final List<String> missingRoutes;

    private RoutePolicy(String listenerName, List<Cluster> clusters, List<String> missingRoutes) {
        this.listenerName = listenerName;
        this.clusters = clusters.toArray(new Cluster[0]);
        this.missingRoutes = List.copyOf(missingRoutes);
    }

    /**
     * Compiles the policy of {@code listener} in {@code config}.
     *
     * @param resolved current DNS resolutions of STRICT_DNS endpoint names (name → addresses); absent names resolve to nothing
     */
    public static RoutePolicy compile(StunnerConfig config, ListenerConfig listener, Map<String, Set<InetAddress>> resolved) {
        List<Cluster> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> routes = new ArrayList<>(listener.routes());
        routes.sort(null);
        for (String route : routes) {
            ClusterConfig c = config.cluster(route).orElse(null);
            if (c == null) {
                missing.add(route);
                continue;
            }
            if (c.type() == ClusterType.STRICT_DNS) {
                List<InetAddress> addrs = new ArrayList<>();
                for (String name : c.endpoints()) {
                    addrs.addAll(resolved.getOrDefault(name, Set.of()));
                }
                out.add(new Cluster(c.name(), new Endpoint[0], addrs.toArray(new InetAddress[0])));
            } else {
                List<Endpoint> eps = new ArrayList<>();
                for (String e : c.endpoints()) {
                    try {
                        eps.add(Endpoint.parse(e));
                    } catch (IllegalArgumentException ignored) {
                        // validated at load time; the runtime skips bad entries like stunnerd does
                    }
                }
                out.add(new Cluster(c.name(), eps.toArray(new Endpoint[0]), new InetAddress[0]));
            }
        }
        return new RoutePolicy(listener.name(), out, missing);
    }

    public String listenerName() {
        return listenerName;
    }

    /** Route names of this listener that name no cluster (ignored, as STUNner does). */
    public List<String> missingRoutes() {
        return missingRoutes;
    }

    /**
     * The first cluster (sorted route order) that admits {@code peer}, or {@code null}. {@code peer} must be
     * canonical. Control path only.
     */
    public Cluster admit(InetAddress peer) {
        byte[] addr = peer.getAddress();
        boolean special = PeerAddresses.classify(addr) != null;
        for (Cluster c : clusters) {
            if (c.contains(peer, addr, special)) {
                return c;
            }
        }
        return null;
    }

    /** Clusters of this policy, in sorted route order (missing routes left out). */
    public int clusterCount() {
        return clusters.length;
    }

    /** Name of the cluster at {@code index} ({@code 0 <= index < }{@link #clusterCount()}). */
    public String clusterName(int index) {
        return clusters[index].name;
    }

    /** Index of the first cluster that admits {@code peer} (canonical), or {@code -1}. Control path only. */
    public int clusterIndex(InetAddress peer) {
        byte[] addr = peer.getAddress();
        boolean special = PeerAddresses.classify(addr) != null;
        for (int i = 0; i < clusters.length; i++) {
            if (clusters[i].contains(peer, addr, special)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Port ranges ({@code lo, hi} pairs) that the first admitting cluster allows for {@code peer}, or {@code null}
     * when the peer is not routed at all. Computed when a permission is installed or re-validated, then consulted
     * per packet with {@link #portAllowed(int[], int)}.
     */
    public int[] portRanges(InetAddress peer) {
        return portRanges(peer, clusterIndex(peer));
    }

    /** {@link #portRanges(InetAddress)} for a peer whose {@link #clusterIndex} is known. */
    public int[] portRanges(InetAddress peer, int clusterIndex) {
        if (clusterIndex < 0) {
            return null;
        }
        byte[] addr = peer.getAddress();
        return clusters[clusterIndex].portRanges(addr, PeerAddresses.classify(addr) != null);
    }

    /** Per-packet port check over the pairs from {@link #portRanges}; allocation-free. */
    public static boolean portAllowed(int[] ranges, int port) {
        if (ranges == null) {
            return false;
        }
        for (int i = 0; i < ranges.length; i += 2) {
            if (port >= ranges[i] && port <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** One compiled cluster: STATIC endpoints or the current STRICT_DNS resolution. */
    public static final class Cluster {
        private static final int[] ALL_PORTS = {1, 65535};
        private final String name;
        private final Endpoint[] endpoints;
        private final InetAddress[] dnsAddresses;

        Cluster(String name, Endpoint[] endpoints, InetAddress[] dnsAddresses) {
            this.name = name;
            this.endpoints = endpoints;
            this.dnsAddresses = dnsAddresses;
        }

        public String name() {
            return name;
        }

        boolean contains(InetAddress peer, byte[] addr, boolean special) {
            for (InetAddress a : dnsAddresses) {
                if (a.equals(peer)) {
                    return true;
                }
            }
            for (Endpoint e : endpoints) {
                if (e.containsAddress(addr) && (!special || PeerAddresses.explicitlyNamed(e, addr))) {
                    return true;
                }
            }
            return false;
        }

        int[] portRanges(byte[] addr, boolean special) {
            List<int[]> ranges = new ArrayList<>();
            for (InetAddress a : dnsAddresses) {
                if (java.util.Arrays.equals(a.getAddress(), addr)) {
                    return ALL_PORTS.clone(); // STRICT_DNS clusters have no port ranges
                }
            }
            for (Endpoint e : endpoints) {
                if (e.containsAddress(addr) && (!special || PeerAddresses.explicitlyNamed(e, addr))) {
                    ranges.add(new int[] {e.minPort(), e.maxPort()});
                }
            }
            int[] out = new int[ranges.size() * 2];
            for (int i = 0; i < ranges.size(); i++) {
                out[2 * i] = ranges.get(i)[0];
                out[2 * i + 1] = ranges.get(i)[1];
            }
            return out;
        }
    }
}
