package io.turngate.config.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.turngate.config.render.OperatorParity.ENV;
import static io.turngate.config.render.OperatorParity.assertNoListener;
import static io.turngate.config.render.OperatorParity.assertPublic;
import static io.turngate.config.render.OperatorParity.assertRoutes;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.listener;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.CERT64;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.KEY64;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.TCP;
import static io.turngate.config.render.OperatorWorld.TLS_SECRET;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.secret;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the operator's {@code internal/renderer/listener_render_test.go} (see {@link OperatorParity}).
 */
@DisplayName("listener_render_test.go")
class ListenerRenderParityTest {
    String tlsGateway(String listeners) {
        return gateway(listeners);
    }

    static final String TLS_REF = "tls: {mode: Terminate, certificateRefs: [{namespace: testnamespace, name: testsecret-ok}]}";

    static String tlsListener(String tls) {
        return "- {name: gateway-1-listener-tls, protocol: TURN-TLS, port: 1, " + tls + "}\n";
    }

    @Test
    @DisplayName("udp listener ok")
    void udpListenerOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().yaml()));
        ListenerConfig l = listener(c, UDP);
        assertEquals(NS + "/" + GW + "/" + UDP, l.name());
        assertEquals(ListenerProtocol.TURN_UDP, l.protocol());
        assertPublic(l, "1.2.3.4", 1);
        assertRoutes(l, NS + "/udproute-ok");
    }

    @Test
    @DisplayName("unknown proto listener errs")
    void unknownProtoListenerErrs() throws ConfigException {
        StunnerConfig c = config(world(gateway("""
                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                - {name: gateway-1-listener-tcp, port: 2, protocol: dummy}
                """), ROUTE));
        assertNoListener(c, TCP);
    }

    @Test
    @DisplayName("tcp listener ok")
    void tcpListenerOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().yaml()));
        ListenerConfig l = listener(c, TCP);
        assertEquals(ListenerProtocol.TURN_TCP, l.protocol());
        assertPublic(l, "1.2.3.4", 2);
        assertRoutes(l);
    }

    @Test
    @DisplayName("listener defaults ok")
    void listenerDefaultsOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().yaml()));
        ListenerConfig l = listener(c, UDP);
        assertEquals(1, l.port());
        assertEquals("10.244.0.5", l.address(), "$STUNNER_ADDR");
        assertRoutes(l, NS + "/udproute-ok");
    }

    @Test
    @DisplayName("wrong proto errs")
    void wrongProtoErrs() throws ConfigException {
        StunnerConfig c = config(world(gateway("""
                - {name: gateway-1-listener-udp, port: 1, protocol: dummy}
                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                """), ROUTE));
        assertNoListener(c, UDP);
    }

    @Test
    @DisplayName("TLS/DTLS listener ok")
    void tlsDtlsListenerOk() throws ConfigException {
        StunnerConfig c = config(world(gateway("""
                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                - {name: gateway-1-listener-tls, protocol: TURN-TLS, port: 2, %1$s}
                - {name: gateway-1-listener-dtls, protocol: TURN-DTLS, port: 3, %1$s}
                """.formatted(TLS_REF)), TLS_SECRET));
        assertEquals("", listener(c, UDP).cert());
        ListenerConfig tls = listener(c, "gateway-1-listener-tls");
        assertEquals(ListenerProtocol.TURN_TLS, tls.protocol());
        assertEquals(CERT64, tls.cert());
        assertEquals(KEY64, tls.key());
        ListenerConfig dtls = listener(c, "gateway-1-listener-dtls");
        assertEquals(ListenerProtocol.TURN_DTLS, dtls.protocol());
        assertEquals(CERT64, dtls.cert());
        assertEquals(KEY64, dtls.key());
    }

    void assertTlsOk(String secret, String tls) throws ConfigException {
        ListenerConfig l = listener(config(world(tlsGateway(tlsListener(tls)), secret)), "gateway-1-listener-tls");
        assertEquals(ListenerProtocol.TURN_TLS, l.protocol());
        assertEquals(CERT64, l.cert());
        assertEquals(KEY64, l.key());
    }

    void assertTlsNotRendered(String secret, String tls) throws ConfigException {
        assertNoListener(config(world(tlsGateway(tlsListener(tls)), secret)), "gateway-1-listener-tls");
    }

    @Test
    @DisplayName("TLS/DTLS listener - wrong secret type ok")
    void wrongSecretTypeOk() throws ConfigException {
        assertTlsOk(secret("testsecret-ok", "Opaque", "{tls.crt: testcert, tls.key: testkey}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - secret namespace optional")
    void secretNamespaceOptional() throws ConfigException {
        assertTlsOk(TLS_SECRET, "tls: {mode: Terminate, certificateRefs: [{name: testsecret-ok}]}");
    }

    @Test
    @DisplayName("TLS/DTLS listener - no secret ref invalid")
    void noSecretRefInvalid() throws ConfigException {
        assertTlsNotRendered(TLS_SECRET,
                "tls: {mode: Terminate, certificateRefs: [{namespace: testnamespace, name: dummy-secret}]}");
    }

    /**
     * The operator renders a Passthrough TLS listener without cert and key; stunnerd refuses a TLS listener
     * without a certificate, so the whole config is refused.
     */
    @Test
    @DisplayName("TLS/DTLS listener - passthrough TLS is not supported")
    void passthroughTlsIsNotSupported() throws Exception {
        String yaml = world(tlsGateway(tlsListener(
                "tls: {mode: Passthrough, certificateRefs: [{namespace: testnamespace, name: testsecret-ok}]}")),
                TLS_SECRET);
        GatewayRenderer r = new GatewayRenderer(ENV);
        JsonNode json = new ObjectMapper().readTree(r.renderJson(parse(yaml), NS, GW));
        JsonNode l = json.at("/listeners/0");
        assertEquals(NS + "/" + GW + "/gateway-1-listener-tls", l.path("name").asText());
        assertEquals("TURN-TLS", l.path("protocol").asText());
        assertFalse(l.has("cert"), "no cert: " + l);
        assertFalse(l.has("key"), "no key: " + l);
        ConfigException e = assertThrows(ConfigException.class, () -> r.renderGateway(parse(yaml), NS, GW));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("Passthrough")), e.problems().toString());
    }

    @Test
    @DisplayName("TLS/DTLS listener - no secret type ok")
    void noSecretTypeOk() throws ConfigException {
        assertTlsOk(secret("testsecret-ok", null, "{tls.crt: testcert, tls.key: testkey}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - opaque secret type ok")
    void opaqueSecretTypeOk() throws ConfigException {
        assertTlsOk(secret("testsecret-ok", "Opaque", "{tls.crt: testcert, tls.key: testkey}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - missing cert ref invalid")
    void missingCertInvalid() throws ConfigException {
        assertTlsNotRendered(secret("testsecret-ok", "kubernetes.io/tls", "{tls.crt: testcert}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - missing key ref invalid")
    void missingKeyInvalid() throws ConfigException {
        assertTlsNotRendered(secret("testsecret-ok", "kubernetes.io/tls", "{tls.key: testkey}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - alternative cert/key data keys")
    void alternativeCertKeyDataKeys() throws ConfigException {
        assertTlsOk(secret("testsecret-ok", "kubernetes.io/tls", "{cert: testcert, key: testkey}"), TLS_REF);
    }

    @Test
    @DisplayName("TLS/DTLS listener - multiple certificate-refs")
    void multipleCertificateRefs() throws ConfigException {
        String refs = "tls: {mode: Terminate, certificateRefs: [{name: dummy-secret}, {name: no-key-secret},"
                + " {name: testsecret-ok}]}";
        assertTlsOk(secret("no-key-secret", "kubernetes.io/tls", "{dummy: dummyval}") + "---\n" + TLS_SECRET, refs);
    }
}
