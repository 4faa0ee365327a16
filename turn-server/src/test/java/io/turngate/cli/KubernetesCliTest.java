package io.turngate.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code check} and {@code explain} read the live cluster once with the Kubernetes flags; flag misuse is exit 2. */
@Timeout(120)
class KubernetesCliTest {
    @TempDir
    Path tmp;
    private MockKubernetes k8s;
    private Path kubeconfig;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        } finally {
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void cluster() throws IOException {
        k8s = MockKubernetes.start();
        k8s.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: stunner-gatewayclass}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: cfg, namespace: stunner}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: cfg, namespace: stunner}
                spec: {authType: static, userName: user-1, password: pass-1}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: udp-gateway, namespace: stunner}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners: [{name: udp-listener, port: 3478, protocol: TURN-UDP}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: worker-udp-route, namespace: stunner}
                spec:
                  parentRefs: [{name: udp-gateway}]
                  rules: [{backendRefs: [{name: worker, namespace: games, port: 9000}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: worker, namespace: games}
                spec: {clusterIP: 10.96.0.10, ports: [{port: 9000, protocol: UDP}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: worker-1, namespace: games, labels: {kubernetes.io/service-name: worker}}
                addressType: IPv4
                endpoints: [{addresses: ["10.244.1.17"]}]
                """);
        kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "URL"}}]
                users: [{name: test, user: {token: test-token}}]
                contexts: [{name: mock, context: {cluster: mock, user: test, namespace: default}}]
                current-context: mock
                """.replace("URL", k8s.url()));
    }

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void checkReadsTheLiveClusterOnce() {
        Run r = run("check", "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--context", "mock");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# Kubernetes API " + k8s.url() + "/ (the only Gateway): valid gateway config"),
                r.out());
        assertTrue(r.out().contains("route stunner/worker-udp-route"), r.out());
        assertTrue(r.out().contains("10.244.1.17") && r.out().contains("10.96.0.10"), r.out());
    }

    @Test
    void explainReadsTheLiveCluster() {
        String[] base = {"explain", "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--namespace", "stunner",
            "-g", "udp-gateway", "--listener", "stunner/udp-gateway/udp-listener", "--peer"};
        Run allowed = run(concat(base, "10.244.1.17:9000"));
        assertEquals(0, allowed.code(), allowed.out() + allowed.err());
        assertEquals(1, run(concat(base, "10.244.1.17:9001")).code(), "outside the backend's port");
        assertEquals(1, run(concat(base, "10.244.9.9")).code());
    }

    @Test
    void aGatewayThatIsNotThereIsAnInvalidConfigNamingTheChoices() {
        Run r = run("check", "--kubernetes", "--kubeconfig", kubeconfig.toString(), "-g", "stunner/nope");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("INVALID") && r.err().contains("stunner/udp-gateway"), r.err());
    }

    @Test
    void misusedFlagsAreUsageErrors() {
        Run noK8s = run("check", "--kubeconfig", kubeconfig.toString());
        assertEquals(2, noK8s.code());
        assertTrue(noK8s.err().contains("--kubeconfig " + kubeconfig + ": only with --kubernetes"), noK8s.err());
        Run both = run("check", "--kubernetes", "-c", kubeconfig.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--kubernetes and -c: one config origin at a time"), both.err());
        assertEquals(2, run("--namespace", "stunner", "-d").code(), "the daemon too");
        Run badNs = run("check", "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--namespace", "Not_A_NS");
        assertEquals(2, badNs.code());
        Run missing = run("check", "--kubernetes", "--kubeconfig", tmp.resolve("none").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("cannot read"), missing.err());
    }

    @Test
    void theDaemonDryRunServesTheClustersGateway() throws Exception {
        Main main = new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        picocli.CommandLine cl = new picocli.CommandLine(main);
        Thread t = new Thread(() -> cl.execute("--kubernetes", "--kubeconfig", kubeconfig.toString(), "-d"));
        t.start();
        Thread.sleep(1500);
        main.drainRequested.countDown();
        t.join(10_000);
        assertEquals(0, (int) cl.getExecutionResult(), "dry run in Kubernetes mode ends cleanly");
    }

    @Test
    void theDaemonServesTheClustersGatewayAndWritesItsStatusBack() throws Exception {
        int udp = io.turngate.server.TestGateways.freeUdpPort();
        k8s.apply("""
                apiVersion: stunner.l7mp.io/v1
                kind: Dataplane
                metadata: {name: default}
                spec: {disableHealthCheck: true}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: udp-gateway, namespace: stunner}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners: [{name: udp-listener, port: PORT, protocol: TURN-UDP}]
                """.replace("PORT", Integer.toString(udp)));
        Main main = new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        picocli.CommandLine cl = new picocli.CommandLine(main);
        Thread t = new Thread(() -> cl.execute("--kubernetes", "--kubeconfig", kubeconfig.toString(),
                "-g", "stunner/udp-gateway"), "k8s-daemon");
        t.start();
        try {
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext gateways =
                    new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                            .withGroup("gateway.networking.k8s.io").withVersion("v1").withKind("Gateway")
                            .withPlural("gateways").withNamespaced(true).build();
            java.util.function.Supplier<String> conditions = () -> {
                io.fabric8.kubernetes.api.model.GenericKubernetesResource g = k8s.client().genericKubernetesResources(
                        gateways).inNamespace("stunner").withName("udp-gateway").get();
                Object status = g == null ? null : g.getAdditionalProperties().get("status");
                return String.valueOf(status);
            };
            assertTrue(io.turngate.server.TestGateways.await(() -> conditions.get().contains("Accepted"), 20_000),
                    "the leader wrote the Gateway's status: " + conditions.get());
            try (io.turngate.server.TestTurnClient c = io.turngate.server.TestTurnClient.of(udp, "user-1", "pass-1")) {
                assertTrue(c.allocate().isSuccess(), "the cluster's Gateway is served");
                assertTrue(c.refresh(0).isSuccess(), "and the allocation deleted, so the drain ends at once");
            }
        } finally {
            main.drainRequested.countDown();
            t.join(20_000);
        }
        assertEquals(0, (int) cl.getExecutionResult(), "drained and stopped");
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
