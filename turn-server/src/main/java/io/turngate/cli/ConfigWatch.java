package io.turngate.cli;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.load.ConfigWatcher;
import io.turngate.config.v1.ConfigException;
import io.turngate.log.Logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code -w}: reconcile on every change of the config file (stunnerd config or Gateway API manifests) or of a
 * directory of manifests. A rejected config is logged with every problem and the running config keeps serving.
 */
final class ConfigWatch {
    private static final Logger LOG = Logs.get("config");

    private ConfigWatch() {
    }

    /**
     * Watches {@code origin} and hands every successfully loaded config to {@code reconcile}; a config that does not
     * load is logged with every problem, reported to {@code invalid} and goes no further (the running config keeps
     * serving).
     */
    static AutoCloseable start(String origin, String gatewaySelector, Consumer<ConfigSources.Loaded> reconcile,
                               Runnable invalid) throws ConfigException {
        Path path = ConfigLoader.pathOf(origin);
        Runnable reload = () -> reload(path, gatewaySelector, reconcile, invalid);
        if (Files.isDirectory(path)) {
            return pollDirectory(path, reload);
        }
        ConfigWatcher w = new ConfigWatcher(path, text -> reload.run(),
                problem -> LOG.warn("watching {}: {}", path, problem));
        try {
            w.start(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            w.start();
        }
        LOG.info("watching {} for changes", path);
        return w;
    }

    static void reload(Path path, String gatewaySelector, Consumer<ConfigSources.Loaded> reconcile, Runnable invalid) {
        ConfigSources.Loaded loaded;
        try {
            loaded = ConfigSources.load(path, System.getenv(), gatewaySelector);
        } catch (ConfigException e) {
            invalid.run();
            LOG.warn("could not reconcile new configuration (running configuration unchanged): {}", e.getMessage());
            return;
        }
        try {
            reconcile.accept(loaded);
        } catch (RuntimeException e) {
            LOG.warn("could not reconcile new configuration (running configuration unchanged): {}", e.toString());
        }
    }

    /** A directory of manifests: poll a digest of its YAML/JSON files once a second. */
    private static AutoCloseable pollDirectory(Path dir, Runnable reload) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turngate-config-watch");
            t.setDaemon(true);
            return t;
        });
        String[] last = {digest(dir)};
        ex.scheduleWithFixedDelay(() -> {
            String now = digest(dir);
            if (!now.equals(last[0])) {
                last[0] = now;
                reload.run();
            }
        }, 1, 1, TimeUnit.SECONDS);
        LOG.info("watching directory {} for changes", dir);
        return ex::shutdownNow;
    }

    private static String digest(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> sorted = files.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted()
                    .collect(Collectors.toList());
            for (Path p : sorted) {
                md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
