package io.turngate.config.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigJsonTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static final String FULL = """
            version: v1
            admin:
              name: ns/gw
              loglevel: all:INFO,turn:DEBUG
              metrics_endpoint: http://:8080/metrics
              healthcheck_endpoint: ""
              user_quota: 3
              offload_engine: tc
              offload_interfaces: [eth1, eth0]
            auth:
              type: ephemeral
              realm: example.org
              credentials: {secret: "s$cr3t", username: x}
            listeners:
              - name: ns/gw/tls
                protocol: TURN-TLS
                public_address: gw.example.org
                public_port: 443
                address: 10.0.0.5
                port: 443
                cert: Y2VydA==
                key: a2V5
                routes: [ns/b, ns/a]
              - name: ns/gw/udp
            clusters:
              - name: ns/a
                endpoints: ["1.2.3.4/16", "2001:db8::1/32:<1-2>"]
              - name: ns/b
                type: STRICT_DNS
                protocol: TCP
                endpoints: [media.default.svc.cluster.local]
            """;

    @Test
    void writesStunnerFieldNames() throws Exception {
        StunnerConfig c = ConfigLoader.parse(FULL, Map.of());
        JsonNode j = M.readTree(ConfigJson.write(c));
        assertEquals("v1", j.get("version").asText());
        JsonNode admin = j.get("admin");
        assertEquals("ns/gw", admin.get("name").asText());
        assertEquals("all:INFO,turn:DEBUG", admin.get("loglevel").asText());
        assertEquals("http://:8080/metrics", admin.get("metrics_endpoint").asText());
        assertEquals("", admin.get("healthcheck_endpoint").asText(), "explicit empty kept: health checking disabled");
        assertEquals(3, admin.get("user_quota").asInt());
        assertEquals("TC", admin.get("offload_engine").asText());
        assertEquals("[\"eth0\",\"eth1\"]", admin.get("offload_interfaces").toString());
        JsonNode auth = j.get("auth");
        assertEquals("ephemeral", auth.get("type").asText());
        assertEquals("example.org", auth.get("realm").asText());
        assertEquals("{\"secret\":\"s$cr3t\",\"username\":\"x\"}", auth.get("credentials").toString());
        JsonNode l = j.get("listeners").get(0);
        assertEquals(List.of("name", "protocol", "public_address", "public_port", "address", "port", "cert", "key", "routes"),
                fieldNames(l));
        assertEquals("TURN-TLS", l.get("protocol").asText());
        assertEquals("[\"ns/a\",\"ns/b\"]", l.get("routes").toString());
        JsonNode bare = j.get("listeners").get(1);
        assertEquals(List.of("name", "protocol", "address", "port"), fieldNames(bare), "empty optional fields omitted");
        JsonNode cl = j.get("clusters").get(0);
        assertEquals(List.of("name", "type", "protocol", "endpoints"), fieldNames(cl));
        assertEquals("STATIC", cl.get("type").asText());
        assertEquals("UDP", cl.get("protocol").asText());
        assertEquals("[\"1.2.0.0/16\",\"2001:db8::/32:<1-2>\"]", cl.get("endpoints").toString());
        assertEquals("STRICT_DNS", j.get("clusters").get(1).get("type").asText());
    }

    @Test
    void emptyListsAndZeroValuesAreOmitted() throws Exception {
        StunnerConfig c = ConfigLoader.parse("version: v1\nauth: {credentials: {username: u, password: p}}\n", Map.of());
        JsonNode j = M.readTree(ConfigJson.write(c));
        assertEquals(List.of("version", "admin", "auth"), fieldNames(j));
        assertEquals(List.of("name", "loglevel", "healthcheck_endpoint", "offload_engine"), fieldNames(j.get("admin")));
    }

    @Test
    void roundTripsToAnEqualConfig() throws Exception {
        StunnerConfig c = ConfigLoader.parse(FULL, Map.of());
        assertEquals(c, ConfigLoader.parse(ConfigJson.write(c), Map.of()));
        assertEquals(c, ConfigLoader.parse(ConfigJson.writePretty(c), Map.of()));
        assertEquals(ConfigLoader.defaultConfig(), ConfigLoader.parse(ConfigJson.write(ConfigLoader.defaultConfig()), Map.of()));
        StunnerConfig quick = ConfigLoader.fromTurnUri("turn://a:b@127.0.0.1");
        assertEquals(quick, ConfigLoader.parse(ConfigJson.write(quick), Map.of()));
    }

    @Test
    void maskedOutputHidesCredentialsCertAndKey() throws Exception {
        StunnerConfig c = ConfigLoader.parse(FULL, Map.of());
        String masked = ConfigJson.writeMasked(c);
        assertFalse(masked.contains("s$cr3t"), masked);
        assertFalse(masked.contains("Y2VydA=="), masked);
        assertFalse(masked.contains("a2V5"), masked);
        JsonNode j = M.readTree(masked);
        assertEquals("<SECRET>", j.get("auth").get("credentials").get("secret").asText());
        assertEquals("<SECRET>", j.get("auth").get("credentials").get("username").asText());
        assertEquals("<SECRET>", j.get("listeners").get(0).get("cert").asText());
        assertEquals("<SECRET>", j.get("listeners").get(0).get("key").asText());
        assertTrue(j.get("listeners").get(1).get("cert") == null, "no cert stays no cert");
        assertEquals("ns/gw/tls", j.get("listeners").get(0).get("name").asText(), "non-secret fields kept");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
