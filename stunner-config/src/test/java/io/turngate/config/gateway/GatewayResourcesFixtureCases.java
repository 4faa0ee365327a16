package io.turngate.config.gateway;

import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GatewayResources} on STUNner's example manifests under {@link #stunnerFixtures()}: the project's own copies
 * ({@link GatewayResourcesTest}) or the upstream files in {@code ../shared} ({@link GatewayResourcesUpstreamTest}).
 */
abstract class GatewayResourcesFixtureCases {
    /** A tree laid out like {@code fixtures/stunner}: {@code cloudretro/}, {@code manifests/}. */
    abstract Path stunnerFixtures();

    @Test
    void cloudRetroDirectoryLoadsWithDuplicateYamlKeyAndSkipsForeignKinds() throws ConfigException {
        Path dir = stunnerFixtures().resolve("cloudretro");
        GatewayResources r = GatewayResources.load(dir);
        assertEquals(1, r.gatewayClasses().size());
        assertEquals(1, r.gatewayConfigs().size());
        assertEquals(1, r.gateways().size());
        assertEquals(1, r.udpRoutes().size());
        assertEquals(3, r.services().size());
        // Namespace cloudretro appears in two files, identically: kept once, no warning
        assertEquals(1, r.namespaces().size());
        assertEquals(List.of(), r.warnings());
        assertEquals(8, r.size()); // ConfigMaps and Deployments are skipped

        GatewayClass gc = r.gatewayClass("stunner-gatewayclass").orElseThrow();
        assertEquals("stunner.l7mp.io/gateway-operator", gc.controllerName());
        assertEquals(new GatewayClass.ParametersRef("stunner.l7mp.io", "GatewayConfig", "stunner-gatewayconfig", "stunner"),
                gc.parametersRef());
        GatewayConfig cfg = r.gatewayConfig("stunner", "stunner-gatewayconfig").orElseThrow();
        assertEquals("static", cfg.authType());
        assertEquals("user-1", cfg.userName());
        assertEquals("pass-1", cfg.password());
        assertFalse(cfg.toString().contains("pass-1"), "toString must not print the password");

        Gateway gw = r.gateway("stunner", "udp-gateway").orElseThrow();
        assertEquals(List.of(new Gateway.Listener("udp-listener", 3478, "TURN-UDP", null, null)), gw.listeners());
        assertEquals("Same", gw.listeners().get(0).allowedRoutes().from());

        UdpRoute route = r.udpRoutes().get(0);
        assertEquals("stunner/worker-udp-route", route.key());
        assertEquals(List.of(new UdpRoute.ParentRef(null, null, null, "udp-gateway", null, null)), route.parentRefs());
        assertEquals(List.of(new UdpRoute.BackendRef(null, null, "worker-ci-udp-svc", "cloudretro", null, null)),
                route.rules().get(0).backendRefs());

        Service svc = r.service("cloudretro", "worker-ci-udp-svc").orElseThrow();
        assertEquals("ClusterIP", svc.type());
        assertNull(svc.clusterIP());
        assertEquals(List.of(new Service.Port(null, "UDP", 8443)), svc.ports());
        assertTrue(svc.origin().toString().endsWith("cloudretro-setup-workers.yaml (document 5)"), svc.origin().toString());
    }

    @Test
    void staticServiceManifestReadsPrefixesAndAnnotations() throws ConfigException {
        GatewayResources r = GatewayResources.load(stunnerFixtures().resolve("manifests/stunner-static-svc.yaml"));
        assertEquals(List.of("0.0.0.0/0"), r.staticService("stunner", "open-svc").orElseThrow().prefixes());
        assertEquals("true", r.gateway("stunner", "tcp-gateway").orElseThrow().metadata().annotations()
                .get(Gateway.ANNOTATION_RELAY_ADDRESS_DISCOVERY));
        assertEquals("all:TRACE", r.gatewayConfigs().get(0).logLevel());
        assertEquals(2, r.gateways().size());
    }
}
