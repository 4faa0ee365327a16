package io.turngate.config.k8s.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.render.GatewayRenderer;
import io.turngate.config.render.RenderStatus;
import io.turngate.config.v1.ConfigException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code kubernetes-server-mock} in CRUD mode that knows the Gateway API and STUNner kinds whose status turngate
 * writes (each with a status subresource, as their CRDs declare), plus helpers to apply the same YAML the renderer
 * reads. Test data is inline; nothing here reads {@code ../shared}.
 */
final class MockCluster implements AutoCloseable {
    static final String GW_GROUP = "gateway.networking.k8s.io";

    static final CustomResourceDefinitionContext GATEWAY_CLASS = crd(GW_GROUP, "v1", "gatewayclasses", "GatewayClass",
            "Cluster");
    static final CustomResourceDefinitionContext GATEWAY = crd(GW_GROUP, "v1", "gateways", "Gateway", "Namespaced");
    static final CustomResourceDefinitionContext UDP_ROUTE = crd("stunner.l7mp.io", "v1", "udproutes", "UDPRoute",
            "Namespaced");
    static final CustomResourceDefinitionContext UDP_ROUTE_V1A2 = crd(GW_GROUP, "v1alpha2", "udproutes", "UDPRoute",
            "Namespaced");

    private static final ObjectMapper JSON = new ObjectMapper();

    final KubernetesMockServer server;
    final KubernetesClient client;

    MockCluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(GATEWAY_CLASS, GATEWAY, UDP_ROUTE, UDP_ROUTE_V1A2)), false);
        server.init();
        client = server.createClient();
    }

    private static CustomResourceDefinitionContext crd(String group, String version, String plural, String kind,
                                                       String scope) {
        return new CustomResourceDefinitionContext.Builder().withName(plural + "." + group).withGroup(group)
                .withVersion(version).withPlural(plural).withKind(kind).withScope(scope).withStatusSubresource(true)
                .build();
    }

    static ResourceDefinitionContext context(GenericKubernetesResource r) {
        String av = r.getApiVersion();
        String kind = r.getKind();
        if (kind.equals("GatewayClass")) {
            return GATEWAY_CLASS;
        }
        if (kind.equals("Gateway")) {
            return GATEWAY;
        }
        if (kind.equals("UDPRoute")) {
            return av.startsWith(GW_GROUP) ? UDP_ROUTE_V1A2 : UDP_ROUTE;
        }
        return null;
    }

    /** Creates (or replaces) every document of {@code yaml} of the kinds that get a status; others are skipped. */
    void apply(String yaml) {
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
            ResourceDefinitionContext ctx = context(r);
            if (ctx == null) {
                continue;
            }
            var op = client.genericKubernetesResources(ctx);
            String ns = r.getMetadata().getNamespace();
            var res = ns == null ? op.resource(r) : op.inNamespace(ns).resource(r);
            GenericKubernetesResource live = ns == null ? op.withName(r.getMetadata().getName()).get()
                    : op.inNamespace(ns).withName(r.getMetadata().getName()).get();
            if (live == null) {
                res.create();
            } else {
                r.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
                res.update();
            }
        }
    }

    GenericKubernetesResource get(ResourceDefinitionContext ctx, String namespace, String name) {
        var op = client.genericKubernetesResources(ctx);
        return namespace == null ? op.withName(name).get() : op.inNamespace(namespace).withName(name).get();
    }

    void delete(ResourceDefinitionContext ctx, String namespace, String name) {
        var op = client.genericKubernetesResources(ctx);
        if (namespace == null) {
            op.withName(name).delete();
        } else {
            op.inNamespace(namespace).withName(name).delete();
        }
    }

    /** The live object's {@code status} as JSON (an empty object when it has none). */
    JsonNode status(ResourceDefinitionContext ctx, String namespace, String name) {
        GenericKubernetesResource r = get(ctx, namespace, name);
        Object s = r == null ? null : r.getAdditionalProperties().get("status");
        return s == null ? JSON.createObjectNode() : JSON.valueToTree(s);
    }

    /** Renders {@code yaml} (the same text applied to the cluster) and returns its statuses. */
    static RenderStatus render(String yaml) throws ConfigException {
        return new GatewayRenderer(Map.of("STUNNER_ADDR", "10.0.0.1")).renderWithStatus(
                GatewayResources.parse(yaml, "cluster.yaml")).status();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
