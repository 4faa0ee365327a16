package io.turngate.config.load;

import io.turngate.config.load.DocTree.Arr;
import io.turngate.config.load.DocTree.Kind;
import io.turngate.config.load.DocTree.Node;
import io.turngate.config.load.DocTree.Obj;
import io.turngate.config.load.DocTree.Scalar;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Defaults;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.HttpEndpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a {@link DocTree} into a validated, normalised {@link StunnerConfig}, collecting every problem as
 * {@code path: value (expected: ...)} instead of stopping at the first (stunnerd stops at the first; listing all
 * is kinder and changes nothing about which configs are accepted). Defaults and normalisation follow STUNner's
 * {@code pkg/apis/v1} {@code Validate()} methods (stunner-compat §1a). Single use, not thread-safe.
 */
final class ConfigReader {
    /** The operator's node-address placeholder, replaced per node by the CDS server; kept as it is. */
    static final String NODE_ADDRESS_PLACEHOLDER = "__node_address_placeholder";

    private static final String EXPECTED_VERSION = "v1 or v1alpha1";
    private static final String EXPECTED_OFFLOAD = "None, XDP, TC, Auto";
    private static final String EXPECTED_ADDRESS = "an IP address, localhost or " + NODE_ADDRESS_PLACEHOLDER;
    /** RFC 1123 host name labels; underscores tolerated (RFC 2181 §11), optional trailing dot. */
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    /**
     * Reads a config tree.
     *
     * @param root           parsed document ({@code null} for an empty one)
     * @param rawCredentials {@code auth.credentials} as written before env expansion; they replace the expanded
     *                       values (stunnerd's fix for issue #102)
     * @return the config, or {@code null} when {@link #problems()} is not empty
     */
    StunnerConfig read(Node root, Map<String, String> rawCredentials) {
        if (root == null) {
            problems.add("version: missing (expected: " + EXPECTED_VERSION + ")");
            return null;
        }
        if (!(root instanceof Obj top)) {
            problems.add("config: " + show(root) + " (expected: a StunnerConfig mapping)");
            return null;
        }
        String version = str(top, "version", "version");
        if (version == null || version.isEmpty()) {
            problems.add("version: missing (expected: " + EXPECTED_VERSION + ")");
        } else if (!version.equals(Defaults.API_VERSION) && !version.equals(Defaults.API_VERSION_V1ALPHA1)) {
            problems.add("version: " + quote(version) + " (expected: " + EXPECTED_VERSION + ")");
        }
        // v1alpha1 has the same shape once the removed relay-port keys are ignored (unknown keys are);
        // its auth aliases are normalised by AuthType like v1's. The result is always v1.
        AdminConfig admin = readAdmin(obj(top, "admin", "admin"));
        AuthConfig auth = readAuth(obj(top, "auth", "auth"), rawCredentials);
        List<ListenerConfig> listeners = readListeners(arr(top, "listeners", "listeners"));
        List<ClusterConfig> clusters = readClusters(arr(top, "clusters", "clusters"));
        if (!problems.isEmpty()) {
            return null;
        }
        return new StunnerConfig(Defaults.API_VERSION, admin, auth, listeners, clusters);
    }

    // ---- admin -------------------------------------------------------------------------------------------

    private AdminConfig readAdmin(Obj o) {
        String name = orDefault(str(o, "name", "admin.name"), Defaults.ADMIN_NAME);
        String logLevel = orDefault(str(o, "loglevel", "admin.loglevel"), Defaults.LOG_LEVEL);
        String metrics = str(o, "metrics_endpoint", "admin.metrics_endpoint");
        if (metrics == null) {
            metrics = "";
        } else if (!metrics.isEmpty()) {
            checkHttpEndpoint(metrics, Defaults.METRICS_PORT, "admin.metrics_endpoint");
        }
        String health = str(o, "healthcheck_endpoint", "admin.healthcheck_endpoint");
        if (health == null) {
            health = Defaults.HEALTH_CHECK_ENDPOINT; // absent: default; explicit "" disables
        } else if (!health.isEmpty()) {
            checkHttpEndpoint(health, Defaults.HEALTH_CHECK_PORT, "admin.healthcheck_endpoint");
        }
        Long quota = integer(o, "user_quota", "admin.user_quota", "an integer >= 0");
        int userQuota = 0;
        if (quota != null) {
            if (quota > Integer.MAX_VALUE) {
                problems.add("admin.user_quota: " + quota + " (expected: 0.." + Integer.MAX_VALUE + ")");
            } else {
                userQuota = (int) Math.max(0, quota); // stunnerd clamps negative quotas to 0
            }
        }
        String engine = str(o, "offload_engine", "admin.offload_engine");
        String offload = Defaults.OFFLOAD_ENGINE;
        if (engine != null && !engine.isEmpty()) {
            offload = offloadEngine(engine);
            if (offload == null) {
                problems.add("admin.offload_engine: " + quote(engine) + " (expected: " + EXPECTED_OFFLOAD + ")");
                offload = Defaults.OFFLOAD_ENGINE;
            }
        }
        List<String> interfaces = sorted(strList(o, "offload_interfaces", "admin.offload_interfaces"));
        return new AdminConfig(name, logLevel, metrics, health, userQuota, offload, interfaces);
    }

    private void checkHttpEndpoint(String url, int defaultPort, String path) {
        try {
            HttpEndpoint.parse(url, defaultPort);
        } catch (IllegalArgumentException e) {
            // The parser's reason ("no http:// scheme in URL (expected: ...)") without the URL it repeats, then what
            // was expected: a port in range for a bad port, the endpoint's form for everything else.
            String m = e.getMessage() == null ? "" : e.getMessage();
            int cut = m.indexOf(" in " + url);
            String reason = (cut >= 0 ? m.substring(0, cut) : m.replaceFirst(" \\(expected:.*$", "")).trim();
            problems.add(path + ": " + quote(url) + " (" + (reason.isEmpty() ? "" : reason + "; ")
                    + (m.startsWith("invalid port") ? "expected: a port in 1..65535)"
                            : "expected: " + HttpEndpoint.EXPECTED + ")"));
        }
    }

    private static String offloadEngine(String s) {
        switch (s.toUpperCase(Locale.ROOT)) {
            case "NONE": return "None";
            case "XDP": return "XDP";
            case "TC": return "TC";
            case "AUTO": return "Auto";
            default: return null;
        }
    }

    // ---- auth --------------------------------------------------------------------------------------------

    private AuthConfig readAuth(Obj o, Map<String, String> rawCredentials) {
        String typeText = str(o, "type", "auth.type");
        AuthType type = AuthType.STATIC;
        boolean typeOk = true;
        if (typeText != null && !typeText.isEmpty()) {
            type = AuthType.parse(typeText); // case-sensitive, like stunnerd
            if (type == null) {
                problems.add("auth.type: " + quote(typeText) + " (expected: " + AuthType.EXPECTED + ")");
                type = AuthType.STATIC;
                typeOk = false;
            }
        }
        String realm = orDefault(str(o, "realm", "auth.realm"), Defaults.REALM);
        Map<String, String> credentials = new LinkedHashMap<>();
        Node credNode = o == null ? null : o.get("credentials");
        if (credNode instanceof Obj c) {
            for (Map.Entry<String, Node> e : c.entries()) {
                Node v = e.getValue();
                if (v instanceof Scalar s) {
                    credentials.put(e.getKey(), s.text() == null ? "" : s.text());
                } else {
                    // never print credential values, not even malformed ones
                    problems.add("auth.credentials." + e.getKey() + ": " + (v instanceof Arr ? "a list" : "a mapping")
                            + " (expected: a string)");
                    credentials.put(e.getKey(), ""); // reported once, not again as missing
                }
            }
        } else if (credNode != null && !isNull(credNode)) {
            problems.add("auth.credentials: " + kindOf(credNode) + " (expected: a mapping of strings)");
        }
        if (rawCredentials != null) {
            credentials.putAll(rawCredentials);
        }
        if (typeOk) {
            if (type == AuthType.STATIC) {
                for (String key : List.of("username", "password")) {
                    if (!credentials.containsKey(key)) {
                        problems.add("auth.credentials." + key + ": missing (expected: required for static auth)");
                    }
                }
            } else if (type == AuthType.EPHEMERAL && !credentials.containsKey("secret")) {
                problems.add("auth.credentials.secret: missing (expected: required for ephemeral auth)");
            }
        }
        return new AuthConfig(type, realm, credentials);
    }

    // ---- listeners ---------------------------------------------------------------------------------------

    private List<ListenerConfig> readListeners(Arr a) {
        List<ListenerConfig> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> ports = new HashMap<>(); // "UDP/3478" -> index
        for (int i = 0; i < a.items().size(); i++) {
            String p = "listeners[" + i + "]";
            if (!(a.items().get(i) instanceof Obj o)) {
                problems.add(p + ": " + show(a.items().get(i)) + " (expected: a listener mapping)");
                continue;
            }
            String name = uniqueName(o, p, i, "listener", "listeners", names);
            String protoText = str(o, "protocol", p + ".protocol");
            ListenerProtocol protocol = ListenerProtocol.TURN_UDP;
            boolean protoOk = true;
            if (protoText != null && !protoText.isEmpty()) {
                protocol = ListenerProtocol.parse(protoText);
                if (protocol == null) {
                    problems.add(p + ".protocol: " + quote(protoText) + " (expected: " + ListenerProtocol.EXPECTED + ")");
                    protocol = ListenerProtocol.TURN_UDP;
                    protoOk = false;
                }
            }
            String publicAddress = orDefault(str(o, "public_address", p + ".public_address"), "");
            Long publicPortValue = integer(o, "public_port", p + ".public_port", "0..65535");
            int publicPort = 0;
            if (publicPortValue != null) {
                if (publicPortValue < 0 || publicPortValue > 65535) {
                    problems.add(p + ".public_port: " + publicPortValue + " (expected: 0..65535)");
                } else {
                    publicPort = publicPortValue.intValue();
                }
            }
            String address = str(o, "address", p + ".address");
            if (address == null || address.isEmpty()) {
                address = Defaults.LISTENER_ADDRESS;
            } else if (address.equals("localhost")) {
                address = "127.0.0.1";
            } else if (!address.equals(NODE_ADDRESS_PLACEHOLDER) && Endpoint.parseIpLiteral(address) == null) {
                problems.add(p + ".address: " + quote(address) + " (expected: " + EXPECTED_ADDRESS + ")");
            }
            int problemsBefore = problems.size();
            Long portValue = integer(o, "port", p + ".port", "1..65535");
            int port = Defaults.PORT;
            if (portValue != null && portValue != 0) { // 0 means unset in stunnerd
                if (portValue < 1 || portValue > 65535) {
                    problems.add(p + ".port: " + portValue + " (expected: 1..65535)");
                } else {
                    port = portValue.intValue();
                }
            }
            boolean portOk = problems.size() == problemsBefore;
            String cert = orDefault(str(o, "cert", p + ".cert"), "");
            String key = orDefault(str(o, "key", p + ".key"), "");
            if (protoOk && protocol.needsCertificate()) {
                if (cert.isEmpty()) {
                    problems.add(p + ".cert: missing (expected: base64 PEM certificate, required for " + protocol + ")");
                }
                if (key.isEmpty()) {
                    problems.add(p + ".key: missing (expected: base64 PEM private key, required for " + protocol + ")");
                }
            }
            if (protoOk && portOk) {
                String family = isUdpFamily(protocol) ? "UDP" : "TCP";
                String slot = family + "/" + port;
                Integer other = ports.get(slot);
                if (other != null) {
                    problems.add(p + ".port: " + port + " (expected: a port no other " + family
                            + (family.equals("UDP") ? "/DTLS" : "/TLS") + " listener uses; listeners[" + other
                            + "] has it)");
                } else {
                    ports.put(slot, i);
                }
            }
            List<String> routes = sorted(strList(o, "routes", p + ".routes"));
            out.add(new ListenerConfig(name, protocol, publicAddress, publicPort, address, port, cert, key, routes));
        }
        return out;
    }

    static boolean isUdpFamily(ListenerProtocol p) {
        return p == ListenerProtocol.TURN_UDP || p == ListenerProtocol.TURN_DTLS;
    }

    // ---- clusters ----------------------------------------------------------------------------------------

    /**
     * The {@code name} of {@code listeners[i]}/{@code clusters[i]}: required and unique. Problems are recorded;
     * returns "" when missing or not a string.
     */
    private String uniqueName(Obj o, String p, int i, String kind, String plural, Map<String, Integer> names) {
        int before = problems.size();
        String name = str(o, "name", p + ".name");
        if (problems.size() > before) {
            return ""; // not a string, already reported
        }
        if (name == null || name.isEmpty()) {
            problems.add(p + ".name: missing (expected: a unique " + kind + " name)");
            return "";
        }
        if (names.containsKey(name)) {
            problems.add(p + ".name: " + quote(name) + " (expected: a unique " + kind + " name; " + plural + "["
                    + names.get(name) + "] has it)");
        } else {
            names.put(name, i);
        }
        return name;
    }

    private List<ClusterConfig> readClusters(Arr a) {
        List<ClusterConfig> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < a.items().size(); i++) {
            String p = "clusters[" + i + "]";
            if (!(a.items().get(i) instanceof Obj o)) {
                problems.add(p + ": " + show(a.items().get(i)) + " (expected: a cluster mapping)");
                continue;
            }
            String name = uniqueName(o, p, i, "cluster", "clusters", names);
            String typeText = str(o, "type", p + ".type");
            ClusterType type = ClusterType.STATIC;
            boolean typeOk = true;
            if (typeText != null && !typeText.isEmpty()) {
                type = ClusterType.parse(typeText);
                if (type == null) {
                    problems.add(p + ".type: " + quote(typeText) + " (expected: " + ClusterType.EXPECTED + ")");
                    type = ClusterType.STATIC;
                    typeOk = false;
                }
            }
            String protoText = str(o, "protocol", p + ".protocol");
            ClusterProtocol protocol = ClusterProtocol.UDP;
            if (protoText != null && !protoText.isEmpty()) {
                protocol = ClusterProtocol.parse(protoText);
                if (protocol == null) {
                    problems.add(p + ".protocol: " + quote(protoText) + " (expected: " + ClusterProtocol.EXPECTED + ")");
                    protocol = ClusterProtocol.UDP;
                }
            }
            List<String> endpoints = strList(o, "endpoints", p + ".endpoints");
            List<String> normalised = new ArrayList<>(endpoints.size());
            for (int j = 0; j < endpoints.size(); j++) {
                String e = endpoints.get(j);
                String ep = p + ".endpoints[" + j + "]";
                if (typeOk && type == ClusterType.STATIC) {
                    String expected = Endpoint.expectedFor(e);
                    if (expected != null) {
                        problems.add(ep + ": " + quote(e) + " (expected: " + expected + ")");
                        normalised.add(e);
                    } else {
                        normalised.add(Endpoint.parse(e).toString());
                    }
                } else if (typeOk && type == ClusterType.STRICT_DNS) {
                    if (!isDnsName(e)) {
                        problems.add(ep + ": " + quote(e) + " (expected: a DNS name)");
                    }
                    normalised.add(e);
                } else {
                    normalised.add(e);
                }
            }
            out.add(new ClusterConfig(name, type, protocol, sorted(normalised)));
        }
        return out;
    }

    /** A host name: dot-separated labels of 1..63 letters, digits, '-' or '_', 253 characters at most. */
    static boolean isDnsName(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > 253) {
            return false;
        }
        for (String label : t.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    // ---- typed accessors ---------------------------------------------------------------------------------

    /** Object under {@code key}; {@code null} when absent or null; a problem when not a mapping. */
    private Obj obj(Obj parent, String key, String path) {
        Node n = parent.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof Obj o) {
            return o;
        }
        problems.add(path + ": " + show(n) + " (expected: a mapping)");
        return null;
    }

    /** List under {@code key}; {@code null} when absent or null; a problem when not a list. */
    private Arr arr(Obj parent, String key, String path) {
        Node n = parent.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof Arr a) {
            return a;
        }
        problems.add(path + ": " + show(n) + " (expected: a list)");
        return null;
    }

    /**
     * String under {@code key}: {@code null} when absent or null; scalars of any kind give their source text
     * (as {@code sigs.k8s.io/yaml} converts YAML numbers and booleans for string fields); a problem otherwise.
     */
    private String str(Obj parent, String key, String path) {
        if (parent == null) {
            return null;
        }
        Node n = parent.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof Scalar s) {
            return s.text();
        }
        problems.add(path + ": " + show(n) + " (expected: a string)");
        return null;
    }

    /**
     * Integer under {@code key}: {@code null} when absent, null or the empty string. Digit strings are accepted
     * too (more lenient than stunnerd, so {@code port: "$STUNNER_PORT"} works); anything else is a problem.
     */
    private Long integer(Obj parent, String key, String path, String expected) {
        if (parent == null) {
            return null;
        }
        Node n = parent.get(key);
        if (n == null || isNull(n) || isEmptyString(n)) {
            return null;
        }
        if (n instanceof Scalar s) {
            if (s.kind() == Kind.INT) {
                if (s.number() instanceof Integer || s.number() instanceof Long || s.number() instanceof Short
                        || s.number() instanceof Byte) {
                    return s.number().longValue();
                }
                problems.add(path + ": " + s.text() + " (expected: " + expected + ")");
                return null;
            }
            if (s.kind() == Kind.STRING) {
                String t = s.text().strip();
                if (t.matches("[+-]?[0-9]{1,18}")) {
                    return Long.parseLong(t);
                }
            }
        }
        problems.add(path + ": " + show(n) + " (expected: " + expected + ")");
        return null;
    }

    /** List of strings under {@code key}; empty when absent or null; null items become "". */
    private List<String> strList(Obj parent, String key, String path) {
        if (parent == null) {
            return List.of();
        }
        Node n = parent.get(key);
        if (n == null || isNull(n)) {
            return List.of();
        }
        if (!(n instanceof Arr a)) {
            problems.add(path + ": " + show(n) + " (expected: a list of strings)");
            return List.of();
        }
        List<String> out = new ArrayList<>(a.items().size());
        for (int i = 0; i < a.items().size(); i++) {
            Node item = a.items().get(i);
            if (item instanceof Scalar s) {
                out.add(s.text() == null ? "" : s.text());
            } else {
                problems.add(path + "[" + i + "]: " + show(item) + " (expected: a string)");
            }
        }
        return out;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static boolean isNull(Node n) {
        return n instanceof Scalar s && s.kind() == Kind.NULL;
    }

    private static boolean isEmptyString(Node n) {
        return n instanceof Scalar s && s.kind() == Kind.STRING && s.text().isEmpty();
    }

    private static String orDefault(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : s;
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        Collections.sort(out);
        return out;
    }

    private static String kindOf(Node n) {
        if (n instanceof Obj) {
            return "a mapping";
        }
        if (n instanceof Arr) {
            return "a list";
        }
        return "a scalar";
    }

    /** A value for a problem message: strings quoted, other scalars as written, containers abbreviated. */
    static String show(Node n) {
        if (n instanceof Obj) {
            return "{...}";
        }
        if (n instanceof Arr) {
            return "[...]";
        }
        Scalar s = (Scalar) n;
        if (s.kind() == Kind.NULL) {
            return "null";
        }
        return s.kind() == Kind.STRING ? quote(s.text()) : s.text();
    }

    /** JSON-style quoting, so control characters and quotes in a bad value stay readable. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
