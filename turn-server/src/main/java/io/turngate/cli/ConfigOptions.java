package io.turngate.cli;

import io.turngate.config.cds.CdsConfigSource;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import picocli.CommandLine.Option;

/** {@code -c} and {@code -g} of the {@code check} and {@code explain} commands, and loading with every problem listed. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "stunnerd config, Gateway API manifest file, or directory of manifests; or a config"
                    + " discovery service (http://, ws://, HOST:PORT, k8s), read once (default: $STUNNER_CONFIG_ORIGIN).")
    String config;

    @Option(names = {"-g", "--gateway"}, paramLabel = "NS/NAME", description = "Which Gateway to render when several do;"
            + " with a config discovery service, whose config to get (default: $STUNNER_NAMESPACE/$STUNNER_NAME).")
    String gateway;

    /** The loaded config, or {@code null} after printing every problem to stderr under {@code command}'s name. */
    ConfigSources.Loaded load(String command) {
        if (config == null || config.isBlank()) {
            config = System.getenv("STUNNER_CONFIG_ORIGIN");
        }
        if (config == null || config.isBlank()) {
            System.err.println("turngate " + command + ": no config (expected: -c FILE or $STUNNER_CONFIG_ORIGIN)");
            return null;
        }
        try {
            if (Origins.kind(config) != Origins.Kind.FILE) { // one plain GET of Gateway -g (else -i's default)
                try (CdsConfigSource cds = Origins.cds(config, Main.identity(gateway), null, null, null,
                        System.getenv())) {
                    return cds.load();
                }
            }
            return ConfigSources.load(ConfigLoader.pathOf(config), System.getenv(), gateway);
        } catch (ConfigException e) {
            System.err.println("turngate " + command + ": " + config + ": INVALID");
            for (String p : e.problems()) {
                System.err.println("  - " + p);
            }
            return null;
        }
    }
}
