package io.turngate.config.cds;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code -c k8s}: finds the config discovery service through the Kubernetes API as stunnerd does (stunner
 * {@code pkg/config/client/k8s_client.go} {@code DiscoverK8sCDSServer}):
 * <ol>
 *   <li>an explicit address ({@code --cds-server-address}, else {@code CDS_SERVER_ADDR}) is used as it is, with the
 *       port, and the Kubernetes API is never asked;</li>
 *   <li>otherwise the pods labelled {@code stunner.l7mp.io/config-discovery-service=enabled} are listed in
 *       {@code --cds-server-namespace} ({@code CDS_SERVER_NAMESPACE}), or in every namespace when none is given;
 *       exactly one must be found;</li>
 *   <li>a port-forward to that pod's port ({@code --cds-server-port}, {@code CDS_SERVER_PORT}, default 13478) is
 *       opened through the API server, and the CDS is reached at its local end, {@code 127.0.0.1:<ephemeral>}.</li>
 * </ol>
 * Deviations, both for robustness: pods that are being deleted or are not {@code Running} are left out before
 * counting (stunnerd fails on "too many CDS servers" during an operator roll-out), and after a failed attempt the
 * pod is looked up again and a new port-forward opened when it changed (stunnerd exits when its forward breaks).
 * stunnerd reads {@code CDS_SERVER_PORT} with an inverted error check, so there a valid value is ignored; here it
 * is honoured.
 *
 * <p>Why fabric8 and not one {@code GET}: a dataplane pod rarely can reach the operator's pod IP directly through
 * every network policy, so stunnerd port-forwards through the API server, a WebSocket (or SPDY) stream protocol that
 * fabric8 implements; the client also reads the in-cluster service account, {@code KUBECONFIG} and contexts.
 *
 * <p>Threading: one caller at a time (the CDS source's thread).
 */
public final class K8sCdsDiscovery implements CdsServer {
    /** The label the operator puts on its pod (stunner {@code DefaultCDSServiceLabelKey}/{@code ...Value}). */
    public static final String LABEL_KEY = "stunner.l7mp.io/config-discovery-service";
    public static final String LABEL_VALUE = "enabled";
    /** stunner {@code DefaultConfigDiscoveryPort}. */
    public static final int DEFAULT_PORT = 13478;
    /** Environment defaults of the three flags (stunner {@code DefaultCDSServer*Env}). */
    public static final String ADDR_ENV = "CDS_SERVER_ADDR";
    public static final String NAMESPACE_ENV = "CDS_SERVER_NAMESPACE";
    public static final String PORT_ENV = "CDS_SERVER_PORT";

    /**
     * The discovery settings.
     *
     * @param address   explicit CDS address (host or IP), or {@code null} to look in Kubernetes
     * @param namespace namespace of the CDS pod, or {@code null} for every namespace
     * @param port      the CDS port on that pod (or at that address)
     */
    public record Settings(String address, String namespace, int port) {
        /**
         * The flags, each falling back to its environment variable.
         *
         * @throws ConfigException when the port is not 1..65535
         */
        public static Settings of(String addressFlag, String namespaceFlag, String portFlag, Map<String, String> env)
                throws ConfigException {
            String address = orEnv(addressFlag, env, ADDR_ENV);
            String namespace = orEnv(namespaceFlag, env, NAMESPACE_ENV);
            String portText = orEnv(portFlag, env, PORT_ENV);
            int port = DEFAULT_PORT;
            if (portText != null) {
                String from = portFlag != null && !portFlag.isBlank() ? "--cds-server-port" : PORT_ENV;
                if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                    throw new ConfigException(from + ": \"" + portText + "\" (expected: 1..65535)");
                }
                port = Integer.parseInt(portText);
            }
            return new Settings(address, namespace, port);
        }

        private static String orEnv(String flag, Map<String, String> env, String key) {
            if (flag != null && !flag.isBlank()) {
                return flag.trim();
            }
            String v = env == null ? null : env.get(key);
            return v == null || v.isBlank() ? null : v.trim();
        }
    }

    private final Settings settings;
    private final Supplier<KubernetesClient> clients;
    private KubernetesClient client;
    private LocalPortForward forward;
    private volatile String forwardedPod;
    private String forwardedUid;

    /**
     * @param clients makes the Kubernetes client when it is first needed (never with an explicit address); it is
     *                closed with this object
     */
    public K8sCdsDiscovery(Settings settings, Supplier<KubernetesClient> clients) {
        this.settings = settings;
        this.clients = clients;
    }

    @Override
    public synchronized CdsOrigin locate(boolean lastAttemptFailed) throws IOException {
        if (settings.address() != null) {
            try {
                String a = settings.address();
                return CdsOrigin.parse((a.contains(":") && !a.startsWith("[") ? "[" + a + "]" : a) + ":" + settings.port());
            } catch (ConfigException e) {
                throw new IOException("--cds-server-address / " + ADDR_ENV + ": " + String.join("; ", e.problems()));
            }
        }
        if (forward != null && !lastAttemptFailed && forward.isAlive()) {
            return local(forward);
        }
        Pod pod = findPod();
        String uid = pod.getMetadata().getUid();
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (forward != null && forward.isAlive() && !forward.errorOccurred() && key.equals(forwardedPod)
                && (uid == null || uid.equals(forwardedUid))) {
            return local(forward);
        }
        closeForward();
        try {
            forward = client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .portForward(settings.port(), java.net.InetAddress.getLoopbackAddress(), 0); // never on the pod's own IP
        } catch (KubernetesClientException e) {
            throw new IOException("port-forward to pod " + key + " port " + settings.port() + ": " + e.getMessage(), e);
        }
        forwardedPod = key;
        forwardedUid = uid;
        return local(forward);
    }

    /** The one CDS pod (not being deleted, Running). */
    Pod findPod() throws IOException {
        List<Pod> pods;
        String where = settings.namespace() == null ? "any namespace" : "namespace " + settings.namespace();
        try {
            KubernetesClient c = client();
            pods = (settings.namespace() == null ? c.pods().inAnyNamespace().withLabel(LABEL_KEY, LABEL_VALUE)
                    : c.pods().inNamespace(settings.namespace()).withLabel(LABEL_KEY, LABEL_VALUE)).list().getItems();
        } catch (KubernetesClientException e) {
            throw new IOException("listing pods labelled " + LABEL_KEY + "=" + LABEL_VALUE + " in " + where + ": "
                    + e.getMessage(), e);
        }
        List<Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
                && (p.getStatus() == null || p.getStatus().getPhase() == null || "Running".equals(p.getStatus().getPhase())))
                .toList();
        if (live.isEmpty()) {
            throw new IOException("no config discovery service: no running pod labelled " + LABEL_KEY + "="
                    + LABEL_VALUE + " in " + where + (pods.isEmpty() ? "" : " (" + pods.size() + " not running)")
                    + " (expected: STUNner's operator, or --cds-server-address)");
        }
        if (live.size() > 1) {
            throw new IOException(live.size() + " config discovery service pods labelled " + LABEL_KEY + "="
                    + LABEL_VALUE + " in " + where + ": " + live.stream().map(p -> p.getMetadata().getNamespace() + "/"
                    + p.getMetadata().getName()).toList() + " (expected: one; choose with --cds-server-namespace)");
        }
        return live.get(0);
    }

    private KubernetesClient client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    private static CdsOrigin local(LocalPortForward f) {
        java.net.InetAddress a = f.getLocalAddress();
        String host = a == null ? "127.0.0.1" : a.getHostAddress();
        return new CdsOrigin(false, host.contains(":") ? "[" + host + "]" : host, f.getLocalPort());
    }

    @Override
    public String describe() {
        if (settings.address() != null) {
            return settings.address() + ":" + settings.port();
        }
        return forwardedPod != null ? "pod " + forwardedPod + " port " + settings.port() + " (port-forwarded)"
                : "pod labelled " + LABEL_KEY + "=" + LABEL_VALUE + " in "
                + (settings.namespace() == null ? "any namespace" : "namespace " + settings.namespace());
    }

    private void closeForward() {
        if (forward != null) {
            try {
                forward.close();
            } catch (IOException e) {
                // a forward that cannot close is gone anyway
            }
            forward = null;
        }
    }

    @Override
    public synchronized void close() {
        closeForward();
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
