package io.turngate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.turngate.config.gateway.YamlDocuments;
import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode on loopback with the project's minimal CRDs ({@code k8s/crds.yaml}); objects
 * are written from YAML through the generic API. It can be stopped and restarted on the same port with the same
 * objects, and changed while it is down (through a second server on the same store).
 */
final class MockKubernetes implements AutoCloseable {
    /** kind@apiVersion → plural, namespaced. */
    private static final Map<String, ResourceDefinitionContext> KINDS = new HashMap<>();

    static {
        kind("gateway.networking.k8s.io", "v1", "GatewayClass", "gatewayclasses", false);
        kind("gateway.networking.k8s.io", "v1", "Gateway", "gateways", true);
        kind("stunner.l7mp.io", "v1", "GatewayConfig", "gatewayconfigs", true);
        kind("stunner.l7mp.io", "v1", "UDPRoute", "udproutes", true);
        kind("stunner.l7mp.io", "v1", "StaticService", "staticservices", true);
        kind("stunner.l7mp.io", "v1", "Dataplane", "dataplanes", false);
        kind("", "v1", "Service", "services", true);
        kind("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true);
        kind("", "v1", "Node", "nodes", false);
        kind("", "v1", "Secret", "secrets", true);
    }

    private static void kind(String group, String version, String kind, String plural, boolean namespaced) {
        KINDS.put(kind + "@" + (group.isEmpty() ? version : group + "/" + version),
                new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                        .withPlural(plural).withNamespaced(namespaced).build());
    }

    private final KubernetesCrudDispatcher store = new KubernetesCrudDispatcher(List.of());
    private final int port;
    private KubernetesMockServer server;
    private KubernetesClient writer;
    private final List<KubernetesClient> clients = new ArrayList<>();

    private MockKubernetes(int port) {
        this.port = port;
    }

    static MockKubernetes start() {
        MockKubernetes m = new MockKubernetes(freePort());
        m.server = m.serverOn(m.port);
        m.applyResource("k8s/crds.yaml");
        return m;
    }

    private KubernetesMockServer serverOn(int p) {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store,
                false);
        s.init(InetAddress.getLoopbackAddress(), p);
        return s;
    }

    /** The API server's URL. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A client of this cluster (closed with it), reconnecting after 100 ms at first. */
    KubernetesClient client() {
        return clientOn(port);
    }

    private KubernetesClient clientOn(int p) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + p)
                .withNamespace("default").withWatchReconnectInterval(100).withWatchReconnectLimit(-1)
                .withRequestTimeout(10000).withConnectionTimeout(1000).withRequestRetryBackoffLimit(0).build();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(c);
        return c;
    }

    private synchronized KubernetesClient writer() {
        if (writer == null) {
            writer = client();
        }
        return writer;
    }

    void applyResource(String name) {
        try (InputStream in = MockKubernetes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            apply(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates or updates every object of {@code yaml}. */
    void apply(String yaml) {
        KubernetesClient c = writer();
        List<JsonNode> docs;
        try {
            docs = YamlDocuments.read(yaml, "test yaml");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (JsonNode d : docs) {
            if (d == null) {
                continue;
            }
            String kind = d.get("kind").asText();
            if (kind.equals("CustomResourceDefinition")) {
                c.resource(c.getKubernetesSerialization().convertValue(d, CustomResourceDefinition.class))
                        .createOr(NonDeletingOperation::update);
                continue;
            }
            GenericKubernetesResource r = c.getKubernetesSerialization().convertValue(d, GenericKubernetesResource.class);
            ResourceDefinitionContext k = context(d.get("apiVersion").asText(), kind);
            if (k.isNamespaceScoped()) {
                String ns = r.getMetadata().getNamespace() == null ? "default" : r.getMetadata().getNamespace();
                r.getMetadata().setNamespace(ns);
                c.genericKubernetesResources(k).inNamespace(ns).resource(r).createOr(NonDeletingOperation::update);
            } else {
                c.genericKubernetesResources(k).resource(r).createOr(NonDeletingOperation::update);
            }
        }
    }

    void delete(String apiVersion, String kind, String namespace, String name) {
        ResourceDefinitionContext k = context(apiVersion, kind);
        if (k.isNamespaceScoped()) {
            writer().genericKubernetesResources(k).inNamespace(namespace).withName(name).delete();
        } else {
            writer().genericKubernetesResources(k).withName(name).delete();
        }
    }

    private static ResourceDefinitionContext context(String apiVersion, String kind) {
        ResourceDefinitionContext k = KINDS.get(kind + "@" + apiVersion);
        if (k == null) {
            throw new IllegalArgumentException("not a known kind: " + apiVersion + " " + kind);
        }
        return k;
    }

    /** Stops the API server: connections are refused until {@link #restart}. */
    void stop() {
        server.destroy();
    }

    /** Starts it again on the same port with every object (and every change made meanwhile). */
    void restart() {
        server = serverOn(port);
    }

    /** Applies {@code yaml} while the server is down, through a second server on the same store. */
    void applyWhileDown(String yaml) {
        int sidePort = freePort();
        KubernetesMockServer side = serverOn(sidePort);
        KubernetesClient main;
        synchronized (this) {
            main = writer();
            writer = clientOn(sidePort);
        }
        try {
            apply(yaml);
        } finally {
            synchronized (this) {
                writer = main;
            }
            side.destroy();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        server.destroy();
    }
}
