package io.turngate.config.render;

import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.turngate.config.render.OperatorParity.EDS4;
import static io.turngate.config.render.OperatorParity.assertCluster;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.plus;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.ENDPOINTS;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.SLICE;
import static io.turngate.config.render.OperatorWorld.endpoints;
import static io.turngate.config.render.OperatorWorld.slice;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;

/**
 * Parity with the operator's {@code internal/renderer/endpoint_util_test.go} (see {@link OperatorParity}). The
 * "ready endpoint-ips ok" cases call getEndpointAddrs(n, true), which the renderer never does.
 */
@DisplayName("endpoint_util_test.go")
class EndpointUtilParityTest {
    StunnerConfig render(String... docs) throws ConfigException {
        List<String> all = new ArrayList<>(List.of(GATEWAY, ROUTE, svc().yaml()));
        all.addAll(List.of(docs));
        return config(world(all.toArray(new String[0])));
    }

    @Test
    @DisplayName("endpoints: endpoint-ips ok")
    void endpointsOk() throws ConfigException {
        assertCluster(render(ENDPOINTS), "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("endpoints: wrong endpoint object name gives empty addr list")
    void endpointsWrongName() throws ConfigException {
        assertCluster(render(endpoints("dummy", NS)), "udproute-ok", ClusterType.STATIC);
    }

    @Test
    @DisplayName("endpoints: wrong endpoint object namespace gives empty addr list")
    void endpointsWrongNamespace() throws ConfigException {
        assertCluster(render(endpoints("testservice-ok", "dummy")), "udproute-ok", ClusterType.STATIC);
    }

    @Test
    @DisplayName("endpoints: multiple endpoint objects ok")
    void endpointsMultiple() throws ConfigException {
        assertCluster(render(ENDPOINTS, endpoints("dummy", NS)), "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("endpointslice: endpoint-ips ok")
    void sliceOk() throws ConfigException {
        assertCluster(render(SLICE), "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("endpointslice: wrong endpoint object name gives empty addr list")
    void sliceWrongName() throws ConfigException {
        assertCluster(render(slice(NS, "dummy")), "udproute-ok", ClusterType.STATIC);
    }

    @Test
    @DisplayName("endpointslice: wrong endpoint object namespace gives empty addr list")
    void sliceWrongNamespace() throws ConfigException {
        assertCluster(render(slice("dummy", "testservice-ok")), "udproute-ok", ClusterType.STATIC);
    }

    @Test
    @DisplayName("endpointslice: multiple endpoint objects ok")
    void sliceMultiple() throws ConfigException {
        assertCluster(render(SLICE, slice("testendpointslice-ok-2", NS, "testservice-ok",
                "- addresses: [1.2.3.8]\n  conditions: {ready: true, serving: true}\n")),
                "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.2.3.8"));
    }
}
