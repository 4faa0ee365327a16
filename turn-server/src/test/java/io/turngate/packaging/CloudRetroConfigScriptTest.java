package io.turngate.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CloudRetro Jobs' script ({@code k8s/cloudretro/worker-config/cloudretro-config.sh}) step by step, with a
 * stand-in {@code kubectl} that answers load-balancer addresses and records every call, and turngate's real
 * {@code ice-config} (run from the test class path) over the demo's Gateway API file.
 */
class CloudRetroConfigScriptTest {
    private static final Path SCRIPT = Packaging.K8S.resolve("cloudretro/worker-config/cloudretro-config.sh");
    private static final char SEP = '\u001f';

    @TempDir
    Path tmp;
    private Path stub;
    private Path work;

    @BeforeEach
    void standIns() throws IOException {
        stub = Files.createDirectories(tmp.resolve("stub"));
        work = Files.createDirectories(tmp.resolve("work"));
        Path bin = tmp.resolve("bin");
        Packaging.script(bin.resolve("kubectl"),
                "line=; for a in \"$@\"; do line=\"$line$a$(printf '\\037')\"; done; printf '%s\\n' \"$line\" >> " + stub + "/calls",
                "ns=default; out=; p1=; p2=; p3=",
                "while [ $# -gt 0 ]; do case $1 in -n) ns=$2; shift 2;; -o) out=$2; shift 2;; -p|--type) shift 2;;",
                "  *) if [ -z \"$p1\" ]; then p1=$1; elif [ -z \"$p2\" ]; then p2=$1; else p3=$1; fi; shift;; esac; done",
                "if [ \"$p1\" = get ] && [ \"$p2\" = service ]; then",
                "  case $out in *hostname*) f=" + stub + "/hostname-$ns-$p3;; *) f=" + stub + "/ip-$ns-$p3;; esac",
                "  if [ -f \"$f\" ]; then cat \"$f\"; fi",
                "fi");
        Packaging.script(bin.resolve("turngate"), "exec " + Packaging.shellQuote(Path.of(System.getProperty("java.home"),
                "bin", "java").toString()) + " -cp " + Packaging.shellQuote(System.getProperty("java.class.path"))
                + " io.turngate.cli.Main \"$@\"");
    }

    private Packaging.Result step(String step, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", tmp.resolve("bin") + ":/usr/bin:/bin");
        env.put("WORK", work.toString());
        env.put("WAIT_SECONDS", "0");
        env.put("GATEWAY_API_FILE", Packaging.K8S.resolve("cloudretro/gateway-api/gateway-api.yaml").toString());
        env.putAll(extra);
        return Packaging.run(List.of("sh", SCRIPT.toString(), step), env, tmp, 60);
    }

    private void lb(String ns, String svc, String ip) throws IOException {
        Files.writeString(stub.resolve("ip-" + ns + "-" + svc), ip);
    }

    private List<List<String>> calls() throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(stub.resolve("calls"))) {
            out.add(List.of(line.substring(0, line.length() - 1).split(String.valueOf(SEP), -1)));
        }
        return out;
    }

    private JsonNode patchOf(String configMap) throws IOException {
        for (List<String> c : calls()) {
            if (c.contains("patch") && c.contains(configMap)) {
                return new ObjectMapper().readTree(c.get(c.indexOf("-p") + 1)).path("data");
            }
        }
        throw new AssertionError("no patch of " + configMap + ": " + calls());
    }

    private void iceSteps(Map<String, String> env) {
        for (String s : List.of("ice-address", "ice-render", "ice-apply")) {
            Packaging.Result r = step(s, env);
            assertEquals(0, r.exitCode(), s + ": " + r.both());
        }
    }

    @Test
    void oneGatewaysIceServersGoIntoTheCoordinatorConfigMapAndTheCoordinatorRestarts() throws Exception {
        lb("stunner", "udp-gateway", "203.0.113.10");
        iceSteps(Map.of());
        JsonNode data = patchOf("cloudretro-config-c");
        assertEquals("turn:203.0.113.10:3478?transport=udp", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_0_URL").asText());
        assertEquals("user-1", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME").asText());
        assertEquals("pass-1", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL").asText());
        for (int n = 1; n <= 10; n++) {
            assertTrue(data.path("CLOUD_GAME_WEBRTC_ICESERVERS_" + n + "_URL").isNull(), "stale index " + n + " removed");
        }
        assertTrue(calls().contains(List.of("-n", "cloudretro", "rollout", "restart", "deployment", "coordinator-deployment")),
                calls().toString());
        assertTrue(calls().contains(List.of("-n", "stunner", "get", "service", "udp-gateway", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}")), "the gateway Service's ingress IP, as the demo reads it");
    }

    @Test
    void withASecondaryGatewayTheCoordinatorListsBoth() throws Exception {
        lb("stunner", "udp-gateway", "203.0.113.10");
        iceSteps(Map.of("SECONDARY_GATEWAY_ADDRESS", "198.51.100.7"));
        JsonNode data = patchOf("cloudretro-config-c");
        assertEquals("turn:203.0.113.10:3478?transport=udp", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_0_URL").asText());
        assertEquals("turn:198.51.100.7:3478?transport=udp", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_1_URL").asText());
        assertEquals("user-1", data.path("CLOUD_GAME_WEBRTC_ICESERVERS_1_USERNAME").asText());
        assertTrue(data.path("CLOUD_GAME_WEBRTC_ICESERVERS_2_URL").isNull());
    }

    @Test
    void workersGetTheCoordinatorAddressAndTheirPublicAddress() throws Exception {
        lb("cloudretro", "coordinator-lb-svc", "192.0.2.20");
        lb("cloudretro", "worker-lb-svc", "192.0.2.21");
        Packaging.Result r = step("workers", Map.of());
        assertEquals(0, r.exitCode(), r.both());
        JsonNode data = patchOf("cloudretro-config-w");
        assertEquals("192.0.2.20:8000", data.path("CLOUD_GAME_WORKER_NETWORK_COORDINATORADDRESS").asText());
        assertEquals("192.0.2.21", data.path("CLOUD_GAME_WORKER_NETWORK_PUBLICADDRESS").asText());
        assertTrue(calls().contains(List.of("-n", "cloudretro", "rollout", "restart", "deployment", "worker-deployment")));

        Files.delete(stub.resolve("calls"));
        r = step("workers", Map.of("COORDINATOR_ADDRESS", "198.51.100.30")); // secondary cluster: the primary's coordinator
        assertEquals(0, r.exitCode(), r.both());
        assertEquals("198.51.100.30:8000", patchOf("cloudretro-config-w").path("CLOUD_GAME_WORKER_NETWORK_COORDINATORADDRESS").asText());
    }

    @Test
    void aHostnameIngressServesAndNoAddressAtAllFailsClearly() throws Exception {
        Files.writeString(stub.resolve("hostname-stunner-udp-gateway"), "gw.example.com");
        assertEquals(0, step("ice-address", Map.of()).exitCode());
        assertEquals("gw.example.com\n", Files.readString(work.resolve("public-addresses")));
        Packaging.Result r = step("workers", Map.of());
        assertEquals(1, r.exitCode(), r.both());
        assertTrue(r.stderr().contains("service cloudretro/coordinator-lb-svc: no load balancer address after 0s"), r.both());
    }
}
