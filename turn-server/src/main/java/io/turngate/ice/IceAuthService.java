package io.turngate.ice;

import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answers of STUNner's auth service ({@code l7mp/stunner-auth-service} {@code 270fb8a}, OpenAPI
 * {@code api/stunner.yaml}), computed from the dataplane configs without any I/O, for turngate's HTTP layer to
 * serve. Two requests, both {@code GET}:
 * <ul>
 *   <li>{@code /ice?service=turn[&username=&ttl=&iceTransportPolicy=&key=&namespace=&gateway=&listener=&public-addr=]}
 *       (getIceAuth): an {@code RTCConfiguration},
 *       {@code {"iceServers":[{"credential":..,"urls":[..],"username":..}],"iceTransportPolicy":"all"}}, with one
 *       {@code iceServers} entry per config (gateway) that has a matching listener, and one URI per matching
 *       listener;</li>
 *   <li>{@code /?service=turn[&username=&ttl=&key=&namespace=&gateway=&listener=&public-addr=]} (getTurnAuth): the
 *       TURN REST API token of the first such gateway, {@code {"password":..,"ttl":86400,"uris":[..],"username":..}}.</li>
 * </ul>
 *
 * <p>What is matched, and where upstream says so:
 * <ul>
 *   <li><b>Parameters</b> (generated {@code pkg/server/server.go} with oapi-codegen runtime v1.1.1
 *       {@code BindQueryParameter}): bound in the order above; a parameter given twice is a 400
 *       {@code Invalid format for parameter P: multiple values for single value parameter 'P'}; a {@code ttl}
 *       that is not a Go {@code strconv.ParseInt} integer is a 400 naming {@code ttl} with Go's parse error. On
 *       {@code /}, {@code service} is required: absent or empty is a 400
 *       {@code Query argument service is required, but not found}. {@code key} is accepted and ignored;
 *       {@code iceTransportPolicy} is ignored on {@code /}. Unknown parameters are ignored.</li>
 *   <li><b>Order of checks</b> ({@code internal/handler/ice.go}, {@code turn.go}): parameter errors (400), then no
 *       config at all (500 {@code no STUNner configuration available}), then {@code service} other than
 *       {@code turn}, also when absent on {@code /ice} (400
 *       {@code could not generate ICE auth token: "\"service\" must be \"turn\""}; {@code TURN} instead of
 *       {@code ICE} on {@code /}), then no listener left (404
 *       {@code could not generate ICE config: no valid listener found}, or
 *       {@code could not generate TURN auth token: no valid listener found}).</li>
 *   <li><b>Filters</b> ({@code ice.go}): a listener name is split at {@code /} into namespace, gateway and listener;
 *       {@code namespace} must equal the first part; {@code gateway} is compared only when {@code namespace} is
 *       given too and {@code listener} only when both are (otherwise they are ignored, not an error). An empty
 *       value is a filter for the empty name.</li>
 *   <li><b>URIs</b> ({@code ice.go}; STUNner v1.1.0 {@code ListenerConfig.GetListenerURI}, {@code uri.go}): host =
 *       the {@code public-addr} parameter when present (even empty), else {@code $STUNNER_PUBLIC_ADDR} when not
 *       empty, else the listener's {@code public_address}; when that is empty, the listener's advertised
 *       {@code address}; when that is empty or the node-address placeholder, {@code 0.0.0.0}. Port =
 *       {@code public_port}, else {@code port}. The fallback to {@code address}/{@code port} is upstream behaviour
 *       too (its tests expect {@code turns:127.0.0.1:3479?transport=tcp} for a listener without public address),
 *       so turngate keeps it, {@code 0.0.0.0} included. Forms: {@link TurnUri}.</li>
 *   <li><b>Credentials</b> ({@code ice.go}; STUNner {@code pkg/authentication/auth.go}): {@link IceCredentials};
 *       {@code ttl} defaults to 86400 and is echoed in the {@code /} token whatever the auth type. A config whose
 *       credentials are incomplete, or that yields no URI, is left out (upstream logs it and goes on).</li>
 *   <li><b>Output</b>: Go's {@code json.Encoder}: fields in Go struct order, HTML-safe escapes, a trailing newline;
 *       {@code Content-Type: application/json; charset=UTF-8}. Errors as Go's {@code http.Error}: the message and a
 *       newline, {@code text/plain; charset=utf-8} (the HTTP layer should add {@code X-Content-Type-Options: nosniff}
 *       as Go does). An unknown path is Go's 404 {@code 404 page not found}.</li>
 * </ul>
 *
 * <p>Where turngate deliberately differs:
 * <ul>
 *   <li>{@code ttl} must be 0..{@value IceCredentials#MAX_TTL_SECONDS}: a negative TTL (already expired credentials)
 *       or one that overflows Go's {@code time.Duration} is a 400 naming {@code ttl}; upstream hands out
 *       expired or wrapped-around credentials.</li>
 *   <li>{@code iceTransportPolicy} must be {@code all}, {@code public} or {@code relay} (the OpenAPI enum): any other
 *       value is a 400 naming it; upstream echoes any string, which makes the browser's
 *       {@code new RTCPeerConnection(config)} throw.</li>
 *   <li>A listener whose name is not {@code namespace/gateway/listener} (a hand-written stunnerd config, e.g.
 *       {@code default-listener}) is served when no {@code namespace} filter is given; upstream skips it always,
 *       as the operator never renders such names.</li>
 *   <li>Configs are answered in the order given, and {@code /} answers for the first; upstream ranges over a
 *       {@code sync.Map}, so its order (and its choice for {@code /}) is unspecified.</li>
 *   <li>IPv6 hosts are bracketed in URIs ({@link TurnUri#of}).</li>
 *   <li>Paths are matched as given: gorilla/mux would first redirect an unclean path ({@code //ice}) with a 301;
 *       here it is a 404. Methods are the HTTP layer's: upstream answers {@code 405} to anything but {@code GET}.</li>
 * </ul>
 */
public final class IceAuthService {
    /** Path of getIceAuth. */
    public static final String ICE_PATH = "/ice";
    /** Path of getTurnAuth. */
    public static final String TURN_PATH = "/";
    /** Environment variable overriding every listener's public address (below the {@code public-addr} parameter). */
    public static final String PUBLIC_ADDR_ENV = "STUNNER_PUBLIC_ADDR";
    /** The only {@code service} there is. */
    public static final String SERVICE_TURN = "turn";
    /** {@code iceTransportPolicy} values of the OpenAPI enum; the first is the default. */
    public static final List<String> ICE_TRANSPORT_POLICIES = List.of("all", "public", "relay");

    private IceAuthService() {
    }

    /**
     * An HTTP answer: status, {@code Content-Type} and body (UTF-8).
     *
     * @param status      200, 400, 404 or 500
     * @param contentType {@link #JSON} for 200, {@link #TEXT} otherwise
     * @param body        JSON, or the error message; both end with a newline
     */
    public record Answer(int status, String contentType, String body) {
        /** Content type of a 200 answer, as upstream writes it. */
        public static final String JSON = "application/json; charset=UTF-8";
        /** Content type of an error answer (Go {@code http.Error}). */
        public static final String TEXT = "text/plain; charset=utf-8";

        public Answer {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }

        static Answer json(CharSequence json) {
            return new Answer(200, JSON, json + "\n");
        }

        static Answer error(int status, String message) {
            return new Answer(status, TEXT, message + "\n");
        }
    }

    /**
     * Answers one request.
     *
     * @param path            the request path, without the query string: {@link #ICE_PATH} or {@link #TURN_PATH}
     * @param query           the decoded query parameters, each with its values in request order
     * @param configs         the gateways' current dataplane configs, in the order to answer them
     * @param nowEpochSeconds the current UNIX time, for ephemeral usernames
     * @param env             the environment, read for {@link #PUBLIC_ADDR_ENV} only ({@code null} = empty)
     */
    public static Answer answer(String path, Map<String, List<String>> query, List<StunnerConfig> configs,
                                long nowEpochSeconds, Map<String, String> env) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(configs, "configs");
        boolean ice;
        if (ICE_PATH.equals(path)) {
            ice = true;
        } else if (TURN_PATH.equals(path)) {
            ice = false;
        } else {
            return Answer.error(404, "404 page not found");
        }
        String what = ice ? "ICE auth token" : "TURN auth token";
        Params p;
        try {
            p = Params.bind(query, ice);
        } catch (BadParameter e) {
            return Answer.error(400, e.getMessage());
        }
        if (configs.isEmpty()) {
            return Answer.error(500, "no STUNner configuration available");
        }
        if (!SERVICE_TURN.equals(p.service)) {
            return Answer.error(400, "could not generate " + what + ": " + GoText.quote("\"service\" must be \"turn\""));
        }
        String envAddr = env == null ? null : env.get(PUBLIC_ADDR_ENV);
        long ttl = p.ttl != null ? p.ttl : IceCredentials.DEFAULT_TTL_SECONDS;
        List<IceServer> servers = new ArrayList<>();
        for (StunnerConfig c : configs) {
            IceServer s = iceServer(c, p, envAddr, nowEpochSeconds, ttl);
            if (s != null) {
                servers.add(s);
            }
        }
        StringBuilder json = new StringBuilder(256);
        if (ice) {
            if (servers.isEmpty()) {
                return Answer.error(404, "could not generate ICE config: no valid listener found");
            }
            json.append("{\"iceServers\":[");
            for (int i = 0; i < servers.size(); i++) {
                IceServer s = servers.get(i);
                json.append(i == 0 ? "{" : ",{").append("\"credential\":");
                GoText.jsonString(json, s.credentials.credential()).append(",\"urls\":");
                GoText.jsonStrings(json, s.urls).append(",\"username\":");
                GoText.jsonString(json, s.credentials.username()).append('}');
            }
            json.append("],\"iceTransportPolicy\":");
            GoText.jsonString(json, p.iceTransportPolicy != null ? p.iceTransportPolicy : ICE_TRANSPORT_POLICIES.get(0));
            json.append('}');
        } else {
            if (servers.isEmpty()) {
                return Answer.error(404, "could not generate TURN auth token: no valid listener found");
            }
            IceServer s = servers.get(0);
            json.append("{\"password\":");
            GoText.jsonString(json, s.credentials.credential()).append(",\"ttl\":").append(ttl).append(",\"uris\":");
            GoText.jsonStrings(json, s.urls).append(",\"username\":");
            GoText.jsonString(json, s.credentials.username()).append('}');
        }
        return Answer.json(json);
    }

    /** The entry for one config, or {@code null} when no listener matches or its credentials are incomplete. */
    private static IceServer iceServer(StunnerConfig c, Params p, String envAddr, long now, long ttl) {
        List<String> urls = new ArrayList<>();
        for (ListenerConfig l : c.listeners()) {
            if (!matches(l.name(), p)) {
                continue;
            }
            String host;
            if (p.publicAddr != null) {
                host = p.publicAddr;
            } else if (envAddr != null && !envAddr.isEmpty()) {
                host = envAddr;
            } else {
                host = l.publicAddress() == null ? "" : l.publicAddress();
            }
            if (host.isEmpty()) {
                host = l.address() == null ? "" : l.address();
            }
            if (host.isEmpty() || host.equals(TurnUri.NODE_ADDRESS_PLACEHOLDER)) {
                host = "0.0.0.0";
            }
            urls.add(TurnUri.of(l.protocol(), host, l.publicPort() != 0 ? l.publicPort() : l.port()));
        }
        if (urls.isEmpty() || IceCredentials.problem(c.auth()) != null) {
            return null;
        }
        return new IceServer(IceCredentials.of(c.auth(), p.username != null ? p.username : "", now, ttl), urls);
    }

    /** The namespace/gateway/listener filters against a listener name ({@code ice.go}). */
    private static boolean matches(String name, Params p) {
        String[] parts = (name == null ? "" : name).split("/", -1);
        if (parts.length != 3) {
            return p.namespace == null; // turngate: hand-named listeners are served when unfiltered
        }
        if (p.namespace == null) {
            return true;
        }
        if (!p.namespace.equals(parts[0])) {
            return false;
        }
        if (p.gateway == null) {
            return true;
        }
        if (!p.gateway.equals(parts[1])) {
            return false;
        }
        return p.listener == null || p.listener.equals(parts[2]);
    }

    private record IceServer(IceCredentials credentials, List<String> urls) {
    }

    /** A parameter the generated binder refuses; its message is the 400 body. */
    private static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    /** The bound query parameters, {@code null} when absent. */
    private static final class Params {
        String service;
        String username;
        Long ttl;
        String iceTransportPolicy;
        String namespace;
        String gateway;
        String listener;
        String publicAddr;

        /** Binds in the generated code's order, so that the first bad parameter is the one reported. */
        static Params bind(Map<String, List<String>> q, boolean ice) throws BadParameter {
            Params p = new Params();
            if (!ice) {
                List<String> s = q.get("service");
                if (s == null || s.isEmpty() || s.get(0).isEmpty()) {
                    throw new BadParameter("Query argument service is required, but not found");
                }
            }
            p.service = single(q, "service");
            p.username = single(q, "username");
            String ttl = single(q, "ttl");
            if (ttl != null) {
                p.ttl = ttl(ttl);
            }
            if (ice) {
                p.iceTransportPolicy = single(q, "iceTransportPolicy");
                if (p.iceTransportPolicy != null && !ICE_TRANSPORT_POLICIES.contains(p.iceTransportPolicy)) {
                    throw new BadParameter("Invalid format for parameter iceTransportPolicy: "
                            + GoText.quote(p.iceTransportPolicy) + " (expected: " + String.join(", ", ICE_TRANSPORT_POLICIES) + ")");
                }
            }
            single(q, "key");
            p.namespace = single(q, "namespace");
            p.gateway = single(q, "gateway");
            p.listener = single(q, "listener");
            p.publicAddr = single(q, "public-addr");
            return p;
        }

        private static String single(Map<String, List<String>> q, String name) throws BadParameter {
            List<String> values = q.get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            if (values.size() != 1) {
                throw new BadParameter("Invalid format for parameter " + name
                        + ": multiple values for single value parameter '" + name + "'");
            }
            return values.get(0);
        }

        /**
         * Go {@code strconv.ParseInt(s, 10, 64)}: an optional sign and ASCII digits, accumulated as an unsigned
         * 64-bit number that fails with "value out of range" the moment it overflows, or "invalid syntax" at the
         * first non-digit; then turngate's range check.
         */
        private static long ttl(String s) throws BadParameter {
            String prefix = "Invalid format for parameter ttl: ";
            String parseError = prefix + "error binding string parameter: strconv.ParseInt: parsing " + GoText.quote(s) + ": ";
            int i = 0;
            boolean negative = false;
            if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
                negative = s.charAt(0) == '-';
                i = 1;
            }
            if (i == s.length()) {
                throw new BadParameter(parseError + "invalid syntax");
            }
            long cutoff = Long.divideUnsigned(-1L, 10) + 1; // maxUint64/10 + 1
            long n = 0;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    throw new BadParameter(parseError + "invalid syntax");
                }
                if (Long.compareUnsigned(n, cutoff) >= 0) {
                    throw new BadParameter(parseError + "value out of range");
                }
                long n1 = n * 10 + (c - '0');
                if (Long.compareUnsigned(n1, n * 10) < 0) {
                    throw new BadParameter(parseError + "value out of range");
                }
                n = n1;
            }
            if (!negative && Long.compareUnsigned(n, Long.MIN_VALUE) >= 0
                    || negative && Long.compareUnsigned(n, Long.MIN_VALUE) > 0) {
                throw new BadParameter(parseError + "value out of range");
            }
            long value = negative ? -n : n;
            if (value < 0 || value > IceCredentials.MAX_TTL_SECONDS) {
                throw new BadParameter(prefix + value + " (expected: 0.." + IceCredentials.MAX_TTL_SECONDS + " seconds)");
            }
            return value;
        }
    }
}
