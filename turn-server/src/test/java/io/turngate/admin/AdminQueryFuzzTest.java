package io.turngate.admin;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target (Jazzer) for the admin HTTP servers' query parsing: the request target as Netty's HTTP
 * decoder hands it over ({@code req.uri()}, ISO-8859-1), decoded by {@link QueryStringDecoder} the way
 * {@code AdminHttpServer} does, then read through {@link HttpGet} as the routes read it. Corpus:
 * {@code src/test/resources/io/turngate/admin/AdminQueryFuzzTestInputs/query/} (the request targets the suites and
 * the README use).
 *
 * <p>The contract: {@code QueryStringDecoder} gives a path and parameters or throws
 * {@link IllegalArgumentException} (answered 400 by {@code AdminHttpServer}); {@link HttpGet}'s readers give a
 * value or throw {@link HttpGet.BadQuery} (answered 400) with a message naming the parameter; a value is what the
 * query said (one value, a number inside the range asked for, a boolean spelled as the reader allows).
 */
class AdminQueryFuzzTest {
    /** The parameters the routes read ({@code StatusReport}), plus a name that is never given. */
    private static final List<String> NAMES = List.of("pretty", "users", "service", "never-given");

    @FuzzTest(maxDuration = "20s")
    void query(byte[] input) {
        String uri = new String(input, StandardCharsets.ISO_8859_1);
        String path;
        Map<String, List<String>> params;
        try {
            QueryStringDecoder q = new QueryStringDecoder(uri);
            path = q.path();
            params = q.parameters();
        } catch (IllegalArgumentException e) {
            return; // AdminHttpServer: 400 bad request
        }
        assertNotNull(path, "path");
        HttpGet get = new HttpGet(path, params, null);
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(params.keySet());
        for (String name : names) {
            readParam(get, name, params.get(name));
        }
        try {
            OptionalLong users = get.longParam("users", 0, StatusReport.USERS_MAX);
            users.ifPresent(n -> assertTrue(n >= 0 && n <= StatusReport.USERS_MAX, "users in range: " + n));
        } catch (HttpGet.BadQuery e) {
            assertNames(e, "users");
        }
        try {
            boolean pretty = get.booleanParam("pretty", false);
            String v = params.containsKey("pretty") ? params.get("pretty").get(0).trim() : "false";
            assertEquals(!v.equalsIgnoreCase("false") && !v.equals("0"), pretty, "pretty");
        } catch (HttpGet.BadQuery e) {
            assertNames(e, "pretty");
        }
    }

    private static void readParam(HttpGet get, String name, List<String> values) {
        String v;
        try {
            v = get.param(name);
        } catch (HttpGet.BadQuery e) {
            assertNames(e, name);
            assertTrue(values != null && values.size() > 1, "only a repeated parameter is refused: " + e.getMessage());
            return;
        }
        if (values == null || values.isEmpty()) {
            assertEquals(null, v, name);
        } else {
            assertEquals(1, values.size(), "values of " + name);
            assertEquals(values.get(0), v, name);
        }
    }

    private static void assertNames(HttpGet.BadQuery e, String name) {
        assertTrue(e.getMessage().startsWith("query parameter " + name + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("(expected: "), e.getMessage());
    }
}
