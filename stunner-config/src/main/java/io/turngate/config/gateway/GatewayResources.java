package io.turngate.config.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A set of Gateway API / STUNner / core resources, as the operator's informers would hold them, loaded from YAML or
 * JSON manifests.
 *
 * <p>Loading rules: a file may hold several {@code ---}-separated documents (and {@code kind: List} documents);
 * a directory contributes every {@code *.yaml}, {@code *.yml} and {@code *.json} file directly inside it, sorted
 * by name (hidden files and sub-directories are skipped). Duplicate YAML keys are tolerated. Unknown kinds are
 * skipped. When the same object (kind, namespace, name) appears twice the later one replaces the earlier, as
 * {@code kubectl apply} would; a warning is recorded when the two differ. A {@code gateway.networking.k8s.io/v1alpha2}
 * UDPRoute with the same namespace/name as a {@code stunner.l7mp.io/v1} UDPRoute is ignored ("masked"), as the
 * operator does. All problems of all files are collected into one {@link ConfigException}.
 */
public final class GatewayResources {
    private static final System.Logger LOG = System.getLogger(GatewayResources.class.getName());

    private final List<GatewayClass> gatewayClasses;
    private final List<GatewayConfig> gatewayConfigs;
    private final List<Gateway> gateways;
    private final List<UdpRoute> udpRoutes;
    private final List<StaticService> staticServices;
    private final List<Service> services;
    private final List<EndpointSlice> endpointSlices;
    private final List<Endpoints> endpoints;
    private final List<Secret> secrets;
    private final List<Namespace> namespaces;
    private final List<Dataplane> dataplanes;
    private final List<Node> nodes;
    private final List<UdpRoute> maskedUdpRoutes;
    private final List<String> warnings;
    private final boolean fromCluster;
    private final Map<String, List<String>> skipped;

    private GatewayResources(Collection<Resource> all, List<UdpRoute> masked, List<String> warnings) {
        this(all, masked, warnings, false, Map.of());
    }

    private GatewayResources(Collection<Resource> all, List<UdpRoute> masked, List<String> warnings,
                             boolean fromCluster, Map<String, List<String>> skipped) {
        this.gatewayClasses = ofType(all, GatewayClass.class);
        this.gatewayConfigs = ofType(all, GatewayConfig.class);
        this.gateways = ofType(all, Gateway.class);
        this.udpRoutes = ofType(all, UdpRoute.class);
        this.staticServices = ofType(all, StaticService.class);
        this.services = ofType(all, Service.class);
        this.endpointSlices = ofType(all, EndpointSlice.class);
        this.endpoints = ofType(all, Endpoints.class);
        this.secrets = ofType(all, Secret.class);
        this.namespaces = ofType(all, Namespace.class);
        this.dataplanes = ofType(all, Dataplane.class);
        this.nodes = ofType(all, Node.class);
        this.maskedUdpRoutes = List.copyOf(masked);
        this.warnings = List.copyOf(warnings);
        this.fromCluster = fromCluster;
        Map<String, List<String>> sk = new LinkedHashMap<>();
        skipped.forEach((k, v) -> sk.put(k, List.copyOf(v)));
        this.skipped = java.util.Collections.unmodifiableMap(sk);
    }

    private static <T extends Resource> List<T> ofType(Collection<Resource> all, Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toUnmodifiableList());
    }

    // ---- loading ---------------------------------------------------------------------------------------------

    /** Loads files and/or directories, in the given order (later objects replace earlier ones of the same identity). */
    public static GatewayResources load(Path... paths) throws ConfigException {
        return load(List.of(paths));
    }

    /** Loads files and/or directories, in the given order. */
    public static GatewayResources load(List<Path> paths) throws ConfigException {
        Collector col = new Collector();
        for (Path p : paths) {
            for (Path f : expand(p, col.problems)) {
                String text;
                try {
                    text = Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    col.problems.add(f + ": cannot read: " + e.getMessage());
                    continue;
                }
                col.addText(text, f.toString());
            }
        }
        return col.build();
    }

    /** Parses in-memory manifest text; {@code sourceName} is used in messages. */
    public static GatewayResources parse(String text, String sourceName) throws ConfigException {
        Collector col = new Collector();
        col.addText(text, sourceName);
        return col.build();
    }

    /** Builds a resource set from already constructed records (tests, programmatic use). */
    public static GatewayResources of(Collection<? extends Resource> resources) {
        Collector col = new Collector();
        resources.forEach(r -> col.add(r, null));
        return new GatewayResources(col.resolved(), col.masked(), col.warnings);
    }

    /**
     * Builds the resource set from objects read from the Kubernetes API (an informer cache), the same model a file
     * load builds. Unlike a file, a malformed object does not reject the whole input: it is left out, each of its
     * problems becomes a warning ending in {@code "(object ignored)"}, and it is listed in {@link #skipped()}, so
     * every other object keeps rendering. The set is marked {@link #fromCluster()}.
     *
     * @param objects objects with {@code apiVersion}, {@code kind} and {@code metadata}, in a stable order
     * @param where   where they were read, for messages (e.g. {@code "kubernetes"})
     */
    public static GatewayResources fromCluster(Collection<JsonNode> objects, String where) {
        Collector col = new Collector();
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        Origin origin = Origin.api(where);
        for (JsonNode o : objects) {
            List<String> problems = new ArrayList<>();
            List<Resource> read = new ArrayList<>();
            List<JsonNode> raws = new ArrayList<>();
            new ResourceReader(problems, col.warnings).read(o, origin, (r, raw) -> {
                read.add(r);
                raws.add(raw);
            });
            if (problems.isEmpty()) {
                for (int i = 0; i < read.size(); i++) {
                    col.add(read.get(i), raws.get(i));
                }
                continue;
            }
            String id = read.isEmpty() ? describe(o) : read.get(0).describe();
            skipped.computeIfAbsent(id, k -> new ArrayList<>()).addAll(problems);
            problems.forEach(p -> col.warnings.add(p + " (object ignored)"));
        }
        return new GatewayResources(col.resolved(), col.masked(), col.warnings, true, skipped);
    }

    /** {@code kind ns/name} of a raw object, for one that did not read. */
    private static String describe(JsonNode o) {
        JsonNode m = o == null ? null : o.get("metadata");
        String kind = o != null && o.hasNonNull("kind") ? o.get("kind").asText() : "object";
        String name = m != null && m.hasNonNull("name") ? m.get("name").asText() : "<unnamed>";
        String ns = m != null && m.hasNonNull("namespace") ? m.get("namespace").asText() + "/" : "";
        return kind.toLowerCase(Locale.ROOT) + " " + ns + name;
    }

    /** True for files a directory load picks up. */
    public static boolean isManifestFile(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /** A directory's manifest files sorted by name, or the path itself; problems for missing paths. */
    static List<Path> expand(Path p, List<String> problems) {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                List<Path> files = s.filter(Files::isRegularFile).filter(GatewayResources::isManifestFile)
                        .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                        .collect(Collectors.toList());
                if (files.isEmpty()) {
                    problems.add(p + ": no *.yaml, *.yml or *.json files (expected: a directory of manifests)");
                }
                return files;
            } catch (IOException e) {
                problems.add(p + ": cannot list directory: " + e.getMessage());
                return List.of();
            }
        }
        if (!Files.exists(p)) {
            problems.add(p + ": no such file or directory (expected: a manifest file or directory)");
            return List.of();
        }
        return List.of(p);
    }

    /** Accumulates resources and problems over several sources. */
    private static final class Collector {
        final List<String> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        private final Map<String, Resource> byId = new LinkedHashMap<>();
        private final Map<String, JsonNode> rawById = new LinkedHashMap<>();
        private final ResourceReader reader = new ResourceReader(problems, warnings);

        void addText(String text, String source) {
            List<JsonNode> docs;
            try {
                docs = YamlDocuments.read(text, source);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
                return;
            }
            for (int i = 0; i < docs.size(); i++) {
                reader.read(docs.get(i), new Origin(source, i + 1), this::add);
            }
        }

        void add(Resource r, JsonNode raw) {
            String id = identity(r);
            Resource prev = byId.remove(id);
            JsonNode prevRaw = rawById.remove(id);
            boolean same = prevRaw != null && raw != null ? prevRaw.equals(raw) : r.equals(prev);
            if (prev != null && !same) {
                warnings.add(r.origin() + ": " + r.describe() + " replaces the one from " + prev.origin());
            } else if (prev != null) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1} repeated (identical)", r.origin(), r.describe());
            }
            byId.put(id, r);
            if (raw != null) {
                rawById.put(id, raw);
            }
        }

        /** UDPRoutes of the two API groups are distinct objects until masking is applied. */
        private static String identity(Resource r) {
            String kind = r.kind();
            if (r instanceof UdpRoute u && u.isGatewayApiV1alpha2()) {
                kind = kind + "/v1alpha2";
            }
            return kind + " " + r.key();
        }

        private boolean isMasked(Resource r) {
            return r instanceof UdpRoute u && u.isGatewayApiV1alpha2() && byId.containsKey("UDPRoute " + u.key());
        }

        /** The v1alpha2 UDPRoutes that {@link #resolved()} leaves out, in load order. */
        List<UdpRoute> masked() {
            return byId.values().stream().filter(this::isMasked).map(UdpRoute.class::cast).collect(Collectors.toList());
        }

        List<Resource> resolved() {
            List<Resource> out = new ArrayList<>();
            for (Resource r : byId.values()) {
                if (isMasked(r)) {
                    UdpRoute u = (UdpRoute) r;
                    warnings.add(u.origin() + ": udproute " + u.key() + " (" + UdpRoute.API_GATEWAY_V1ALPHA2
                            + ") is masked by the " + UdpRoute.API_STUNNER_V1 + " UDPRoute of the same name; ignored");
                    continue;
                }
                out.add(r);
            }
            return out;
        }

        GatewayResources build() throws ConfigException {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new GatewayResources(resolved(), masked(), warnings);
        }
    }

    // ---- accessors -------------------------------------------------------------------------------------------

    public List<GatewayClass> gatewayClasses() {
        return gatewayClasses;
    }

    public List<GatewayConfig> gatewayConfigs() {
        return gatewayConfigs;
    }

    public List<Gateway> gateways() {
        return gateways;
    }

    public List<UdpRoute> udpRoutes() {
        return udpRoutes;
    }

    public List<StaticService> staticServices() {
        return staticServices;
    }

    public List<Service> services() {
        return services;
    }

    public List<EndpointSlice> endpointSlices() {
        return endpointSlices;
    }

    public List<Endpoints> endpoints() {
        return endpoints;
    }

    public List<Secret> secrets() {
        return secrets;
    }

    public List<Namespace> namespaces() {
        return namespaces;
    }

    public List<Dataplane> dataplanes() {
        return dataplanes;
    }

    /** Nodes, in load order (the operator takes the first one with an external address). */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The {@code gateway.networking.k8s.io/v1alpha2} UDPRoutes masked by a {@code stunner.l7mp.io/v1} UDPRoute of the
     * same namespace/name: not in {@link #udpRoutes()} and never rendered, but the operator still writes a status
     * for them (Accepted False, Pending), so the status renderer needs them.
     */
    public List<UdpRoute> maskedUdpRoutes() {
        return maskedUdpRoutes;
    }

    /** Load-time warnings (replaced duplicates, masked or ignored routes). */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * True when the resources were read from a Kubernetes API server ({@link #fromCluster}), so the renderer renders
     * exactly as the operator does, without the guesses it makes for a set of manifests (an input without any
     * EndpointSlice is a cluster without endpoints, not a set of manifests that left them out).
     */
    public boolean fromCluster() {
        return fromCluster;
    }

    /**
     * Objects left out by {@link #fromCluster} because they did not read: {@code kind ns/name} (as
     * {@link Resource#describe()}) to its problems, in input order. Empty for files, which are rejected whole.
     */
    public Map<String, List<String>> skipped() {
        return skipped;
    }

    /** Number of resources of the kinds the renderer uses. */
    public int size() {
        return gatewayClasses.size() + gatewayConfigs.size() + gateways.size() + udpRoutes.size()
                + staticServices.size() + services.size() + endpointSlices.size() + endpoints.size() + secrets.size()
                + namespaces.size() + dataplanes.size() + nodes.size();
    }

    // ---- lookups ---------------------------------------------------------------------------------------------

    private static <T extends Resource> Optional<T> find(List<T> xs, String namespace, String name) {
        return xs.stream().filter(x -> x.metadata().name().equals(name) && x.metadata().namespace().equals(namespace))
                .findFirst();
    }

    public Optional<GatewayClass> gatewayClass(String name) {
        return find(gatewayClasses, "", name);
    }

    public Optional<GatewayConfig> gatewayConfig(String namespace, String name) {
        return find(gatewayConfigs, namespace, name);
    }

    public Optional<Gateway> gateway(String namespace, String name) {
        return find(gateways, namespace, name);
    }

    public Optional<StaticService> staticService(String namespace, String name) {
        return find(staticServices, namespace, name);
    }

    public Optional<Service> service(String namespace, String name) {
        return find(services, namespace, name);
    }

    public Optional<Endpoints> endpoints(String namespace, String name) {
        return find(endpoints, namespace, name);
    }

    public Optional<Secret> secret(String namespace, String name) {
        return find(secrets, namespace, name);
    }

    public Optional<Namespace> namespace(String name) {
        return find(namespaces, "", name);
    }

    public Optional<Dataplane> dataplane(String name) {
        return find(dataplanes, "", name);
    }

    /** EndpointSlices in {@code namespace} labelled {@code kubernetes.io/service-name=<service>}, in load order. */
    public List<EndpointSlice> endpointSlicesFor(String namespace, String service) {
        return endpointSlices.stream()
                .filter(s -> s.metadata().namespace().equals(namespace) && service.equals(s.serviceName()))
                .collect(Collectors.toUnmodifiableList());
    }
}
