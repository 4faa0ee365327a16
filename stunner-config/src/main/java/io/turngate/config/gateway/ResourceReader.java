package io.turngate.config.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.turngate.config.v1.Endpoint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns one parsed YAML document into resource records. Every malformed field of a known kind becomes one problem
 * {@code <file> (document N): <kind> <ns>/<name>: <field path> <found> (expected: ...)}; reading continues so
 * that all problems of an input are reported together. Unknown kinds are skipped (debug log).
 */
final class ResourceReader {
    private static final System.Logger LOG = System.getLogger(GatewayResources.class.getName());

    static final String GW_GROUP = "gateway.networking.k8s.io";
    static final String STUNNER_GROUP = "stunner.l7mp.io";
    static final String DISCOVERY_GROUP = "discovery.k8s.io";

    private static final List<String> GATEWAY_API = List.of(GW_GROUP + "/v1", GW_GROUP + "/v1beta1");
    private static final List<String> STUNNER_API = List.of(STUNNER_GROUP + "/v1", STUNNER_GROUP + "/v1alpha1");
    private static final List<String> UDPROUTE_API = List.of(UdpRoute.API_STUNNER_V1, UdpRoute.API_GATEWAY_V1ALPHA2);
    private static final List<String> CORE_API = List.of("v1");
    private static final List<String> DISCOVERY_API = List.of(DISCOVERY_GROUP + "/v1", DISCOVERY_GROUP + "/v1beta1");

    private static final java.util.Set<String> KNOWN_KINDS = java.util.Set.of(GatewayClass.KIND, Gateway.KIND,
            GatewayConfig.KIND, UdpRoute.KIND, StaticService.KIND, Dataplane.KIND, Service.KIND, EndpointSlice.KIND,
            Endpoints.KIND, Secret.KIND, Namespace.KIND, Node.KIND);
    private static final String EXPECTED_OBJECT = "a Kubernetes object with apiVersion and kind";
    private static final List<String> AUTH_TYPES = List.of("plaintext", "static", "longterm", "ephemeral", "timewindowed");
    private static final List<String> FROM_VALUES = List.of("Same", "All", "Selector");

    private final List<String> problems;
    private final List<String> warnings;

    ResourceReader(List<String> problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /** Reads one document (or the items of a {@code kind: List}); empty documents are ignored. */
    void read(JsonNode doc, Origin origin, BiConsumer<Resource, JsonNode> sink) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return;
        }
        if (!doc.isObject()) {
            problems.add(origin + ": document is " + show(doc) + " (expected: " + EXPECTED_OBJECT + ")");
            return;
        }
        JsonNode kindNode = doc.get("kind");
        JsonNode apiNode = doc.get("apiVersion");
        if (kindNode == null || !kindNode.isTextual() || apiNode == null || !apiNode.isTextual()) {
            if (hasKeyIgnoreCase(doc, "version") && kindNode == null) {
                problems.add(origin + ": top-level \"version\" key: a stunnerd dataplane config, not a Kubernetes object"
                        + " (expected: " + EXPECTED_OBJECT + "; load a stunnerd config on its own)");
            } else if (kindNode == null || !kindNode.isTextual()) {
                problems.add(origin + ": kind " + (kindNode == null ? "missing" : show(kindNode)) + " (expected: "
                        + EXPECTED_OBJECT + ")");
            } else {
                problems.add(origin + ": " + kindNode.asText().toLowerCase(Locale.ROOT) + ": apiVersion "
                        + (apiNode == null ? "missing" : show(apiNode)) + " (expected: " + EXPECTED_OBJECT + ")");
            }
            return;
        }
        String kind = kindNode.asText();
        String api = apiNode.asText();
        if (kind.endsWith("List") && doc.has("items")) {
            JsonNode items = doc.get("items");
            if (!items.isArray()) {
                problems.add(origin + ": " + kind + ": items " + show(items) + " (expected: list of objects)");
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                read(items.get(i), origin.item(i), sink);
            }
            return;
        }
        if (!KNOWN_KINDS.contains(kind)) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: skipping {1} (not used by the renderer)", origin, kind);
            return;
        }
        Ctx c = new Ctx(origin, kind, doc);
        switch (kind) {
            case GatewayClass.KIND:
                if (c.api(api, GATEWAY_API, true)) {
                    sink.accept(gatewayClass(c, api), doc);
                }
                break;
            case Gateway.KIND:
                if (api.startsWith("networking.istio.io/")) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: skipping Istio Gateway {1}", origin, c.key);
                } else if (c.api(api, GATEWAY_API, true)) {
                    sink.accept(gateway(c, api), doc);
                }
                break;
            case GatewayConfig.KIND:
                if (c.api(api, STUNNER_API, true)) {
                    sink.accept(gatewayConfig(c, api), doc);
                }
                break;
            case UdpRoute.KIND:
                if (api.equals(GW_GROUP + "/v1")) {
                    warnings.add(origin + ": udproute " + c.key + ": apiVersion \"" + api + "\" is not watched by the"
                            + " STUNner operator; route ignored (expected: " + UdpRoute.API_STUNNER_V1 + " or "
                            + UdpRoute.API_GATEWAY_V1ALPHA2 + ")");
                } else if (c.api(api, UDPROUTE_API, true)) {
                    sink.accept(udpRoute(c, api), doc);
                }
                break;
            case StaticService.KIND:
                if (c.api(api, STUNNER_API, true)) {
                    sink.accept(staticService(c, api), doc);
                }
                break;
            case Dataplane.KIND:
                if (c.api(api, STUNNER_API, false)) {
                    sink.accept(dataplane(c, api), doc);
                }
                break;
            case Service.KIND:
                if (c.api(api, CORE_API, false)) {
                    sink.accept(service(c, api), doc);
                }
                break;
            case EndpointSlice.KIND:
                if (c.api(api, DISCOVERY_API, false)) {
                    sink.accept(endpointSlice(c, api), doc);
                }
                break;
            case Endpoints.KIND:
                if (c.api(api, CORE_API, false)) {
                    sink.accept(endpoints(c, api), doc);
                }
                break;
            case Secret.KIND:
                if (c.api(api, CORE_API, false)) {
                    sink.accept(secret(c, api), doc);
                }
                break;
            case Namespace.KIND:
                if (c.api(api, CORE_API, false)) {
                    sink.accept(new Namespace(api, c.meta, origin), doc);
                }
                break;
            case Node.KIND:
                if (c.api(api, CORE_API, false)) {
                    sink.accept(node(c, api), doc);
                }
                break;
            default:
                throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    private static boolean hasKeyIgnoreCase(JsonNode obj, String key) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    // ---- kinds -------------------------------------------------------------------------------------------

    private GatewayClass gatewayClass(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", true);
        String controller = c.str(spec, "controllerName", "spec.controllerName", true);
        GatewayClass.ParametersRef ref = null;
        JsonNode p = c.obj(spec, "parametersRef", "spec.parametersRef", false);
        if (p != null) {
            ref = new GatewayClass.ParametersRef(
                    c.str(p, "group", "spec.parametersRef.group", false),
                    c.str(p, "kind", "spec.parametersRef.kind", false),
                    c.str(p, "name", "spec.parametersRef.name", true),
                    c.str(p, "namespace", "spec.parametersRef.namespace", false));
        }
        return new GatewayClass(api, c.meta, controller == null ? "" : controller, ref, c.origin);
    }

    private GatewayConfig gatewayConfig(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", false);
        String authType = c.str(spec, "authType", "spec.authType", false);
        if (authType != null && !AUTH_TYPES.contains(authType)) {
            c.problem("spec.authType " + quote(authType) + " (expected: " + String.join(", ", AUTH_TYPES) + ")");
        }
        SecretRef authRef = null;
        JsonNode ar = c.obj(spec, "authRef", "spec.authRef", false);
        if (ar != null) {
            authRef = secretRef(c, ar, "spec.authRef");
        }
        Integer quota = c.integer(spec, "userQuota", "spec.userQuota", false, 0, Integer.MAX_VALUE);
        return new GatewayConfig(api, c.meta,
                c.str(spec, "realm", "spec.realm", false),
                authType,
                c.str(spec, "userName", "spec.userName", false),
                c.secretStr(spec, "password", "spec.password"),
                c.secretStr(spec, "sharedSecret", "spec.sharedSecret"),
                authRef,
                c.str(spec, "logLevel", "spec.logLevel", false),
                quota,
                c.str(spec, "dataplane", "spec.dataplane", false),
                c.bool(spec, "stunMode", "spec.stunMode"),
                c.stringMap(spec, "loadBalancerServiceAnnotations", "spec.loadBalancerServiceAnnotations"),
                c.origin);
    }

    private SecretRef secretRef(Ctx c, JsonNode n, String path) {
        return new SecretRef(
                c.str(n, "group", path + ".group", false),
                c.str(n, "kind", path + ".kind", false),
                c.str(n, "name", path + ".name", true),
                c.str(n, "namespace", path + ".namespace", false));
    }

    private Gateway gateway(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", true);
        String className = c.str(spec, "gatewayClassName", "spec.gatewayClassName", true);
        List<Gateway.Listener> listeners = new ArrayList<>();
        List<JsonNode> ls = c.arr(spec, "listeners", "spec.listeners", true);
        for (int i = 0; i < ls.size(); i++) {
            String path = "spec.listeners[" + i + "]";
            JsonNode l = c.element(ls.get(i), path);
            if (l == null) {
                continue;
            }
            String name = c.str(l, "name", path + ".name", true);
            Integer port = c.integer(l, "port", path + ".port", true, 1, 65535);
            String protocol = c.str(l, "protocol", path + ".protocol", true);
            Gateway.Tls tls = null;
            JsonNode t = c.obj(l, "tls", path + ".tls", false);
            if (t != null) {
                List<SecretRef> refs = new ArrayList<>();
                List<JsonNode> rs = c.arr(t, "certificateRefs", path + ".tls.certificateRefs", false);
                for (int j = 0; j < rs.size(); j++) {
                    String rp = path + ".tls.certificateRefs[" + j + "]";
                    JsonNode r = c.element(rs.get(j), rp);
                    if (r != null) {
                        refs.add(secretRef(c, r, rp));
                    }
                }
                tls = new Gateway.Tls(c.str(t, "mode", path + ".tls.mode", false), refs);
            }
            Gateway.AllowedRoutes allowed = null;
            JsonNode ar = c.obj(l, "allowedRoutes", path + ".allowedRoutes", false);
            JsonNode ns = ar == null ? null : c.obj(ar, "namespaces", path + ".allowedRoutes.namespaces", false);
            if (ns != null) {
                String np = path + ".allowedRoutes.namespaces";
                String from = c.str(ns, "from", np + ".from", false);
                if (from != null && !FROM_VALUES.contains(from)) {
                    c.problem(np + ".from " + quote(from) + " (expected: " + Gateway.AllowedRoutes.EXPECTED_FROM + ")");
                }
                JsonNode sel = c.obj(ns, "selector", np + ".selector", false);
                allowed = new Gateway.AllowedRoutes(from == null ? "Same" : from,
                        sel == null ? null : selector(c, sel, np + ".selector"));
            }
            if (name != null && port != null && protocol != null) {
                listeners.add(new Gateway.Listener(name, port, protocol, tls, allowed));
            }
        }
        List<Gateway.Address> addresses = new ArrayList<>();
        List<JsonNode> as = c.arr(spec, "addresses", "spec.addresses", false);
        for (int i = 0; i < as.size(); i++) {
            String path = "spec.addresses[" + i + "]";
            JsonNode a = c.element(as.get(i), path);
            if (a != null) {
                String value = c.str(a, "value", path + ".value", true);
                if (value != null) {
                    addresses.add(new Gateway.Address(c.str(a, "type", path + ".type", false), value));
                }
            }
        }
        return new Gateway(api, c.meta, className == null ? "" : className, listeners, addresses, c.origin);
    }

    private LabelSelector selector(Ctx c, JsonNode sel, String path) {
        Map<String, String> labels = c.stringMap(sel, "matchLabels", path + ".matchLabels");
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        List<JsonNode> es = c.arr(sel, "matchExpressions", path + ".matchExpressions", false);
        for (int i = 0; i < es.size(); i++) {
            String ep = path + ".matchExpressions[" + i + "]";
            JsonNode e = c.element(es.get(i), ep);
            if (e == null) {
                continue;
            }
            String key = c.str(e, "key", ep + ".key", true);
            String op = c.str(e, "operator", ep + ".operator", true);
            if (op != null && !List.of("In", "NotIn", "Exists", "DoesNotExist").contains(op)) {
                c.problem(ep + ".operator " + quote(op) + " (expected: " + LabelSelector.Requirement.EXPECTED_OPERATORS + ")");
                op = null;
            }
            List<String> values = c.strings(e, "values", ep + ".values");
            if (key != null && op != null) {
                reqs.add(new LabelSelector.Requirement(key, op, values));
            }
        }
        return new LabelSelector(labels, reqs);
    }

    private UdpRoute udpRoute(Ctx c, String api) {
        boolean v1alpha2 = UdpRoute.API_GATEWAY_V1ALPHA2.equals(api);
        JsonNode spec = c.obj(c.doc, "spec", "spec", true);
        List<UdpRoute.ParentRef> parents = new ArrayList<>();
        List<JsonNode> ps = c.arr(spec, "parentRefs", "spec.parentRefs", false);
        for (int i = 0; i < ps.size(); i++) {
            String path = "spec.parentRefs[" + i + "]";
            JsonNode p = c.element(ps.get(i), path);
            if (p == null) {
                continue;
            }
            String name = c.str(p, "name", path + ".name", true);
            UdpRoute.ParentRef ref = new UdpRoute.ParentRef(
                    c.str(p, "group", path + ".group", false),
                    c.str(p, "kind", path + ".kind", false),
                    c.str(p, "namespace", path + ".namespace", false),
                    name,
                    c.str(p, "sectionName", path + ".sectionName", false),
                    c.integer(p, "port", path + ".port", false, 1, 65535));
            if (name != null) {
                parents.add(ref);
            }
        }
        List<UdpRoute.Rule> rules = new ArrayList<>();
        List<JsonNode> rs = c.arr(spec, "rules", "spec.rules", false);
        for (int i = 0; i < rs.size(); i++) {
            String path = "spec.rules[" + i + "]";
            JsonNode r = c.element(rs.get(i), path);
            if (r == null) {
                continue;
            }
            List<UdpRoute.BackendRef> backends = new ArrayList<>();
            List<JsonNode> bs = c.arr(r, "backendRefs", path + ".backendRefs", false);
            for (int j = 0; j < bs.size(); j++) {
                String bp = path + ".backendRefs[" + j + "]";
                JsonNode b = c.element(bs.get(j), bp);
                if (b == null) {
                    continue;
                }
                String name = c.str(b, "name", bp + ".name", true);
                Integer port = c.integer(b, "port", bp + ".port", false, Integer.MIN_VALUE, Integer.MAX_VALUE);
                Integer endPort = v1alpha2 ? null
                        : c.integer(b, "endPort", bp + ".endPort", false, Integer.MIN_VALUE, Integer.MAX_VALUE);
                if (v1alpha2 && port != null) {
                    // gateway.networking.k8s.io/v1alpha2 -> stunner.l7mp.io/v1 conversion drops the port.
                    warnings.add(c.origin + ": udproute " + c.key + ": " + bp + ".port " + port + " dropped: "
                            + UdpRoute.API_GATEWAY_V1ALPHA2 + " routes allow every peer port in STUNner (use "
                            + UdpRoute.API_STUNNER_V1 + " port/endPort to restrict ports)");
                    port = null;
                }
                if (name != null) {
                    backends.add(new UdpRoute.BackendRef(
                            c.str(b, "group", bp + ".group", false),
                            c.str(b, "kind", bp + ".kind", false),
                            name,
                            c.str(b, "namespace", bp + ".namespace", false),
                            port, endPort));
                }
            }
            rules.add(new UdpRoute.Rule(backends));
        }
        return new UdpRoute(api, c.meta, parents, rules, c.origin);
    }

    private StaticService staticService(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", true);
        if (spec != null && !spec.has("prefixes")) {
            c.problem("spec.prefixes missing (expected: list of IP prefixes)");
        }
        List<String> prefixes = c.strings(spec, "prefixes", "spec.prefixes");
        for (int i = 0; i < prefixes.size(); i++) {
            try {
                Endpoint.parse(prefixes.get(i));
            } catch (IllegalArgumentException e) {
                c.problem("spec.prefixes[" + i + "] " + quote(prefixes.get(i)) + " (expected: IP or IP prefix, "
                        + Endpoint.EXPECTED + ")");
            }
        }
        return new StaticService(api, c.meta, prefixes, c.origin);
    }

    private Dataplane dataplane(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", false);
        Boolean metrics = c.bool(spec, "enableMetricsEndpoint", "spec.enableMetricsEndpoint");
        Boolean noHealth = c.bool(spec, "disableHealthCheck", "spec.disableHealthCheck");
        return new Dataplane(api, c.meta, Boolean.TRUE.equals(metrics), Boolean.TRUE.equals(noHealth),
                c.str(spec, "offloadEngine", "spec.offloadEngine", false),
                c.strings(spec, "offloadInterfaces", "spec.offloadInterfaces"), c.origin);
    }

    private Service service(Ctx c, String api) {
        JsonNode spec = c.obj(c.doc, "spec", "spec", false);
        List<Service.Port> ports = new ArrayList<>();
        List<JsonNode> ps = c.arr(spec, "ports", "spec.ports", false);
        for (int i = 0; i < ps.size(); i++) {
            String path = "spec.ports[" + i + "]";
            JsonNode p = c.element(ps.get(i), path);
            if (p == null) {
                continue;
            }
            Integer port = c.integer(p, "port", path + ".port", true, 1, 65535);
            String name = c.str(p, "name", path + ".name", false);
            String proto = c.str(p, "protocol", path + ".protocol", false);
            Integer nodePort = c.integer(p, "nodePort", path + ".nodePort", false, 0, 65535);
            if (port != null) {
                ports.add(new Service.Port(name, proto == null ? "TCP" : proto, port,
                        nodePort == null || nodePort == 0 ? null : nodePort));
            }
        }
        List<Service.Ingress> ingress = new ArrayList<>();
        JsonNode status = c.obj(c.doc, "status", "status", false);
        JsonNode lb = status == null ? null : c.obj(status, "loadBalancer", "status.loadBalancer", false);
        List<JsonNode> is = lb == null ? List.of() : c.arr(lb, "ingress", "status.loadBalancer.ingress", false);
        for (int i = 0; i < is.size(); i++) {
            String path = "status.loadBalancer.ingress[" + i + "]";
            JsonNode in = c.element(is.get(i), path);
            if (in == null) {
                continue;
            }
            List<Service.PortStatus> portStatus = new ArrayList<>();
            List<JsonNode> pss = c.arr(in, "ports", path + ".ports", false);
            for (int j = 0; j < pss.size(); j++) {
                String pp = path + ".ports[" + j + "]";
                JsonNode p = c.element(pss.get(j), pp);
                Integer port = p == null ? null : c.integer(p, "port", pp + ".port", true, 1, 65535);
                String proto = p == null ? null : c.str(p, "protocol", pp + ".protocol", true);
                if (port != null && proto != null) {
                    portStatus.add(new Service.PortStatus(port, proto));
                }
            }
            ingress.add(new Service.Ingress(emptyToNull(c.str(in, "ip", path + ".ip", false)),
                    emptyToNull(c.str(in, "hostname", path + ".hostname", false)), portStatus));
        }
        return new Service(api, c.meta, c.str(spec, "type", "spec.type", false),
                c.str(spec, "clusterIP", "spec.clusterIP", false), ports, ingress, c.origin);
    }

    private Node node(Ctx c, String api) {
        JsonNode status = c.obj(c.doc, "status", "status", false);
        List<Node.Address> addresses = new ArrayList<>();
        List<JsonNode> as = status == null ? List.of() : c.arr(status, "addresses", "status.addresses", false);
        for (int i = 0; i < as.size(); i++) {
            String path = "status.addresses[" + i + "]";
            JsonNode a = c.element(as.get(i), path);
            String type = a == null ? null : c.str(a, "type", path + ".type", true);
            String address = a == null ? null : c.str(a, "address", path + ".address", true);
            if (type != null && address != null) {
                addresses.add(new Node.Address(type, address));
            }
        }
        return new Node(api, c.meta, addresses, c.origin);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private EndpointSlice endpointSlice(Ctx c, String api) {
        String type = c.str(c.doc, "addressType", "addressType", false);
        List<String> addrs = new ArrayList<>();
        List<JsonNode> es = c.arr(c.doc, "endpoints", "endpoints", false);
        for (int i = 0; i < es.size(); i++) {
            String path = "endpoints[" + i + "]";
            JsonNode e = c.element(es.get(i), path);
            if (e != null) {
                addrs.addAll(c.strings(e, "addresses", path + ".addresses"));
            }
        }
        return new EndpointSlice(api, c.meta, type, addrs, c.origin);
    }

    private Endpoints endpoints(Ctx c, String api) {
        List<String> addrs = new ArrayList<>();
        List<JsonNode> ss = c.arr(c.doc, "subsets", "subsets", false);
        for (int i = 0; i < ss.size(); i++) {
            String path = "subsets[" + i + "]";
            JsonNode s = c.element(ss.get(i), path);
            if (s == null) {
                continue;
            }
            for (String field : new String[] {"addresses", "notReadyAddresses"}) {
                List<JsonNode> as = c.arr(s, field, path + "." + field, false);
                for (int j = 0; j < as.size(); j++) {
                    String ap = path + "." + field + "[" + j + "]";
                    JsonNode a = c.element(as.get(j), ap);
                    String ip = a == null ? null : c.str(a, "ip", ap + ".ip", true);
                    if (ip != null) {
                        addrs.add(ip);
                    }
                }
            }
        }
        return new Endpoints(api, c.meta, addrs, c.origin);
    }

    private Secret secret(Ctx c, String api) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        JsonNode d = c.obj(c.doc, "data", "data", false);
        if (d != null) {
            for (Map.Entry<String, JsonNode> e : d.properties()) {
                String path = "data[" + quote(e.getKey()) + "]";
                if (e.getValue().isNull()) {
                    data.put(e.getKey(), new byte[0]);
                } else if (!e.getValue().isTextual()) {
                    c.problem(path + " " + kindOf(e.getValue()) + " (expected: base64 string)");
                } else {
                    try {
                        data.put(e.getKey(), Base64.getMimeDecoder().decode(strictBase64(e.getValue().asText())));
                    } catch (IllegalArgumentException ex) {
                        c.problem(path + " not valid base64 (expected: base64 string; use stringData for plain text)");
                    }
                }
            }
        }
        JsonNode sd = c.obj(c.doc, "stringData", "stringData", false);
        if (sd != null) {
            for (Map.Entry<String, JsonNode> e : sd.properties()) {
                if (!e.getValue().isTextual()) {
                    c.problem("stringData[" + quote(e.getKey()) + "] " + kindOf(e.getValue()) + " (expected: string)");
                } else {
                    data.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return new Secret(api, c.meta, c.str(c.doc, "type", "type", false), data, c.origin);
    }

    /** The MIME decoder skips garbage silently; reject characters outside the base64 alphabet and whitespace first. */
    private static String strictBase64(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '+' || ch == '/' || ch == '=' || Character.isWhitespace(ch);
            if (!ok) {
                throw new IllegalArgumentException("bad base64 character");
            }
        }
        String compact = s.replaceAll("\\s", "");
        if (compact.length() % 4 != 0) {
            throw new IllegalArgumentException("bad base64 length");
        }
        return compact;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    static String show(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        if (n.isTextual()) {
            return quote(n.asText());
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Type name only, for values that may be secret. */
    static String kindOf(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        return "null";
    }

    static String orList(List<String> xs) {
        if (xs.size() == 1) {
            return xs.get(0);
        }
        return String.join(", ", xs.subList(0, xs.size() - 1)) + " or " + xs.get(xs.size() - 1);
    }

    /** Per-document reading context: origin, object identity for messages, problem sink. */
    private final class Ctx {
        final Origin origin;
        final String kind;
        final JsonNode doc;
        final ObjectMeta meta;
        final String key;
        private String prefix;
        /** Metadata problems, reported only once the apiVersion shows the object is really ours. */
        private final List<String> metaProblems = new ArrayList<>();

        Ctx(Origin origin, String kind, JsonNode doc) {
            this.origin = origin;
            this.kind = kind;
            this.doc = doc;
            this.prefix = origin + ": " + kind.toLowerCase(Locale.ROOT) + " <unnamed>: ";
            boolean clusterScoped = kind.equals(GatewayClass.KIND) || kind.equals(Namespace.KIND)
                    || kind.equals(Dataplane.KIND) || kind.equals(Node.KIND);
            JsonNode m = doc.get("metadata");
            String name = null;
            String ns = null;
            Map<String, String> labels = Map.of();
            Map<String, String> annotations = Map.of();
            String uid = null;
            Long generation = null;
            List<ObjectMeta.OwnerReference> owners = new ArrayList<>();
            if (m != null && m.isObject()) {
                JsonNode n = m.get("name");
                name = n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
                JsonNode nsNode = m.get("namespace");
                ns = nsNode != null && nsNode.isTextual() && !nsNode.asText().isEmpty() ? nsNode.asText() : null;
            }
            if (clusterScoped) {
                ns = "";
            } else if (ns == null) {
                ns = ObjectMeta.DEFAULT_NAMESPACE;
            }
            String k = name == null ? "<unnamed>" : (ns.isEmpty() ? name : ns + "/" + name);
            this.key = k;
            this.prefix = origin + ": " + kind.toLowerCase(Locale.ROOT) + " " + k + ": ";
            int before = problems.size();
            if (m == null || !m.isObject()) {
                problem("metadata " + show(m) + " (expected: object with name)");
            } else {
                if (name == null) {
                    problem("metadata.name " + show(m.get("name")) + " (expected: non-empty string)");
                }
                JsonNode nsNode = m.get("namespace");
                if (nsNode != null && !nsNode.isNull() && !nsNode.isTextual()) {
                    problem("metadata.namespace " + show(nsNode) + " (expected: string)");
                }
                labels = stringMap(m, "labels", "metadata.labels");
                annotations = stringMap(m, "annotations", "metadata.annotations");
                uid = str(m, "uid", "metadata.uid", false);
                JsonNode g = m.get("generation");
                if (g != null && !g.isNull()) {
                    if (g.isIntegralNumber() && g.canConvertToLong() && g.asLong() >= 0) {
                        generation = g.asLong();
                    } else {
                        problem("metadata.generation " + show(g) + " (expected: non-negative integer)");
                    }
                }
                List<JsonNode> refs = arr(m, "ownerReferences", "metadata.ownerReferences", false);
                for (int i = 0; i < refs.size(); i++) {
                    String path = "metadata.ownerReferences[" + i + "]";
                    JsonNode r = element(refs.get(i), path);
                    if (r == null) {
                        continue;
                    }
                    String rkind = str(r, "kind", path + ".kind", true);
                    String rname = str(r, "name", path + ".name", true);
                    if (rkind != null && rname != null) {
                        owners.add(new ObjectMeta.OwnerReference(str(r, "apiVersion", path + ".apiVersion", false),
                                rkind, rname, str(r, "uid", path + ".uid", false)));
                    }
                }
            }
            // hold metadata problems back until api() accepts the object
            List<String> added = problems.subList(before, problems.size());
            metaProblems.addAll(added);
            added.clear();
            this.meta = new ObjectMeta(name == null ? "" : name, ns, labels, annotations, uid, owners, generation);
        }

        void problem(String p) {
            problems.add(prefix + p);
        }

        /**
         * Checks the apiVersion. A wrong version of one of our groups is a problem; a kind of the same name in a
         * foreign group is skipped unless {@code strict} (kind names unique to Gateway API / STUNner).
         */
        boolean api(String api, List<String> expected, boolean strict) {
            if (expected.contains(api)) {
                problems.addAll(metaProblems);
                return true;
            }
            String group = api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
            String expectedGroup = expected.get(0).contains("/") ? expected.get(0).substring(0, expected.get(0).indexOf('/')) : "";
            if (!strict && !group.equals(expectedGroup)) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: skipping {1} {2} of foreign apiVersion {3}", origin, kind, key, api);
                return false;
            }
            problem("apiVersion " + quote(api) + " (expected: " + orList(expected) + ")");
            return false;
        }

        JsonNode obj(JsonNode parent, String field, String path, boolean required) {
            JsonNode n = parent == null ? null : parent.get(field);
            if (n == null || n.isNull()) {
                if (required && parent != null) {
                    problem(path + " missing (expected: object)");
                }
                return null;
            }
            if (!n.isObject()) {
                problem(path + " " + show(n) + " (expected: object)");
                return null;
            }
            return n;
        }

        JsonNode element(JsonNode n, String path) {
            if (n == null || !n.isObject()) {
                problem(path + " " + show(n) + " (expected: object)");
                return null;
            }
            return n;
        }

        List<JsonNode> arr(JsonNode parent, String field, String path, boolean required) {
            JsonNode n = parent == null ? null : parent.get(field);
            if (n == null || n.isNull()) {
                if (required && parent != null) {
                    problem(path + " missing (expected: non-empty list)");
                }
                return List.of();
            }
            if (!n.isArray()) {
                problem(path + " " + show(n) + " (expected: list)");
                return List.of();
            }
            if (required && n.isEmpty()) {
                problem(path + " [] (expected: non-empty list)");
            }
            List<JsonNode> out = new ArrayList<>();
            n.forEach(out::add);
            return out;
        }

        String str(JsonNode parent, String field, String path, boolean required) {
            JsonNode n = parent == null ? null : parent.get(field);
            if (n == null || n.isNull()) {
                if (required && parent != null) {
                    problem(path + " missing (expected: non-empty string)");
                }
                return null;
            }
            if (!n.isTextual()) {
                problem(path + " " + show(n) + " (expected: string)");
                return null;
            }
            if (required && n.asText().isEmpty()) {
                problem(path + " \"\" (expected: non-empty string)");
                return null;
            }
            return n.asText();
        }

        /** Like {@link #str} for optional secret values: the value is never echoed. */
        String secretStr(JsonNode parent, String field, String path) {
            JsonNode n = parent == null ? null : parent.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                problem(path + " " + kindOf(n) + " (expected: string; quote it in YAML)");
                return null;
            }
            return n.asText();
        }

        Integer integer(JsonNode parent, String field, String path, boolean required, int min, int max) {
            JsonNode n = parent == null ? null : parent.get(field);
            String expected = min == Integer.MIN_VALUE ? "integer" : "integer " + min + ".." + max;
            if (n == null || n.isNull()) {
                if (required && parent != null) {
                    problem(path + " missing (expected: " + expected + ")");
                }
                return null;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
                problem(path + " " + show(n) + " (expected: " + expected + ")");
                return null;
            }
            return n.asInt();
        }

        Boolean bool(JsonNode parent, String field, String path) {
            JsonNode n = parent == null ? null : parent.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isBoolean()) {
                problem(path + " " + show(n) + " (expected: true or false)");
                return null;
            }
            return n.asBoolean();
        }

        List<String> strings(JsonNode parent, String field, String path) {
            List<String> out = new ArrayList<>();
            List<JsonNode> xs = arr(parent, field, path, false);
            for (int i = 0; i < xs.size(); i++) {
                JsonNode x = xs.get(i);
                if (x == null || !x.isTextual()) {
                    problem(path + "[" + i + "] " + show(x) + " (expected: string)");
                } else {
                    out.add(x.asText());
                }
            }
            return out;
        }

        Map<String, String> stringMap(JsonNode parent, String field, String path) {
            JsonNode n = obj(parent, field, path, false);
            if (n == null) {
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (e.getValue().isTextual()) {
                    out.put(e.getKey(), e.getValue().asText());
                } else if (!e.getValue().isNull()) {
                    problem(path + "[" + quote(e.getKey()) + "] " + show(e.getValue()) + " (expected: string; quote it in YAML)");
                }
            }
            return out;
        }
    }
}
