package io.turngate.ice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target (Jazzer) for the ICE answerer ({@link IceAuthService#answer}, STUNner's auth service
 * API) with fuzzed query maps. Corpus: {@code src/test/resources/io/turngate/ice/IceAuthFuzzTestInputs/answer/}.
 *
 * <p>Input: UTF-8 text, {@code PATH?QUERY}, optionally followed by a line holding {@code $STUNNER_PUBLIC_ADDR}. The
 * query is split at {@code &} and at the first {@code =} without any decoding, so names and values can hold
 * anything, repeated names included. Each input is answered for four config lists: none, each of
 * {@code IceAuthServiceTest}'s two, and those two plus the default config (a hand-named listener,
 * {@code default-listener}, that is served only when no namespace filter is given).
 *
 * <p>The contract: an answer, never an exception; status 200, 400, 404 or 500, as upstream; JSON for 200 and text
 * otherwise, both ending with a newline; a 200 body is the documented shape: {@code /ice} an
 * {@code RTCConfiguration} whose servers each have a credential, a username and at least one {@code turn:} or
 * {@code turns:} URL, and an {@code iceTransportPolicy} of the OpenAPI enum; {@code /} a token with the
 * {@code ttl} asked for (86400 by default).
 */
class IceAuthFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_681_403_735L;
    private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 500);
    private static final List<List<StunnerConfig>> CONFIGS = List.of(
            List.of(),
            List.of(IceAuthServiceTest.STATIC),
            List.of(IceAuthServiceTest.EPHEMERAL),
            List.of(IceAuthServiceTest.STATIC, IceAuthServiceTest.EPHEMERAL, ConfigLoader.defaultConfig()));

    @FuzzTest(maxDuration = "20s")
    void answer(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String target = nl < 0 ? text : text.substring(0, nl);
        Map<String, String> env = nl < 0 ? Map.of() : Map.of(IceAuthService.PUBLIC_ADDR_ENV, text.substring(nl + 1));
        int qm = target.indexOf('?');
        String path = qm < 0 ? target : target.substring(0, qm);
        Map<String, List<String>> query = split(qm < 0 ? "" : target.substring(qm + 1));
        for (List<StunnerConfig> configs : CONFIGS) {
            IceAuthService.Answer a = IceAuthService.answer(path, query, configs, NOW, env);
            check(path, query, a);
        }
    }

    private static void check(String path, Map<String, List<String>> query, IceAuthService.Answer a) {
        assertTrue(STATUSES.contains(a.status()), () -> "status " + a.status());
        assertTrue(a.body().endsWith("\n"), "body ends with a newline");
        if (a.status() != 200) {
            assertEquals(IceAuthService.Answer.TEXT, a.contentType(), "content type of an error");
            return;
        }
        assertEquals(IceAuthService.Answer.JSON, a.contentType(), "content type of 200");
        JsonNode body;
        try {
            body = JSON.readTree(a.body());
        } catch (IOException e) {
            throw new AssertionError("200 body is not JSON: " + a.body(), e);
        }
        if (IceAuthService.ICE_PATH.equals(path)) {
            JsonNode servers = body.get("iceServers");
            assertTrue(servers != null && servers.isArray() && servers.size() > 0, a.body());
            for (JsonNode s : servers) {
                assertTrue(s.path("credential").isTextual() && s.path("username").isTextual(), a.body());
                checkUrls(s.get("urls"), a.body());
            }
            assertTrue(IceAuthService.ICE_TRANSPORT_POLICIES.contains(body.path("iceTransportPolicy").asText("")),
                    a.body());
        } else {
            assertEquals(IceAuthService.TURN_PATH, path, "only / and /ice answer 200");
            assertTrue(body.path("password").isTextual() && body.path("username").isTextual(), a.body());
            List<String> ttl = query.get("ttl");
            long expected = ttl == null || ttl.isEmpty() ? IceCredentials.DEFAULT_TTL_SECONDS : Long.parseLong(ttl.get(0));
            assertEquals(expected, body.path("ttl").asLong(-1), a.body());
            checkUrls(body.get("uris"), a.body());
        }
    }

    private static void checkUrls(JsonNode urls, String body) {
        assertTrue(urls != null && urls.isArray() && urls.size() > 0, body);
        for (JsonNode u : urls) {
            String s = u.asText("");
            assertTrue(s.startsWith("turn:") || s.startsWith("turns:"), body);
        }
    }

    /** {@code a=1&b&a=2} into names and values in order, without decoding. */
    static Map<String, List<String>> split(String q) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (q.isEmpty()) {
            return m;
        }
        for (String kv : q.split("&", -1)) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(eq < 0 ? "" : kv.substring(eq + 1));
        }
        return m;
    }
}
