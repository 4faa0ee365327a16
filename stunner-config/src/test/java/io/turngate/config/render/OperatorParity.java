package io.turngate.config.render;

import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.endpoints;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with STUNner's gateway operator ({@code l7mp/stunner-gateway-operator} {@code internal/renderer}, read at
 * commit 0e1f157): one test per case of the operator's renderer tests whose outcome shows in the dataplane config,
 * named after the upstream file and case. Inputs and expected outputs are the upstream case's facts; where the
 * upstream case only checks an error or a Service object, the expected config is what the operator's code renders
 * from that input (said in the test). Cases marked "derived" observe a Service-only upstream case through the
 * public address it produces.
 */
final class OperatorParity {
    private OperatorParity() {
    }

    static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.244.0.5");
    static final RenderOptions EDS_OFF = RenderOptions.DEFAULT.withEndpointDiscovery(false).withRelayToClusterIP(false);
    static final RenderOptions RELAY_OFF = RenderOptions.DEFAULT.withRelayToClusterIP(false);

    static RenderedGateway render(RenderOptions o, String yaml) throws ConfigException {
        return new GatewayRenderer(ENV, o).renderGateway(parse(yaml), NS, GW);
    }

    static StunnerConfig config(String yaml) throws ConfigException {
        return render(RenderOptions.DEFAULT, yaml).config();
    }

    static StunnerConfig config(RenderOptions o, String yaml) throws ConfigException {
        return render(o, yaml).config();
    }

    static ListenerConfig listener(StunnerConfig c, String name) {
        return listener(c, GW, name);
    }

    static ListenerConfig listener(StunnerConfig c, String gateway, String name) {
        String full = NS + "/" + gateway + "/" + name;
        return c.listener(full).orElseThrow(() -> new AssertionError("no listener " + full + " in " + c.listeners()));
    }

    static void assertNoListener(StunnerConfig c, String name) {
        assertTrue(c.listener(NS + "/" + GW + "/" + name).isEmpty(), "listener " + name + " must not be rendered");
    }

    static void assertPublic(ListenerConfig l, String address, int port) {
        assertEquals(address, l.publicAddress(), l.name() + " public_address");
        assertEquals(port, l.publicPort(), l.name() + " public_port");
    }

    static void assertNoPublic(ListenerConfig l) {
        assertTrue(l.publicAddress() == null || l.publicAddress().isEmpty(), l.name() + " public_address: "
                + l.publicAddress());
        assertEquals(0, l.publicPort(), l.name() + " public_port");
    }

    static void assertRoutes(ListenerConfig l, String... routes) {
        assertEquals(sorted(List.of(routes)), l.routes(), l.name() + " routes");
    }

    static ClusterConfig cluster(StunnerConfig c, String route) {
        return cluster(c, NS, route);
    }

    static ClusterConfig cluster(StunnerConfig c, String ns, String route) {
        String name = ns + "/" + route;
        return c.cluster(name).orElseThrow(() -> new AssertionError("no cluster " + name + " in " + c.clusters()));
    }

    static void assertCluster(StunnerConfig c, String route, ClusterType type, String... endpoints) {
        ClusterConfig cl = cluster(c, route);
        assertEquals(type, cl.type(), cl.name() + " type");
        assertEquals(sorted(Arrays.asList(endpoints)), sorted(cl.endpoints()), cl.name() + " endpoints");
    }

    static List<String> sorted(List<String> xs) {
        List<String> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s;
    }

    static final String[] EDS4 = {"1.2.3.4", "1.2.3.5", "1.2.3.6", "1.2.3.7"};

    static String[] plus(String[] xs, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(xs));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    static String[] withRange(String[] xs, String range) {
        return Arrays.stream(xs).map(x -> x + range).toArray(String[]::new);
    }
}
