package io.turngate.cli;

import io.turngate.admin.AdminServers;
import io.turngate.admin.Readiness;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.Logs;
import io.turngate.server.Gateway;
import org.slf4j.Logger;

import java.util.function.Consumer;

/**
 * The one place a new config goes, whatever source it came from ({@link ConfigSource}): unchanged configs are
 * skipped; a changed one is reconciled into the gateway (diffed, applied, rolled back on failure:
 * {@link Gateway#apply}), then the admin servers and log levels follow and readiness is granted once a non-zero
 * config runs. A rejected config is logged with every problem and counted; the running config keeps serving.
 *
 * <p>Threading: called by one source's thread at a time.
 */
final class ConfigPipeline implements ConfigSource.Listener {
    private static final Logger LOG = Logs.get("config");

    private final Gateway gateway;
    private final AdminServers admin;
    private final Readiness readiness;
    private final Consumer<String> logLevels;

    ConfigPipeline(Gateway gateway, AdminServers admin, Readiness readiness, Consumer<String> logLevels) {
        this.gateway = gateway;
        this.admin = admin;
        this.readiness = readiness;
        this.logLevels = logLevels;
    }

    @Override
    public void loaded(ConfigSources.Loaded loaded) {
        StunnerConfig next = loaded.config();
        if (next.equals(gateway.config())) {
            LOG.debug("config unchanged");
            return;
        }
        try {
            gateway.apply(next);
        } catch (ConfigException e) {
            LOG.warn("could not reconcile new configuration (running configuration unchanged): {}", e.getMessage());
            return;
        }
        for (String p : admin.apply(next.admin())) {
            LOG.warn("admin endpoints: {} (the previous server keeps serving)", p);
        }
        logLevels.accept(next.admin() == null ? null : next.admin().logLevel());
        loaded.warnings().forEach(LOG::warn);
        if (!Main.isZero(next)) {
            readiness.configApplied();
        }
    }

    @Override
    public void rejected(ConfigException problems) {
        gateway.configRejected();
        LOG.warn("could not reconcile new configuration (running configuration unchanged): {}", problems.getMessage());
    }

    @Override
    public void trouble(String message) {
        LOG.warn("config source: {}", message);
    }

    @Override
    public void status(String message) {
        LOG.info("config source: {}", message);
    }
}
