package io.turngate.config.render;

import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.turngate.config.render.OperatorParity.assertNoPublic;
import static io.turngate.config.render.OperatorParity.assertPublic;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.listener;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.NODE;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.node;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;

/**
 * Parity with the operator's {@code internal/renderer/node_util_test.go} (see {@link OperatorParity}).
 */
@DisplayName("node_util_test.go")
class NodeUtilParityTest {
    String nodePortWorld(String... nodes) {
        List<String> docs = new ArrayList<>(List.of(GATEWAY, svc().owned().type("NodePort").ingress(null).ports(
                "[{name: udp-ok, protocol: UDP, port: 1, nodePort: 30001}]").yaml()));
        docs.addAll(List.of(nodes));
        return world(docs.toArray(new String[0]));
    }

    @Test
    @DisplayName("node-ip ok")
    void nodeIpOk() throws ConfigException {
        assertPublic(listener(config(nodePortWorld(NODE)), UDP), "1.2.3.4", 30001);
    }

    @Test
    @DisplayName("second valid node-ip ok")
    void secondValidNodeIpOk() throws ConfigException {
        StunnerConfig c = config(nodePortWorld(node("testnode-ok", "[{type: InternalIP, address: 255.255.255.255}]"),
                node("node-2", "[{type: InternalIP, address: 255.255.255.255}, {type: ExternalIP, address: 1.2.3.4}]")));
        assertPublic(listener(c, UDP), "1.2.3.4", 30001);
    }

    @Test
    @DisplayName("invalid node-ip gives empty string")
    void invalidNodeIpGivesEmpty() throws ConfigException {
        assertNoPublic(listener(config(nodePortWorld(node("testnode-ok", "[]"))), UDP));
    }

    /** node_util.go / store.GetExternalAddress: ExternalDNS when there is no ExternalIP (no upstream case). */
    @Test
    @DisplayName("(node_util.go) external DNS name when no external IP")
    void externalDnsFallback() throws ConfigException {
        StunnerConfig c = config(nodePortWorld(node("n", "[{type: ExternalDNS, address: node.example.com},"
                + " {type: InternalIP, address: 10.0.0.1}]")));
        assertPublic(listener(c, UDP), "node.example.com", 30001);
    }
}
