package io.turngate.config.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
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
import java.util.function.Consumer;

/**
 * fabric8's mock API server in CRUD mode on loopback, with the project's minimal CRDs registered (test resources
 * {@code k8s/crds.yaml}); objects are written from YAML through the generic API, as {@code kubectl apply} would.
 *
 * <p>Outages: the server can be stopped and started again on the same port with the same objects (its store outlives
 * it), and changed while it is down (through a second server on the same store: another API server replica). The
 * clients of {@link #client()} reach it through a {@link Link}, a TCP relay on a port of its own, which refuses new
 * connections before the server shuts down and accepts them again only once it is back. Without it a watch that
 * reconnected while the mock server was shutting down was accepted and then dropped. When the first request of a
 * watch fails that way (or is refused), fabric8 falls back to a plain HTTP watch, which the mock server does not
 * serve, and that informer never watches again (a real API server serves both kinds of watch). Outage tests
 * therefore stop the server only once every informer watches: an informer's first watch starts after its list.
 */
final class MockCluster implements AutoCloseable {
    private final KubernetesCrudDispatcher store = new KubernetesCrudDispatcher(List.of());
    /** The mock server's own port (the test's writer talks to it directly). */
    private final int port;
    private KubernetesMockServer server;
    /** What the clients of {@link #client()} connect through. */
    private Link link;
    private final List<KubernetesClient> clients = new ArrayList<>();
    /** The test's own client that writes objects (a side server's while the main one is down). */
    private KubernetesClient writer;

    private MockCluster(int port) {
        this.port = port;
    }

    /** A running cluster with the STUNner and Gateway API CRDs (without the v1alpha2 UDPRoute). */
    static MockCluster start() {
        MockCluster c = new MockCluster(freePort());
        c.up();
        c.applyResource("k8s/crds.yaml");
        return c;
    }

    /** A running cluster without any CRD. */
    static MockCluster startWithoutCrds() {
        MockCluster c = new MockCluster(freePort());
        c.up();
        return c;
    }

    /** Creates or updates every object of a file (e.g. a real CRD). */
    void applyFile(java.nio.file.Path file) {
        try {
            apply(java.nio.file.Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void up() {
        server = serverOn(port);
        if (link == null) {
            link = Link.open(freePort(), port);
        } else {
            link.resume();
        }
    }

    private KubernetesMockServer serverOn(int p) {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store,
                false);
        s.init(InetAddress.getLoopbackAddress(), p);
        return s;
    }

    /**
     * A new client of this cluster through its {@link Link} (closed with it), reconnecting after 100 ms at first; a
     * request is retried once, and a connect may take 10 s, as with {@link KubernetesConfigSource#connect}'s own
     * client (a connect that fails under load must not turn a watch into an HTTP watch).
     */
    KubernetesClient client() {
        return clientOn(link.port());
    }

    private KubernetesClient clientOn(int p) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + p)
                .withNamespace("default").withWatchReconnectInterval(100).withWatchReconnectLimit(-1)
                .withRequestTimeout(10000).withConnectionTimeout(10000).withRequestRetryBackoffLimit(1).build();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(c);
        return c;
    }

    /** Creates or updates every object of a test resource. */
    void applyResource(String name) {
        try (InputStream in = MockCluster.class.getClassLoader().getResourceAsStream(name)) {
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
        apply(writer(), yaml);
    }

    private synchronized KubernetesClient writer() {
        if (writer == null) {
            writer = clientOn(port);
        }
        return writer;
    }

    private static void apply(KubernetesClient c, String yaml) {
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
                HasMetadata crd = c.getKubernetesSerialization().convertValue(d,
                        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
                c.resource(crd).createOr(NonDeletingOperation::update);
                continue;
            }
            GenericKubernetesResource r = c.getKubernetesSerialization().convertValue(d, GenericKubernetesResource.class);
            WatchedKind k = kindOf(d.get("apiVersion").asText(), kind);
            if (k.namespaced()) {
                String ns = r.getMetadata().getNamespace() == null ? "default" : r.getMetadata().getNamespace();
                r.getMetadata().setNamespace(ns);
                c.genericKubernetesResources(k.context()).inNamespace(ns).resource(r)
                        .createOr(NonDeletingOperation::update);
            } else {
                c.genericKubernetesResources(k.context()).resource(r).createOr(NonDeletingOperation::update);
            }
        }
    }

    /** Deletes one object ({@code namespace} is ignored for cluster-scoped kinds). */
    void delete(String apiVersion, String kind, String namespace, String name) {
        WatchedKind k = kindOf(apiVersion, kind);
        KubernetesClient c = writer();
        if (k.namespaced()) {
            c.genericKubernetesResources(k.context()).inNamespace(namespace).withName(name).delete();
        } else {
            c.genericKubernetesResources(k.context()).withName(name).delete();
        }
    }

    static WatchedKind kindOf(String apiVersion, String kind) {
        if (kind.equals("Secret")) {
            return WatchedKind.SECRET;
        }
        for (WatchedKind k : WatchedKind.ALL) {
            if (k.kind().equals(kind) && k.apiVersion().equals(apiVersion)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a watched kind: " + apiVersion + " " + kind);
    }

    /**
     * Stops the API server: connections are refused (by the link, first) until {@link #restart}. The connections it
     * had end as the server closes them: its websocket watches end with a close, and fabric8's informers list again
     * once it is back, which is how they catch up here (this mock server does not replay the events a watch missed).
     */
    void stop() {
        link.refuse();
        server.destroy();
    }

    /** Starts the API server again on the same port, with every object it had (and every change made meanwhile). */
    void restart() {
        up();
    }

    /** Changes the objects while the server is down, through a second server on the same store. */
    void whileDown(Consumer<MockCluster> changes) {
        int sidePort = freePort();
        KubernetesMockServer side = serverOn(sidePort);
        KubernetesClient main;
        synchronized (this) {
            main = writer();
            writer = clientOn(sidePort);
        }
        try {
            changes.accept(this);
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
        link.cut();
        server.destroy();
    }

    /**
     * A TCP relay on loopback from {@code port} to the mock server, one pair of copying threads per connection.
     * {@link #refuse} closes the listening socket (a connect is refused at once, as with an API server that is down;
     * relayed connections end when the server closes them); {@link #cut} also closes every relayed connection;
     * {@link #resume} listens on the same port again.
     */
    static final class Link {
        private final int port;
        private final int target;
        private final List<java.net.Socket> open = new ArrayList<>();
        private ServerSocket listening;

        private Link(int port, int target) {
            this.port = port;
            this.target = target;
        }

        static Link open(int port, int target) {
            Link l = new Link(port, target);
            l.resume();
            return l;
        }

        int port() {
            return port;
        }

        synchronized void resume() {
            if (listening != null) {
                return;
            }
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                listening = s;
                Thread t = new Thread(() -> acceptLoop(s), "mock-cluster-link-" + port);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void refuse() {
            if (listening != null) {
                closeQuietly(listening);
                listening = null;
            }
        }

        synchronized void cut() {
            refuse();
            open.forEach(Link::closeQuietly);
            open.clear();
        }

        private void acceptLoop(ServerSocket s) {
            while (!s.isClosed()) {
                java.net.Socket in;
                try {
                    in = s.accept();
                } catch (IOException e) {
                    return; // cut
                }
                java.net.Socket out = new java.net.Socket();
                try {
                    out.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
                } catch (IOException e) {
                    closeQuietly(in);
                    closeQuietly(out);
                    continue;
                }
                synchronized (this) {
                    if (listening != s) { // cut meanwhile
                        closeQuietly(in);
                        closeQuietly(out);
                        return;
                    }
                    open.add(in);
                    open.add(out);
                }
                copy(in, out);
                copy(out, in);
            }
        }

        private void copy(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try (InputStream i = from.getInputStream()) {
                    java.io.OutputStream o = to.getOutputStream();
                    for (int n; (n = i.read(buf)) >= 0; ) {
                        o.write(buf, 0, n);
                        o.flush();
                    }
                } catch (IOException e) {
                    // cut, or the other side closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                    synchronized (this) {
                        open.remove(from);
                        open.remove(to);
                    }
                }
            }, "mock-cluster-link-copy");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
