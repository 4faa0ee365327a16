package io.turngate.config.load;

import io.turngate.config.load.DocTree.Node;
import io.turngate.config.load.DocTree.Obj;
import io.turngate.config.load.DocTree.Scalar;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.Defaults;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a stunnerd dataplane config (stunner-compat §1a) from text, a file or a {@code file://} origin:
 * <ol>
 *   <li>parse YAML (or JSON) into an untyped tree; a Kubernetes ConfigMap wrapper ({@code kind: ConfigMap},
 *       {@code data["stunnerd.conf"]}) is unwrapped first;</li>
 *   <li>remember {@code auth.credentials} as written;</li>
 *   <li>default {@code STUNNER_PORT} ({@link EnvSubstitution#withPortDefault}), expand {@code $VAR}/{@code ${VAR}}
 *       over the whole text with Go {@code os.ExpandEnv} semantics and parse again;</li>
 *   <li>put the remembered credentials back (passwords may contain {@code $}, STUNner issue #102);</li>
 *   <li>read the tree: keys case-insensitive, unknown keys ignored, duplicate keys last-wins; fill defaults,
 *       normalise and validate, collecting every problem into one {@link ConfigException}.</li>
 * </ol>
 * Deviations from stunnerd, all in the lenient direction: the pre-expansion parse is untyped, so
 * {@code port: $STUNNER_PORT} never fails there; an empty {@code v1alpha1} auth type defaults to {@code static}
 * as in v1; digit strings are accepted for integer fields. Stateless; every method is thread-safe.
 */
public final class ConfigLoader {
    /** {@code data} key of the ConfigMap that the STUNner operator and Helm chart mount. */
    public static final String CONFIG_MAP_KEY = "stunnerd.conf";
    /** Name of the listener built for quick mode and for {@link #defaultConfig()}. */
    public static final String DEFAULT_LISTENER = "default-listener";

    private static final String EXPECTED_TURN_URI = "turn://user:pass@host[:port][?transport=udp|tcp|tls|dtls]";

    private ConfigLoader() {
    }

    // ---- entry points ------------------------------------------------------------------------------------

    /**
     * Parses config text.
     *
     * @param text YAML or JSON, optionally wrapped in a ConfigMap
     * @param env  environment for {@code $VAR} expansion ({@code null} = empty); never modified
     * @throws ConfigException listing every problem, each {@code path: value (expected: ...)}
     */
    public static StunnerConfig parse(String text, Map<String, String> env) throws ConfigException {
        return parse(text, env, true, 0);
    }

    /** {@link #parse(String, Map)} with {@code System.getenv()}. */
    public static StunnerConfig parseFromEnvironment(String text) throws ConfigException {
        return parse(text, System.getenv());
    }

    /** Reads and parses a config file (UTF-8). */
    public static StunnerConfig load(Path file, Map<String, String> env) throws ConfigException {
        return parse(read(file), env);
    }

    /**
     * Loads from a config origin: a {@code file://} URI ({@code file:///etc/stunnerd/stunnerd.conf}) or a plain
     * path, as accepted by {@code stunnerd -c}.
     */
    public static StunnerConfig load(String origin, Map<String, String> env) throws ConfigException {
        return load(pathOf(origin), env);
    }

    /** {@link #load(Path, Map)} with {@code System.getenv()}. */
    public static StunnerConfig loadFromEnvironment(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** {@link #load(String, Map)} with {@code System.getenv()}. */
    public static StunnerConfig loadFromEnvironment(String origin) throws ConfigException {
        return load(origin, System.getenv());
    }

    /**
     * Validates and normalises a config built in code (a renderer, quick mode): the same checks and defaults as
     * {@link #parse}, without environment expansion. Null fields count as unset.
     */
    public static StunnerConfig validate(StunnerConfig config) throws ConfigException {
        return parse(ConfigJson.write(config), Map.of(), false, 0);
    }

    /**
     * True when {@code origin} names a file: {@code file://...}, or anything that is not a CDS address
     * ({@code http(s)://}, {@code ws(s)://}, {@code k8s}, {@code host:port}).
     */
    public static boolean isFileOrigin(String origin) {
        if (origin == null || origin.isEmpty()) {
            return false;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            return true;
        }
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ws://")
                || lower.startsWith("wss://") || lower.equals("k8s")) {
            return false;
        }
        // "IP:port", ":13478", "[::1]:13478" and "host:port" are CDS addresses
        return !origin.matches("^(\\[[0-9A-Fa-f:.]+]|[^/:]*)?:[0-9]+$");
    }

    /** Resolves a {@code file://} URI or plain path to a path. */
    public static Path pathOf(String origin) throws ConfigException {
        if (origin == null || origin.isEmpty()) {
            throw new ConfigException("config origin: missing (expected: file:///path or a path)");
        }
        String p = origin;
        if (p.regionMatches(true, 0, "file://", 0, 7)) {
            p = p.substring(7);
            // file://localhost/etc/x and file:///etc/x are both /etc/x
            if (p.regionMatches(true, 0, "localhost/", 0, 10)) {
                p = p.substring(9);
            }
            p = percentDecode(p);
        } else if (p.regionMatches(true, 0, "file:", 0, 5)) {
            p = percentDecode(p.substring(5));
        }
        if (p.isEmpty()) {
            throw new ConfigException("config origin: " + ConfigReader.quote(origin) + " (expected: file:///path or a path)");
        }
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new ConfigException("config origin: " + ConfigReader.quote(origin) + " (expected: a valid file path)");
        }
    }

    private static String read(Path file) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (expected: a readable config file)");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text (expected: a YAML or JSON config file)");
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + " (expected: a readable config file)");
        }
    }

    private static StunnerConfig parse(String text, Map<String, String> env, boolean expand, int depth)
            throws ConfigException {
        if (text == null) {
            throw new ConfigException("config: null (expected: YAML or JSON text)");
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // UTF-8 byte order mark
        }
        Node raw;
        try {
            raw = DocTree.parse(text);
        } catch (DocTree.SyntaxException e) {
            throw new ConfigException(e.problem());
        }
        String inner = configMapData(raw);
        if (inner != null && depth == 0) {
            return parse(inner, env, expand, depth + 1);
        }
        Node tree = raw;
        Map<String, String> rawCredentials = null;
        if (expand) {
            rawCredentials = credentials(raw);
            String expanded = EnvSubstitution.expand(text, EnvSubstitution.withPortDefault(env));
            if (!expanded.equals(text)) {
                try {
                    tree = DocTree.parse(expanded);
                } catch (DocTree.SyntaxException e) {
                    throw new ConfigException(e.problem() + " after environment substitution");
                }
            }
        }
        ConfigReader reader = new ConfigReader();
        StunnerConfig config = reader.read(tree, rawCredentials);
        if (!reader.problems().isEmpty()) {
            throw new ConfigException(reader.problems());
        }
        return config;
    }

    /** {@code data["stunnerd.conf"]} when {@code root} is a ConfigMap holding one, else {@code null}. */
    private static String configMapData(Node root) throws ConfigException {
        if (!(root instanceof Obj o) || !(o.get("kind") instanceof Scalar kind) || !"ConfigMap".equals(kind.text())) {
            return null;
        }
        Node data = o.get("data");
        Node conf = data instanceof Obj d ? d.getExact(CONFIG_MAP_KEY) : null;
        if (conf instanceof Scalar s && s.kind() == DocTree.Kind.STRING) {
            return s.text();
        }
        throw new ConfigException("data[\"" + CONFIG_MAP_KEY + "\"]: missing (expected: a ConfigMap with the stunnerd config under "
                + CONFIG_MAP_KEY + ")");
    }

    /** {@code auth.credentials} scalar values as written (before expansion), or {@code null}. */
    private static Map<String, String> credentials(Node root) {
        if (!(root instanceof Obj o) || !(o.get("auth") instanceof Obj auth)
                || !(auth.get("credentials") instanceof Obj creds)) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : creds.entries()) {
            if (e.getValue() instanceof Scalar s) {
                out.put(e.getKey(), s.text() == null ? "" : s.text());
            }
        }
        return out;
    }

    // ---- warnings ----------------------------------------------------------------------------------------

    /**
     * Things that are accepted but probably not meant, for printing at start and on reload: routes naming no
     * cluster (stunnerd ignores them), no listeners, no clusters, STUN-only auth, an offload engine, TLS
     * material that is not base64. Never contains secret values.
     */
    public static List<String> warnings(StunnerConfig config) {
        List<String> out = new ArrayList<>();
        Set<String> clusters = new TreeSet<>();
        config.clusters().forEach(c -> clusters.add(c.name()));
        if (config.listeners().isEmpty()) {
            out.add("listeners: none (the gateway is unreachable)");
        }
        if (config.clusters().isEmpty()) {
            out.add("clusters: none (TURN forwarding to peers is not permitted)");
        }
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig l = config.listeners().get(i);
            for (String r : l.routes()) {
                if (!clusters.contains(r)) {
                    out.add("listeners[" + i + "] " + ConfigReader.quote(l.name()) + ": route " + ConfigReader.quote(r)
                            + " names no cluster (ignored)");
                }
            }
            if (l.protocol() != null && l.protocol().needsCertificate()) {
                if (!isBase64(l.cert())) {
                    out.add("listeners[" + i + "] " + ConfigReader.quote(l.name())
                            + ": cert is not base64 (expected: base64 of a PEM certificate)");
                }
                if (!isBase64(l.key())) {
                    out.add("listeners[" + i + "] " + ConfigReader.quote(l.name())
                            + ": key is not base64 (expected: base64 of a PEM private key)");
                }
            }
        }
        if (config.auth() != null && config.auth().type() == AuthType.NONE) {
            out.add("auth.type: none (every TURN request is refused; STUN only)");
        }
        if (config.admin() != null && config.admin().offloadEngine() != null
                && !Defaults.OFFLOAD_ENGINE.equals(config.admin().offloadEngine())) {
            out.add("admin.offload_engine: " + config.admin().offloadEngine() + " (not supported, ignored)");
        }
        return out;
    }

    private static boolean isBase64(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        try {
            Base64.getMimeDecoder().decode(s);
            return s.replaceAll("\\s", "").matches("[A-Za-z0-9+/]+={0,2}");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- built-in configs --------------------------------------------------------------------------------

    /** The built-in default config's metrics endpoint (what the operator renders with metrics enabled). */
    public static final String DEFAULT_METRICS_ENDPOINT = "http://:8080/metrics";

    /**
     * The config used when none is given: static auth {@code user-1}/{@code pass-1}, realm
     * {@code stunner.l7mp.io}, one TURN-UDP listener {@code default-listener} on 0.0.0.0:3478 routing to the
     * cluster {@code local-only} (STATIC, {@code 127.0.0.1}), health checking disabled.
     */
    public static StunnerConfig defaultConfig() {
        return new StunnerConfig(Defaults.API_VERSION,
                new AdminConfig(Defaults.ADMIN_NAME, Defaults.LOG_LEVEL, DEFAULT_METRICS_ENDPOINT,
                        Defaults.HEALTH_CHECK_ENDPOINT, 0, Defaults.OFFLOAD_ENGINE, List.of()),
                new AuthConfig(AuthType.STATIC, Defaults.REALM, Map.of("username", "user-1", "password", "pass-1")),
                List.of(new ListenerConfig(DEFAULT_LISTENER, ListenerProtocol.TURN_UDP, "", 0, Defaults.LISTENER_ADDRESS,
                        Defaults.PORT, "", "", List.of("local-only"))),
                List.of(new ClusterConfig("local-only", ClusterType.STATIC, ClusterProtocol.UDP, List.of("127.0.0.1"))));
    }

    /**
     * Quick mode ({@code stunnerd turn://user:pass@host:port?transport=udp}): static auth with the URI's
     * (percent-decoded) username and password, one listener {@code default-listener} advertising {@code host} on
     * {@code port} (default 3478), one cluster {@code allow-any} = {@code 0.0.0.0/0} (plus the host itself when it is
     * an IPv4 loopback address, which {@code 0.0.0.0/0} does not admit in turngate), health checking disabled.
     * {@code turn:} and {@code turns:} are accepted, with or without {@code //}; transport defaults to udp
     * ({@code turn}) or tls ({@code turns}). TLS and DTLS need a certificate: use
     * {@link #fromTurnUri(String, String, String)}.
     */
    public static StunnerConfig fromTurnUri(String uri) throws ConfigException {
        return fromTurnUri(uri, "", "");
    }

    /**
     * Quick mode with TLS material for {@code transport=tls|dtls} (ignored for udp/tcp).
     *
     * @param certBase64 base64 of the PEM certificate (stunnerd generates a self-signed one)
     * @param keyBase64  base64 of the PEM private key
     */
    public static StunnerConfig fromTurnUri(String uri, String certBase64, String keyBase64) throws ConfigException {
        TurnUri u = TurnUri.parse(uri);
        boolean tls = u.protocol().needsCertificate();
        // 0.0.0.0/0 does not admit loopback peers (turngate's secure default); a loopback host is a local try-out,
        // so that address is named explicitly and local peers work.
        List<String> endpoints = new ArrayList<>(List.of("0.0.0.0/0"));
        byte[] host = Endpoint.parseIpLiteral(u.host().equals("localhost") ? "127.0.0.1" : u.host());
        if (host != null && host.length == 4 && host[0] == 127) {
            endpoints.add(u.host().equals("localhost") ? "127.0.0.1" : u.host());
        }
        StunnerConfig c = new StunnerConfig(Defaults.API_VERSION,
                new AdminConfig(Defaults.ADMIN_NAME, Defaults.LOG_LEVEL, "", "", 0, Defaults.OFFLOAD_ENGINE, List.of()),
                new AuthConfig(AuthType.STATIC, Defaults.REALM, Map.of("username", u.username(), "password", u.password())),
                List.of(new ListenerConfig(DEFAULT_LISTENER, u.protocol(), "", 0, u.host(), u.port(),
                        tls ? nullToEmpty(certBase64) : "", tls ? nullToEmpty(keyBase64) : "", List.of("allow-any"))),
                List.of(new ClusterConfig("allow-any", ClusterType.STATIC, ClusterProtocol.UDP, endpoints)));
        return validate(c);
    }

    /**
     * The listener protocol a quick-mode URI asks for ({@code transport=}, or the scheme's default), so the caller
     * knows whether to make a certificate for {@link #fromTurnUri(String, String, String)}.
     */
    public static ListenerProtocol turnUriProtocol(String uri) throws ConfigException {
        return TurnUri.parse(uri).protocol();
    }

    /** The host of a quick-mode URI (what a self-signed certificate for it names). */
    public static String turnUriHost(String uri) throws ConfigException {
        return TurnUri.parse(uri).host();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A parsed quick-mode URI. */
    private record TurnUri(String username, String password, String host, int port, ListenerProtocol protocol) {
        static TurnUri parse(String uri) throws ConfigException {
            if (uri == null) {
                throw bad("null");
            }
            int colon = uri.indexOf(':');
            String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            if (!scheme.equals("turn") && !scheme.equals("turns")) {
                throw bad(masked(uri));
            }
            String rest = uri.substring(colon + 1);
            if (rest.startsWith("//")) {
                rest = rest.substring(2);
            }
            String query = "";
            int q = rest.indexOf('?');
            if (q >= 0) {
                query = rest.substring(q + 1);
                rest = rest.substring(0, q);
            }
            int at = rest.lastIndexOf('@');
            if (at < 0) {
                throw new ConfigException("turn URI: " + ConfigReader.quote(masked(uri))
                        + " has no user:pass@ (expected: " + EXPECTED_TURN_URI + ")");
            }
            String userInfo = rest.substring(0, at);
            String hostPort = rest.substring(at + 1);
            int sep = userInfo.indexOf(':');
            String user = sep >= 0 ? percentDecode(userInfo.substring(0, sep)) : percentDecode(userInfo);
            String pass = sep >= 0 ? percentDecode(userInfo.substring(sep + 1)) : "";
            if (user.isEmpty() || pass.isEmpty()) {
                throw new ConfigException("turn URI: " + ConfigReader.quote(masked(uri))
                        + " (expected: a non-empty username and password in " + EXPECTED_TURN_URI + ")");
            }
            String host;
            String portText = "";
            if (hostPort.startsWith("[")) {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    throw bad(masked(uri));
                }
                host = hostPort.substring(1, close);
                String after = hostPort.substring(close + 1);
                if (after.startsWith(":")) {
                    portText = after.substring(1);
                } else if (!after.isEmpty()) {
                    throw bad(masked(uri));
                }
            } else {
                int c = hostPort.lastIndexOf(':');
                host = c >= 0 ? hostPort.substring(0, c) : hostPort;
                portText = c >= 0 ? hostPort.substring(c + 1) : "";
            }
            if (host.isEmpty()) {
                throw bad(masked(uri));
            }
            int port = Defaults.PORT;
            if (!portText.isEmpty()) {
                if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                    throw new ConfigException("turn URI port: " + ConfigReader.quote(portText) + " (expected: 1..65535)");
                }
                port = Integer.parseInt(portText);
            }
            String transport = scheme.equals("turns") ? "tls" : "udp";
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equalsIgnoreCase("transport")) {
                    transport = kv.substring(eq + 1).toLowerCase(Locale.ROOT);
                }
            }
            ListenerProtocol protocol;
            switch (transport) {
                case "udp": protocol = scheme.equals("turns") ? ListenerProtocol.TURN_DTLS : ListenerProtocol.TURN_UDP; break;
                case "tcp": protocol = scheme.equals("turns") ? ListenerProtocol.TURN_TLS : ListenerProtocol.TURN_TCP; break;
                case "tls": protocol = ListenerProtocol.TURN_TLS; break;
                case "dtls": protocol = ListenerProtocol.TURN_DTLS; break;
                default:
                    throw new ConfigException("turn URI transport: " + ConfigReader.quote(transport)
                            + " (expected: udp, tcp, tls, dtls)");
            }
            return new TurnUri(user, pass, host, port, protocol);
        }

        private static ConfigException bad(String shown) {
            return new ConfigException("turn URI: " + ConfigReader.quote(shown) + " (expected: " + EXPECTED_TURN_URI + ")");
        }

        /** The URI with its user info replaced, so a password never reaches a log. */
        private static String masked(String uri) {
            int at = uri.lastIndexOf('@');
            int start = uri.indexOf("//");
            start = start >= 0 ? start + 2 : uri.indexOf(':') + 1;
            if (at < 0 || start < 0 || at < start) {
                return uri;
            }
            return uri.substring(0, start) + "<SECRET>" + uri.substring(at);
        }
    }

    /** RFC 3986 percent-decoding (UTF-8); unlike {@code URLDecoder}, '+' stays '+'. Bad escapes are kept. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
