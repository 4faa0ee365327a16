package io.turngate.ice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.auth.EphemeralCredentials;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link IceAuthService} against the behaviour of {@code l7mp/stunner-auth-service} ({@code internal/handler/ice.go},
 * {@code turn.go}, the generated {@code pkg/server/server.go}): every parameter, filter, error and URI form.
 */
class IceAuthServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** STUNner's documented ephemeral vector: 1681403735 + 86400 = 1681490135 (docs/AUTH.md). */
    private static final long NOW = 1_681_403_735L;
    private static final String VECTOR_USERNAME = "1681490135:user-id";
    private static final String VECTOR_PASSWORD = "WSfJZ8QIi8ebu1uWhxlclvyjEPY=";
    private static final String SECRET = "my-shared-secret";

    /** Four listeners, one per protocol, in two namespaces and two gateways; two without a public address. */
    static final StunnerConfig STATIC = config(String.join("\n",
            "version: v1",
            "admin: {name: media/edge}",
            "auth: {type: static, credentials: {username: alice, password: wonderland}}",
            "listeners:",
            "  - {name: media/edge/udp, protocol: TURN-UDP, public_address: 198.51.100.1, public_port: 3478,",
            "     address: 10.0.0.1, port: 23478}",
            "  - {name: other/edge/tcp, protocol: TURN-TCP, public_address: 198.51.100.1, public_port: 3478,",
            "     address: 10.0.0.1, port: 3478}",
            "  - {name: media/core/tls, protocol: TURN-TLS, address: 10.0.0.1, port: 5349, cert: Y2VydA==, key: a2V5}",
            "  - {name: media/edge/dtls, protocol: TURN-DTLS, address: 10.0.0.1, port: 5349, cert: Y2VydA==, key: a2V5}",
            ""));

    static final StunnerConfig EPHEMERAL = config(String.join("\n",
            "version: v1",
            "admin: {name: media/edge2}",
            "auth: {type: ephemeral, credentials: {secret: " + SECRET + "}}",
            "listeners:",
            "  - {name: media/edge2/udp, protocol: UDP, public_address: 198.51.100.2, public_port: 3478, port: 3478}",
            ""));

    private static final List<String> STATIC_URIS = List.of(
            "turn:198.51.100.1:3478?transport=udp",
            "turn:198.51.100.1:3478?transport=tcp",
            "turns:10.0.0.1:5349?transport=tcp",
            "turns:10.0.0.1:5349?transport=udp");

    static StunnerConfig config(String yaml) {
        try {
            return ConfigLoader.parse(yaml, Map.of());
        } catch (ConfigException e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    /** {@code a=1&b=2&a=3} as the HTTP layer decodes it: each name with its values in order. */
    static Map<String, List<String>> query(String q) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (!q.isEmpty()) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                m.computeIfAbsent(k, x -> new ArrayList<>()).add(eq < 0 ? "" : kv.substring(eq + 1));
            }
        }
        return m;
    }

    static IceAuthService.Answer get(String path, String q, List<StunnerConfig> configs) {
        return IceAuthService.answer(path, query(q), configs, NOW, Map.of());
    }

    static JsonNode json(IceAuthService.Answer a) {
        assertEquals(200, a.status(), a.body());
        assertEquals("application/json; charset=UTF-8", a.contentType());
        assertTrue(a.body().endsWith("}\n"), a.body());
        try {
            return JSON.readTree(a.body());
        } catch (IOException e) {
            throw new AssertionError(a.body(), e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json.replace('\'', '"'));
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private static List<String> urls(JsonNode server) {
        List<String> out = new ArrayList<>();
        server.get("urls").forEach(n -> out.add(n.asText()));
        return out;
    }

    // ---- shapes ------------------------------------------------------------------------------------------------

    @Test
    void iceReturnsAnRtcConfigurationWithOneServerPerGatewayInGoFieldOrder() {
        IceAuthService.Answer a = get("/ice", "service=turn", List.of(STATIC));
        assertEquals("{\"iceServers\":[{\"credential\":\"wonderland\",\"urls\":[\"turn:198.51.100.1:3478?transport=udp\","
                + "\"turn:198.51.100.1:3478?transport=tcp\",\"turns:10.0.0.1:5349?transport=tcp\","
                + "\"turns:10.0.0.1:5349?transport=udp\"],\"username\":\"alice\"}],\"iceTransportPolicy\":\"all\"}\n",
                a.body());
        assertEquals(tree("{'iceServers':[{'username':'alice','credential':'wonderland','urls':"
                + "['turn:198.51.100.1:3478?transport=udp','turn:198.51.100.1:3478?transport=tcp',"
                + "'turns:10.0.0.1:5349?transport=tcp','turns:10.0.0.1:5349?transport=udp']}],"
                + "'iceTransportPolicy':'all'}"), json(a));
    }

    @Test
    void turnReturnsARestApiTokenWithTheTtlInGoFieldOrder() {
        IceAuthService.Answer a = get("/", "service=turn", List.of(STATIC));
        assertEquals("{\"password\":\"wonderland\",\"ttl\":86400,\"uris\":[\"turn:198.51.100.1:3478?transport=udp\","
                + "\"turn:198.51.100.1:3478?transport=tcp\",\"turns:10.0.0.1:5349?transport=tcp\","
                + "\"turns:10.0.0.1:5349?transport=udp\"],\"username\":\"alice\"}\n", a.body());
        assertEquals(tree("{'username':'alice','password':'wonderland','ttl':86400,'uris':"
                + "['turn:198.51.100.1:3478?transport=udp','turn:198.51.100.1:3478?transport=tcp',"
                + "'turns:10.0.0.1:5349?transport=tcp','turns:10.0.0.1:5349?transport=udp']}"), json(a));
    }

    @Test
    void twoGatewaysGiveTwoIceServersInConfigOrderAndTurnAnswersForTheFirst() {
        JsonNode ice = json(get("/ice", "service=turn&username=user-id", List.of(STATIC, EPHEMERAL)));
        assertEquals(2, ice.get("iceServers").size());
        assertEquals("alice", ice.get("iceServers").get(0).get("username").asText());
        assertEquals(VECTOR_USERNAME, ice.get("iceServers").get(1).get("username").asText());
        assertEquals(List.of("turn:198.51.100.2:3478?transport=udp"), urls(ice.get("iceServers").get(1)));

        assertEquals("alice", json(get("/", "service=turn", List.of(STATIC, EPHEMERAL))).get("username").asText());
        assertEquals(VECTOR_USERNAME,
                json(get("/", "service=turn&username=user-id", List.of(EPHEMERAL, STATIC))).get("username").asText());
    }

    // ---- credentials -------------------------------------------------------------------------------------------

    @Test
    void ephemeralCredentialsReproduceStunnersDocumentedVector() {
        JsonNode server = json(get("/ice", "service=turn&username=user-id", List.of(EPHEMERAL))).get("iceServers").get(0);
        assertEquals(tree("{'username':'" + VECTOR_USERNAME + "','credential':'" + VECTOR_PASSWORD + "',"
                + "'urls':['turn:198.51.100.2:3478?transport=udp']}"), server);

        assertEquals(tree("{'username':'" + VECTOR_USERNAME + "','password':'" + VECTOR_PASSWORD + "','ttl':86400,"
                + "'uris':['turn:198.51.100.2:3478?transport=udp']}"),
                json(get("/", "service=turn&username=user-id", List.of(EPHEMERAL))));
    }

    @Test
    void ephemeralUsernameWithoutAUserIdKeepsTheColon() {
        JsonNode t = json(get("/", "service=turn", List.of(EPHEMERAL)));
        assertEquals("1681490135:", t.get("username").asText());
        assertEquals(EphemeralCredentials.password(SECRET, "1681490135:"), t.get("password").asText());
    }

    @ParameterizedTest(name = "ttl={0}")
    @MethodSource
    void ttlSetsTheEphemeralExpiryAndIsEchoedByTurn(String ttl, long seconds) {
        JsonNode t = json(get("/", "service=turn&username=u&ttl=" + ttl, List.of(EPHEMERAL)));
        String username = (NOW + seconds) + ":u";
        assertEquals(username, t.get("username").asText());
        assertEquals(EphemeralCredentials.password(SECRET, username), t.get("password").asText());
        assertEquals(seconds, t.get("ttl").asLong());
        JsonNode s = json(get("/ice", "service=turn&username=u&ttl=" + ttl, List.of(EPHEMERAL))).get("iceServers").get(0);
        assertEquals(username, s.get("username").asText());
    }

    static Stream<Arguments> ttlSetsTheEphemeralExpiryAndIsEchoedByTurn() {
        return Stream.of(arguments("1", 1L), arguments("3600", 3600L), arguments("+60", 60L), arguments("0", 0L),
                arguments("-0", 0L), arguments("007", 7L), arguments("9223372036", 9_223_372_036L));
    }

    @Test
    void staticCredentialsIgnoreUsernameAndTtlButTurnEchoesTheTtl() {
        JsonNode t = json(get("/", "service=turn&username=bob&ttl=60", List.of(STATIC)));
        assertEquals("alice", t.get("username").asText());
        assertEquals("wonderland", t.get("password").asText());
        assertEquals(60, t.get("ttl").asLong());
        JsonNode s = json(get("/ice", "service=turn&username=bob&ttl=60", List.of(STATIC))).get("iceServers").get(0);
        assertEquals("alice", s.get("username").asText());
        assertEquals("wonderland", s.get("credential").asText());
    }

    @Test
    void authNoneGivesEmptyCredentials() {
        StunnerConfig none = config("version: v1\nauth: {type: none}\nlisteners:\n"
                + "  - {name: a/b/c, public_address: 192.0.2.1, port: 3478}\n");
        assertEquals(tree("{'iceServers':[{'username':'','credential':'','urls':['turn:192.0.2.1:3478?transport=udp']}],"
                + "'iceTransportPolicy':'all'}"), json(get("/ice", "service=turn", List.of(none))));
    }

    @Test
    void credentialsAreEscapedAsGoEscapesThem() {
        StunnerConfig odd = config("version: v1\nauth: {type: static, credentials: {username: \"a<b>&c\", "
                + "password: \"q\\\"\\\\\\t\\u2028\\u0001\"}}\nlisteners:\n"
                + "  - {name: a/b/c, public_address: 192.0.2.1, port: 3478}\n");
        IceAuthService.Answer a = get("/", "service=turn", List.of(odd));
        assertEquals("{\"password\":\"q\\\"\\\\\\t\\u2028\\u0001\",\"ttl\":86400,"
                + "\"uris\":[\"turn:192.0.2.1:3478?transport=udp\"],\"username\":\"a\\u003cb\\u003e\\u0026c\"}\n", a.body());
        assertEquals("a<b>&c", json(a).get("username").asText());
        assertEquals("q\"\\\t\u2028\u0001", json(a).get("password").asText());
    }

    // ---- iceTransportPolicy ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource
    void iceTransportPolicyIsEchoed(String q, String policy) {
        assertEquals(policy, json(get("/ice", "service=turn" + q, List.of(STATIC))).get("iceTransportPolicy").asText());
    }

    static Stream<Arguments> iceTransportPolicyIsEchoed() {
        return Stream.of(arguments("", "all"), arguments("&iceTransportPolicy=all", "all"),
                arguments("&iceTransportPolicy=relay", "relay"), arguments("&iceTransportPolicy=public", "public"));
    }

    @Test
    void iceTransportPolicyIsIgnoredByTurn() {
        JsonNode t = json(get("/", "service=turn&iceTransportPolicy=bogus&iceTransportPolicy=x", List.of(STATIC)));
        assertEquals("alice", t.get("username").asText());
    }

    // ---- filters -----------------------------------------------------------------------------------------------

    /** Query → the URIs of each returned iceServers entry (STATIC, then EPHEMERAL); empty = 404. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource
    void filtersSelectListenersByNamespaceGatewayAndListener(String q, List<List<String>> expected) {
        IceAuthService.Answer a = get("/ice", "service=turn" + q, List.of(STATIC, EPHEMERAL));
        IceAuthService.Answer t = get("/", "service=turn" + q, List.of(STATIC, EPHEMERAL));
        if (expected.isEmpty()) {
            assertEquals(new IceAuthService.Answer(404, "text/plain; charset=utf-8",
                    "could not generate ICE config: no valid listener found\n"), a);
            assertEquals(new IceAuthService.Answer(404, "text/plain; charset=utf-8",
                    "could not generate TURN auth token: no valid listener found\n"), t);
            return;
        }
        List<List<String>> got = new ArrayList<>();
        json(a).get("iceServers").forEach(s -> got.add(urls(s)));
        assertEquals(expected, got);
        List<String> uris = new ArrayList<>();
        json(t).get("uris").forEach(n -> uris.add(n.asText()));
        assertEquals(expected.get(0), uris, "/ answers for the first gateway left");
    }

    static Stream<Arguments> filtersSelectListenersByNamespaceGatewayAndListener() {
        String udp = STATIC_URIS.get(0);
        String tcp = STATIC_URIS.get(1);
        String tls = STATIC_URIS.get(2);
        String dtls = STATIC_URIS.get(3);
        String udp2 = "turn:198.51.100.2:3478?transport=udp";
        return Stream.of(
                arguments("", List.of(STATIC_URIS, List.of(udp2))),
                arguments("&namespace=media", List.of(List.of(udp, tls, dtls), List.of(udp2))),
                arguments("&namespace=other", List.of(List.of(tcp))),
                arguments("&namespace=media&gateway=edge", List.of(List.of(udp, dtls))),
                arguments("&namespace=media&gateway=edge2", List.of(List.of(udp2))),
                arguments("&namespace=media&gateway=edge&listener=udp", List.of(List.of(udp))),
                arguments("&namespace=media&gateway=edge&listener=dtls", List.of(List.of(dtls))),
                arguments("&namespace=media&gateway=core&listener=tls", List.of(List.of(tls))),
                arguments("&namespace=media&gateway=edge&listener=dummy", List.of()),
                arguments("&namespace=media&gateway=nope", List.of()),
                arguments("&namespace=nope", List.of()),
                arguments("&namespace=", List.of()),
                // gateway without namespace, listener without gateway: ignored, as upstream does
                arguments("&gateway=core", List.of(STATIC_URIS, List.of(udp2))),
                arguments("&listener=udp", List.of(STATIC_URIS, List.of(udp2))),
                arguments("&gateway=core&listener=tls", List.of(STATIC_URIS, List.of(udp2))),
                arguments("&namespace=media&listener=udp", List.of(List.of(udp, tls, dtls), List.of(udp2))),
                arguments("&key=some-api-key", List.of(STATIC_URIS, List.of(udp2))));
    }

    @Test
    void aHandNamedListenerIsServedOnlyWithoutANamespaceFilter() {
        StunnerConfig plain = config("version: v1\nauth: {type: static, credentials: {username: u, password: p}}\n"
                + "listeners:\n  - {name: default-listener, public_address: 192.0.2.7, port: 3478}\n"
                + "  - {name: a/b, public_address: 192.0.2.8, port: 3479}\n");
        assertEquals(List.of("turn:192.0.2.7:3478?transport=udp", "turn:192.0.2.8:3479?transport=udp"),
                urls(json(get("/ice", "service=turn", List.of(plain))).get("iceServers").get(0)));
        assertEquals(404, get("/ice", "service=turn&namespace=default-listener", List.of(plain)).status());
    }

    // ---- URI forms and addresses ------------------------------------------------------------------------------

    /** Query and environment → the URIs of STATIC. */
    @ParameterizedTest(name = "[{index}] {0} env={1}")
    @MethodSource
    void publicAddressOverridesAndFallbacks(String q, String envAddr, List<String> expected) {
        Map<String, String> env = envAddr == null ? Map.of() : Map.of("STUNNER_PUBLIC_ADDR", envAddr);
        IceAuthService.Answer a = IceAuthService.answer("/ice", query("service=turn" + q), List.of(STATIC), NOW, env);
        assertEquals(expected, urls(json(a).get("iceServers").get(0)));
    }

    static Stream<Arguments> publicAddressOverridesAndFallbacks() {
        return Stream.of(
                arguments("", null, STATIC_URIS),
                arguments("&public-addr=203.0.113.9", null, List.of("turn:203.0.113.9:3478?transport=udp",
                        "turn:203.0.113.9:3478?transport=tcp", "turns:203.0.113.9:5349?transport=tcp",
                        "turns:203.0.113.9:5349?transport=udp")),
                arguments("", "203.0.113.7", List.of("turn:203.0.113.7:3478?transport=udp",
                        "turn:203.0.113.7:3478?transport=tcp", "turns:203.0.113.7:5349?transport=tcp",
                        "turns:203.0.113.7:5349?transport=udp")),
                arguments("&public-addr=203.0.113.9", "203.0.113.7", List.of("turn:203.0.113.9:3478?transport=udp",
                        "turn:203.0.113.9:3478?transport=tcp", "turns:203.0.113.9:5349?transport=tcp",
                        "turns:203.0.113.9:5349?transport=udp")),
                arguments("", "", STATIC_URIS),
                // present but empty: no override, and the environment is not consulted; falls back to address
                arguments("&public-addr=", "203.0.113.7", List.of("turn:10.0.0.1:3478?transport=udp",
                        "turn:10.0.0.1:3478?transport=tcp", "turns:10.0.0.1:5349?transport=tcp",
                        "turns:10.0.0.1:5349?transport=udp")),
                arguments("&public-addr=turn.example.com", null, List.of("turn:turn.example.com:3478?transport=udp",
                        "turn:turn.example.com:3478?transport=tcp", "turns:turn.example.com:5349?transport=tcp",
                        "turns:turn.example.com:5349?transport=udp")),
                arguments("&public-addr=2001:db8::1", null, List.of("turn:[2001:db8::1]:3478?transport=udp",
                        "turn:[2001:db8::1]:3478?transport=tcp", "turns:[2001:db8::1]:5349?transport=tcp",
                        "turns:[2001:db8::1]:5349?transport=udp")));
    }

    @Test
    void withoutPublicAddressTheAdvertisedAddressThenTheWildcardIsUsed() {
        StunnerConfig c = config(String.join("\n",
                "version: v1",
                "auth: {type: static, credentials: {username: u, password: p}}",
                "listeners:",
                "  - {name: n/g/advertised, address: 10.1.2.3, port: 3478, public_port: 30478}",
                "  - {name: n/g/unset, protocol: TURN-TCP, address: \"$STUNNER_ADDR\", port: 3478}",
                "  - {name: n/g/placeholder, protocol: TURN-TLS, address: __node_address_placeholder, port: 443,",
                "     cert: Y2VydA==, key: a2V5}",
                "  - {name: n/g/public-only, protocol: DTLS, public_address: lb.example.net, port: 443,",
                "     cert: Y2VydA==, key: a2V5}",
                ""));
        assertEquals(List.of("turn:10.1.2.3:30478?transport=udp", "turn:0.0.0.0:3478?transport=tcp",
                        "turns:0.0.0.0:443?transport=tcp", "turns:lb.example.net:443?transport=udp"),
                urls(json(get("/ice", "service=turn", List.of(c))).get("iceServers").get(0)));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    /** Path, query, whether a config is known → status and exact body. */
    @ParameterizedTest(name = "[{index}] {0}?{1}")
    @MethodSource
    void errorsAreUpstreamsStatusAndMessage(String path, String q, boolean configured, int status, String body) {
        IceAuthService.Answer a = get(path, q, configured ? List.of(STATIC) : List.of());
        assertEquals(new IceAuthService.Answer(status, "text/plain; charset=utf-8", body + "\n"), a);
    }

    static Stream<Arguments> errorsAreUpstreamsStatusAndMessage() {
        String iceService = "could not generate ICE auth token: \"\\\"service\\\" must be \\\"turn\\\"\"";
        String turnService = "could not generate TURN auth token: \"\\\"service\\\" must be \\\"turn\\\"\"";
        String ttlParse = "Invalid format for parameter ttl: error binding string parameter: strconv.ParseInt: parsing ";
        return Stream.of(
                // no config at all: 500, checked after the parameters and before service
                arguments("/ice", "service=turn", false, 500, "no STUNner configuration available"),
                arguments("/ice", "service=dummy", false, 500, "no STUNner configuration available"),
                arguments("/", "service=turn", false, 500, "no STUNner configuration available"),
                arguments("/ice", "service=turn&ttl=x", false, 400, ttlParse + "\"x\": invalid syntax"),
                // service
                arguments("/ice", "service=dummy", true, 400, iceService),
                arguments("/ice", "", true, 400, iceService),
                arguments("/ice", "service=", true, 400, iceService),
                arguments("/ice", "service=TURN", true, 400, iceService),
                arguments("/", "service=dummy", true, 400, turnService),
                arguments("/", "", true, 400, "Query argument service is required, but not found"),
                arguments("/", "service=", true, 400, "Query argument service is required, but not found"),
                arguments("/", "service=&service=turn", true, 400, "Query argument service is required, but not found"),
                arguments("/", "username=a", false, 400, "Query argument service is required, but not found"),
                // repeated parameters, reported in binding order
                arguments("/ice", "service=turn&service=turn", true, 400,
                        "Invalid format for parameter service: multiple values for single value parameter 'service'"),
                arguments("/", "service=turn&service=turn", true, 400,
                        "Invalid format for parameter service: multiple values for single value parameter 'service'"),
                arguments("/ice", "service=turn&public-addr=a&public-addr=b&username=x&username=y", true, 400,
                        "Invalid format for parameter username: multiple values for single value parameter 'username'"),
                arguments("/ice", "service=turn&ttl=1&ttl=2", true, 400,
                        "Invalid format for parameter ttl: multiple values for single value parameter 'ttl'"),
                arguments("/ice", "service=turn&iceTransportPolicy=all&iceTransportPolicy=relay", true, 400,
                        "Invalid format for parameter iceTransportPolicy: multiple values for single value parameter 'iceTransportPolicy'"),
                arguments("/", "service=turn&key=a&key=b", true, 400,
                        "Invalid format for parameter key: multiple values for single value parameter 'key'"),
                arguments("/", "service=turn&namespace=a&namespace=b", true, 400,
                        "Invalid format for parameter namespace: multiple values for single value parameter 'namespace'"),
                arguments("/", "service=turn&gateway=a&gateway=b", true, 400,
                        "Invalid format for parameter gateway: multiple values for single value parameter 'gateway'"),
                arguments("/", "service=turn&listener=a&listener=b", true, 400,
                        "Invalid format for parameter listener: multiple values for single value parameter 'listener'"),
                arguments("/", "service=turn&public-addr=a&public-addr=b", true, 400,
                        "Invalid format for parameter public-addr: multiple values for single value parameter 'public-addr'"),
                // ttl: Go's parse errors, then turngate's range
                arguments("/ice", "service=turn&ttl=abc", true, 400, ttlParse + "\"abc\": invalid syntax"),
                arguments("/", "service=turn&ttl=", true, 400, ttlParse + "\"\": invalid syntax"),
                arguments("/", "service=turn&ttl=1.5", true, 400, ttlParse + "\"1.5\": invalid syntax"),
                arguments("/", "service=turn&ttl=-", true, 400, ttlParse + "\"-\": invalid syntax"),
                arguments("/", "service=turn&ttl=1_000", true, 400, ttlParse + "\"1_000\": invalid syntax"),
                arguments("/", "service=turn&ttl=%22", true, 400, ttlParse + "\"%22\": invalid syntax"),
                arguments("/", "service=turn&ttl=99999999999999999999", true, 400,
                        ttlParse + "\"99999999999999999999\": value out of range"),
                arguments("/", "service=turn&ttl=9223372036854775808", true, 400,
                        ttlParse + "\"9223372036854775808\": value out of range"),
                arguments("/ice", "service=turn&ttl=-1", true, 400,
                        "Invalid format for parameter ttl: -1 (expected: 0..9223372036 seconds)"),
                arguments("/", "service=turn&ttl=-9223372036854775808", true, 400,
                        "Invalid format for parameter ttl: -9223372036854775808 (expected: 0..9223372036 seconds)"),
                arguments("/", "service=turn&ttl=9223372037", true, 400,
                        "Invalid format for parameter ttl: 9223372037 (expected: 0..9223372036 seconds)"),
                // iceTransportPolicy outside the OpenAPI enum
                arguments("/ice", "service=turn&iceTransportPolicy=bogus", true, 400,
                        "Invalid format for parameter iceTransportPolicy: \"bogus\" (expected: all, public, relay)"),
                arguments("/ice", "service=turn&iceTransportPolicy=", true, 400,
                        "Invalid format for parameter iceTransportPolicy: \"\" (expected: all, public, relay)"),
                // paths
                arguments("/ice/", "service=turn", true, 404, "404 page not found"),
                arguments("/foo", "service=turn", true, 404, "404 page not found"),
                arguments("", "service=turn", true, 404, "404 page not found"),
                arguments("/ICE", "service=turn", true, 404, "404 page not found"));
    }

    @Test
    void aTtlParseErrorQuotesTheValueAsGoDoes() {
        IceAuthService.Answer a = get("/", "service=turn&ttl=a\"b\\c\nd\u0001", List.of(STATIC));
        assertEquals("Invalid format for parameter ttl: error binding string parameter: strconv.ParseInt: parsing "
                + "\"a\\\"b\\\\c\\nd\\x01\": invalid syntax\n", a.body());
    }

    @Test
    void aConfigWhoseCredentialsAreIncompleteIsLeftOut() {
        StunnerConfig broken = new StunnerConfig(STATIC.version(), STATIC.admin(),
                new io.turngate.config.v1.AuthConfig(io.turngate.config.v1.AuthType.EPHEMERAL, "r", Map.of()),
                STATIC.listeners(), STATIC.clusters());
        assertEquals(404, get("/ice", "service=turn", List.of(broken)).status());
        JsonNode ice = json(get("/ice", "service=turn", List.of(broken, EPHEMERAL)));
        assertEquals(1, ice.get("iceServers").size());
    }
}
