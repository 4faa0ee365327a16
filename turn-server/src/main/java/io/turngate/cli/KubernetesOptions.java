package io.turngate.cli;

import io.turngate.config.k8s.KubernetesConfigSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Kubernetes mode's flags, shared by the daemon, {@code check} and {@code explain}: {@code --kubernetes} reads the
 * Gateway API from the cluster ({@link KubernetesConfigSource}) instead of {@code -c}; {@code --kubeconfig} and
 * {@code --context} say which cluster (default: the pod's service account); {@code --namespace} limits the candidate
 * Gateways; {@code -g/--gateway} (the command's own flag) picks one.
 */
final class KubernetesOptions {
    @Option(names = "--kubernetes",
            description = "Read STUNner's Gateway API objects (GatewayClass, GatewayConfig, Gateway, UDPRoute,"
                    + " StaticService, Service, EndpointSlice, Node, referenced Secrets) from the Kubernetes API and"
                    + " follow every change (no operator needed). Uses the pod's service account, or --kubeconfig.")
    boolean kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --kubernetes: the kubeconfig file to use (default: the in-cluster service account,"
                    + " else $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "With --kubernetes: the kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "With --kubernetes: serve the Gateway of this namespace (with -g, a bare NAME is looked up"
                    + " here) (default: every namespace).")
    String namespace;

    /** The usage problem with these flags, or {@code null}; {@code otherOrigin} names a competing origin flag. */
    String problem(String otherOrigin) {
        if (!kubernetes) {
            for (String[] f : new String[][] {{"--kubeconfig", kubeconfig == null ? null : kubeconfig.toString()},
                {"--context", context}, {"--namespace", namespace}}) {
                if (f[1] != null) {
                    return f[0] + " " + f[1] + ": only with --kubernetes (expected: --kubernetes " + f[0] + " "
                            + f[1] + ")";
                }
            }
            return null;
        }
        if (otherOrigin != null) {
            return "--kubernetes and " + otherOrigin + ": one config origin at a time (expected: either)";
        }
        if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            return "--namespace: \"" + namespace + "\" (expected: a Kubernetes namespace name)";
        }
        return null;
    }

    /** The source's options: these flags, the Gateway selector, the environment, the first-list wait. */
    KubernetesConfigSource.Options options(String gateway, Map<String, String> env, Duration syncTimeout) {
        return KubernetesConfigSource.Options.defaults().withKubeconfig(kubeconfig, context)
                .withSelection(namespace, gateway).withEnv(env).withTimings(null, syncTimeout, null);
    }
}
