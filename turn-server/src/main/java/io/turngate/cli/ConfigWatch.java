package io.turngate.cli;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigWatcher;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.Logs;
import io.turngate.server.Gateway;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** {@code -w}: reload the config file on change; a rejected config leaves the running one serving. */
final class ConfigWatch {
    private static final Logger LOG = Logs.get("config");

    private ConfigWatch() {
    }

    static AutoCloseable start(String origin, Gateway gw, Consumer<String> logSpec) throws ConfigException {
        if (origin == null) {
            LOG.warning("-w given without -c: nothing to watch");
            return null;
        }
        Path file = ConfigLoader.pathOf(origin);
        ConfigWatcher w = new ConfigWatcher(file, text -> {
            try {
                StunnerConfig next = ConfigLoader.parse(text, System.getenv());
                gw.apply(next);
                logSpec.accept(next.admin() == null ? null : next.admin().logLevel());
                for (String warning : ConfigLoader.warnings(next)) {
                    LOG.warning(warning);
                }
            } catch (ConfigException e) {
                LOG.warning("could not reconcile new configuration (running configuration unchanged): " + e.getMessage());
            }
        });
        w.start();
        return w;
    }
}
