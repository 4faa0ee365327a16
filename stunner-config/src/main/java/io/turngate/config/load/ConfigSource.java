package io.turngate.config.load;

import io.turngate.config.v1.ConfigException;

import java.util.Optional;

/**
 * Where configs come from: a stunnerd config file, Gateway API manifests in a file or a directory, STUNner's config
 * discovery service ({@link io.turngate.config.cds.CdsConfigSource}), and later the Kubernetes API. Every source hands the same thing to the same pipeline: a
 * rendered, validated dataplane config ({@link ConfigSources.Loaded}); the pipeline diffs and applies it (STUNner's
 * one internal form, stunner-compat §1a).
 *
 * <p>Threading: {@link #load} on the caller's thread; {@link Listener} calls from the source's own thread, one at a
 * time and in order.
 */
public interface ConfigSource extends AutoCloseable {
    /** What the source is, for logs ({@code "file /etc/stunnerd/stunnerd.conf"}). */
    String describe();

    /**
     * The current config, read now.
     *
     * @throws ConfigException with every problem when it does not load
     */
    ConfigSources.Loaded load() throws ConfigException;

    /**
     * Starts watching: every change that loads goes to {@link Listener#loaded}, every change that does not to
     * {@link Listener#rejected} (the running config keeps serving). The config {@link #load} returned is not
     * delivered again.
     */
    void watch(Listener listener);

    /**
     * Why the source cannot follow its origin right now (e.g. the Kubernetes API server is unreachable), while the
     * last good config keeps serving; empty while it is healthy. For {@code /ready}'s body and a metric; any thread.
     */
    default Optional<String> degraded() {
        return Optional.empty();
    }

    /** Stops watching; no call reaches the listener afterwards. */
    @Override
    void close();

    /** What a watched source reports. */
    interface Listener {
        /** A new config loaded (it may equal the running one). */
        void loaded(ConfigSources.Loaded config);

        /** A change that does not load: every problem listed. */
        void rejected(ConfigException problems);

        /**
         * Something about the source itself (a file vanished, a connection lost): for the log. A lasting condition
         * is reported once, when it starts, and shows in {@link ConfigSource#degraded()} until it ends.
         */
        default void trouble(String message) {
        }

        /** News about the source that is no problem (connected, reconnected, a push ignored): for the log. */
        default void status(String message) {
        }
    }
}
