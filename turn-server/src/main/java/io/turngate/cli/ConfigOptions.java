package io.turngate.cli;

import io.turngate.config.cds.CdsConfigSource;
import io.turngate.config.k8s.KubernetesConfigSource;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * {@code -c} and {@code -g} of the {@code check} and {@code explain} commands, or the Kubernetes flags to read the
 * live cluster once, and loading with every problem listed.
 */
final class ConfigOptions {
    /** How long {@code check} and {@code explain} wait for the cluster's first list. */
    static final Duration KUBERNETES_SYNC = Duration.ofSeconds(15);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "stunnerd config, Gateway API manifest file, or directory of manifests; or a config"
                    + " discovery service (http://, ws://, HOST:PORT, k8s), read once (default: $STUNNER_CONFIG_ORIGIN).")
    String config;

    @Option(names = {"-g", "--gateway"}, paramLabel = "NS/NAME", description = "Which Gateway to render when several do;"
            + " with a config discovery service, whose config to get (default: $STUNNER_NAMESPACE/$STUNNER_NAME).")
    String gateway;

    @Mixin
    KubernetesOptions kubernetes;

    /** What was loaded, for the report's first line: the file, or the cluster. */
    private String described;

    /** The loaded config, or {@code null} after printing every problem to stderr under {@code command}'s name. */
    ConfigSources.Loaded load(String command) {
        String k8sProblem = kubernetes.problem(config != null ? "-c" : null);
        if (k8sProblem != null) {
            System.err.println("turngate " + command + ": " + k8sProblem);
            return null;
        }
        if (kubernetes.kubernetes) {
            return loadCluster(command);
        }
        if (config == null || config.isBlank()) {
            config = System.getenv("STUNNER_CONFIG_ORIGIN");
        }
        if (config == null || config.isBlank()) {
            System.err.println("turngate " + command + ": no config (expected: -c FILE, $STUNNER_CONFIG_ORIGIN or"
                    + " --kubernetes)");
            return null;
        }
        described = config;
        try {
            if (Origins.kind(config) != Origins.Kind.FILE) { // one plain GET of Gateway -g (else -i's default)
                try (CdsConfigSource cds = Origins.cds(config, Main.identity(gateway), null, null, null,
                        System.getenv())) {
                    return cds.load();
                }
            }
            return ConfigSources.load(ConfigLoader.pathOf(config), System.getenv(), gateway);
        } catch (ConfigException e) {
            printProblems(command, config, e);
            return null;
        }
    }

    /** The cluster read once: list every watched kind, render, disconnect. */
    private ConfigSources.Loaded loadCluster(String command) {
        try (KubernetesConfigSource source = KubernetesConfigSource.connect(kubernetes.options(gateway,
                System.getenv(), KUBERNETES_SYNC))) {
            described = source.describe();
            return source.load();
        } catch (ConfigException e) {
            printProblems(command, described == null ? "--kubernetes" : described, e);
            return null;
        }
    }

    private static void printProblems(String command, String what, ConfigException e) {
        System.err.println("turngate " + command + ": " + what + ": INVALID");
        for (String p : e.problems()) {
            System.err.println("  - " + p);
        }
    }

    /** The file, or the cluster, {@link #load} read. */
    String described() {
        return described == null ? config : described;
    }
}
