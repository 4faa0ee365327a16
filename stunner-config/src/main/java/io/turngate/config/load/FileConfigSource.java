package io.turngate.config.load;

import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A config file (stunnerd config or Gateway API manifests) or a directory of manifests. Watching a file follows
 * stunnerd: every write reloads, a removed file is waited for (ConfigMap symlink swaps, replace-by-rename;
 * {@link ConfigWatcher}); a directory is polled once a second for a change of its YAML/JSON files.
 */
public final class FileConfigSource implements ConfigSource {
    private final Path path;
    private final Map<String, String> env;
    private final String gatewaySelector;
    private AutoCloseable watching;

    /**
     * @param env             environment for {@code $VAR} expansion
     * @param gatewaySelector {@code ns/name} of the Gateway to render from manifests, or {@code null}
     */
    public FileConfigSource(Path path, Map<String, String> env, String gatewaySelector) {
        this.path = path;
        this.env = env;
        this.gatewaySelector = gatewaySelector;
    }

    @Override
    public String describe() {
        return (Files.isDirectory(path) ? "directory " : "file ") + path;
    }

    @Override
    public ConfigSources.Loaded load() throws ConfigException {
        return ConfigSources.load(path, env, gatewaySelector);
    }

    @Override
    public synchronized void watch(Listener listener) {
        Runnable reload = () -> {
            ConfigSources.Loaded loaded;
            try {
                loaded = load();
            } catch (ConfigException e) {
                listener.rejected(e);
                return;
            }
            listener.loaded(loaded);
        };
        if (Files.isDirectory(path)) {
            watching = pollDirectory(reload);
            return;
        }
        ConfigWatcher w = new ConfigWatcher(path, text -> reload.run(), listener::trouble);
        try {
            w.start(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            w.start();
        }
        watching = w;
    }

    private AutoCloseable pollDirectory(Runnable reload) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turngate-config-watch");
            t.setDaemon(true);
            return t;
        });
        String[] last = {digest(path)};
        ex.scheduleWithFixedDelay(() -> {
            String now = digest(path);
            if (!now.equals(last[0])) {
                last[0] = now;
                reload.run();
            }
        }, 1, 1, TimeUnit.SECONDS);
        return ex::shutdownNow;
    }

    /** A digest of the directory's YAML/JSON files (names and contents), to notice any change. */
    static String digest(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> sorted = files.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted()
                    .collect(Collectors.toList());
            for (Path p : sorted) {
                md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (watching != null) {
            try {
                watching.close();
            } catch (Exception e) {
                // a watcher that cannot stop has nothing left to report
            }
            watching = null;
        }
    }
}
