package io.turngate.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.turngate.config.cds.CdsConfigSource;
import io.turngate.config.cds.CdsOrigin;
import io.turngate.config.cds.CdsServer;
import io.turngate.config.cds.K8sCdsDiscovery;
import io.turngate.config.v1.ConfigException;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a config origin ({@code -c} or {@code STUNNER_CONFIG_ORIGIN}) names, stunnerd's way (stunner-compat §1f): a
 * file or directory ({@code file://} URL or a path), a config discovery service ({@code http(s)://} or
 * {@code ws(s)://} URL, or a bare {@code IP:port} / {@code :port} that is not an existing file), or {@code k8s}
 * (find the CDS through the Kubernetes API).
 */
final class Origins {
    /** {@code STUNNER_NODENAME}: the node this pod runs on, sent to the CDS as {@code node=}. */
    static final String NODE_NAME_ENV = "STUNNER_NODENAME";

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[0-9.]*|[A-Za-z0-9.-]+):\\d{1,5}$");

    /** The kinds of origin. */
    enum Kind {
        FILE, CDS, K8S
    }

    private Origins() {
    }

    static Kind kind(String origin) {
        String o = origin.trim();
        String lower = o.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ws://")
                || lower.startsWith("wss://")) {
            return Kind.CDS;
        }
        if (lower.equals("k8s")) {
            return Kind.K8S;
        }
        if (HOST_PORT.matcher(o).matches() && !new java.io.File(o).exists()) {
            return Kind.CDS;
        }
        return Kind.FILE;
    }

    /**
     * The config discovery service source of a {@link Kind#CDS} or {@link Kind#K8S} origin.
     *
     * @param id          {@code namespace/name} of the Gateway ({@link Main#identity(String)})
     * @param cdsAddress  {@code --cds-server-address} or {@code null} (then {@code CDS_SERVER_ADDR}); {@code k8s} only
     * @param cdsNamespace {@code --cds-server-namespace} or {@code null} (then {@code CDS_SERVER_NAMESPACE})
     * @param cdsPort     {@code --cds-server-port} or {@code null} (then {@code CDS_SERVER_PORT}, else 13478)
     * @throws ConfigException for a malformed origin, id or port
     */
    static CdsConfigSource cds(String origin, String id, String cdsAddress, String cdsNamespace, String cdsPort,
                               Map<String, String> env) throws ConfigException {
        CdsServer server;
        if (kind(origin) == Kind.K8S) {
            // The client reads the in-cluster service account, else KUBECONFIG / ~/.kube/config.
            // No retries inside the client: the CDS source retries every second itself.
            server = new K8sCdsDiscovery(K8sCdsDiscovery.Settings.of(cdsAddress, cdsNamespace, cdsPort, env),
                    () -> new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.autoConfigure(null))
                            .withRequestRetryBackoffLimit(0).build()).build());
        } else {
            server = CdsServer.fixed(CdsOrigin.parse(origin));
        }
        return new CdsConfigSource(server, id, env.get(NODE_NAME_ENV), env, CdsConfigSource.Timing.STUNNERD);
    }
}
