package io.turngate.config.cds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gateway's config from STUNner's config discovery service (CDS), the way stunnerd's CDS client reads it
 * (stunner {@code pkg/config/client/cds_api.go}; stunner-compat §1b "CDS wire details"):
 * <ul>
 *   <li>{@link #load}: one plain {@code GET /api/v1/configs/NS/NAME[?node=NODE]}; a 404 is an error that quotes
 *       the server's {@code message};</li>
 *   <li>{@link #watch}: a WebSocket on {@code ws://HOST:PORT/api/v1/configs/NS/NAME?[node=NODE&]watch=true} with
 *       {@code Origin: http://HOST:PORT}. Every TEXT frame is one JSON StunnerConfig, parsed like a config file
 *       ({@link ConfigLoader#parse}: {@code $VAR} expanded from the environment, credentials kept as written). An
 *       empty, unparsable or invalid frame goes to {@link Listener#rejected} and the connection stays up; a zero
 *       config (the Gateway was deleted, {@link ZeroConfig}) is ignored, so the running config keeps serving; a
 *       binary frame, a close, an error or silence past the read deadline ends the connection.</li>
 *   <li>Keepalive: a ping (payload {@code keepalive}) every 5 s that must be written within 2 s; a read deadline of
 *       8 s that every frame and every pong resets; 1 s after a connection ends or fails the next attempt starts,
 *       forever ({@link Timing#STUNNERD}).</li>
 * </ul>
 *
 * <p><b>Client library.</b> The JDK's {@link java.net.http.WebSocket} (RFC 6455, maintained with the JDK): no
 * dependency, so this module stays free of Netty, and it answers the server's pings by itself. What it lacks, a read
 * deadline and a write deadline, is a timer here and {@code orTimeout} on the ping's future. Netty's
 * {@code WebSocketClientHandshaker} would bring an event loop group and a pipeline to the config module for one
 * socket.
 *
 * <p><b>Threads.</b> The HTTP client's own threads read the socket and only note the time of every frame and queue
 * complete messages. {@code turngate-cds} (one daemon thread) connects, pings, checks the read deadline and
 * reconnects. {@code turngate-cds-config} (one daemon thread) parses the messages and calls the {@link Listener},
 * one call at a time in the order the frames came, so a slow reconcile never delays a ping or trips the deadline.
 * {@link #close} stops both; no listener call starts afterwards.
 */
public final class CdsConfigSource implements ConfigSource {
    /** Ping payload, as stunnerd's. */
    static final byte[] KEEPALIVE = "keepalive".getBytes(StandardCharsets.US_ASCII);
    /** A message longer than this ends the connection (a config is a few KiB). */
    static final int MAX_MESSAGE_CHARS = 16 * 1024 * 1024;
    /** After the first failed attempt in a row, report every this many more (about once in 30 s at 1 s apart). */
    static final int REPORT_EVERY_FAILURES = 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Keepalive and retry timing.
     *
     * @param pingPeriod     a ping this often
     * @param readDeadline   the connection ends when no frame and no pong came for this long
     * @param writeDeadline  a ping not written within this ends the connection
     * @param retryPeriod    the next attempt this long after a connection ended or failed
     * @param requestTimeout connect timeout of the upgrade and timeout of a plain {@code GET}
     */
    public record Timing(Duration pingPeriod, Duration readDeadline, Duration writeDeadline, Duration retryPeriod,
                         Duration requestTimeout) {
        /** stunnerd's ({@code client.go}: PingPeriod 5 s, PongWait 8 s, WriteWait 2 s, RetryPeriod 1 s). */
        public static final Timing STUNNERD = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(8),
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    private final CdsServer server;
    private final String id;
    private final String namespace;
    private final String name;
    private final String node;
    private final Map<String, String> env;
    private final Timing timing;
    private final HttpClient http;

    private final Object lock = new Object();
    private ScheduledExecutorService timers;
    private ExecutorService delivery;
    private volatile Listener listener;
    private Connection current;
    private volatile boolean closed;
    /** Attempts that failed since the last good connection (timer thread only). */
    private int failures;
    private boolean lastFailed;

    /**
     * @param server where the CDS runs; closed with this source
     * @param id     the dataplane's identity {@code namespace/name} (the Gateway)
     * @param node   the node name sent as {@code node=} ({@code STUNNER_NODENAME}), or {@code null}/empty for none
     * @param env    environment for {@code $VAR} expansion in pushed configs
     * @throws ConfigException when {@code id} is not {@code namespace/name}
     */
    public CdsConfigSource(CdsServer server, String id, String node, Map<String, String> env, Timing timing)
            throws ConfigException {
        String[] parts = id == null ? new String[0] : id.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new ConfigException("id \"" + id + "\" (expected: namespace/name of the Gateway, from -i or"
                    + " STUNNER_NAMESPACE and STUNNER_NAME)");
        }
        this.server = server;
        this.id = id;
        this.namespace = parts[0];
        this.name = parts[1];
        this.node = node == null || node.isEmpty() ? null : node;
        this.env = env == null ? Map.of() : env;
        this.timing = timing;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timing.requestTimeout()).build();
    }

    @Override
    public String describe() {
        return "config discovery service " + server.describe() + " (id " + id + (node == null ? "" : ", node " + node)
                + ")";
    }

    @Override
    public ConfigSources.Loaded load() throws ConfigException {
        CdsOrigin origin;
        try {
            origin = server.locate(false);
        } catch (IOException e) {
            throw new ConfigException(describe() + ": cannot find it: " + message(e));
        }
        URI uri = origin.configUri(namespace, name, node);
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(timing.requestTimeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("GET " + uri + ": " + message(e) + " (expected: a config discovery service)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("GET " + uri + ": interrupted");
        }
        if (r.statusCode() == 404) {
            throw new ConfigException("GET " + uri + ": 404 " + errorMessage(r.body()) + " (expected: the config of"
                    + " Gateway " + id + "; is -i or STUNNER_NAMESPACE/STUNNER_NAME right?)");
        }
        if (r.statusCode() != 200) {
            throw new ConfigException("GET " + uri + ": HTTP " + r.statusCode() + " " + errorMessage(r.body())
                    + " (expected: 200 and a config)");
        }
        return parse(r.body(), "GET " + uri, env);
    }

    /** The {@code message} of a {@code v1.Error} body, else the body itself (trimmed, at most 200 characters). */
    static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.path("message").isTextual()) {
                return n.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: quote the body
        }
        String b = body == null ? "" : body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    /**
     * Reads one config the CDS sent (a {@code GET} body or one complete TEXT message of the watch): parsed like a
     * config file, {@code $VAR} expanded from {@code env}, every problem prefixed with {@code where}.
     *
     * @return the config, or {@code null} for a zero config (the Gateway was deleted: the running config keeps
     *         serving, {@link ZeroConfig})
     * @throws ConfigException when the text is empty, not a config or an invalid one; nothing else escapes
     */
    static ConfigSources.Loaded readFrame(String text, String where, Map<String, String> env) throws ConfigException {
        ConfigSources.Loaded loaded = parse(text, where, env);
        return ZeroConfig.isZero(loaded.config()) ? null : loaded;
    }

    private static ConfigSources.Loaded parse(String text, String where, Map<String, String> env)
            throws ConfigException {
        if (text == null || text.isBlank()) {
            throw new ConfigException(where + ": empty config (expected: one JSON StunnerConfig)");
        }
        StunnerConfig config;
        try {
            config = ConfigLoader.parse(text, env);
        } catch (ConfigException e) {
            List<String> ps = new ArrayList<>();
            e.problems().forEach(p -> ps.add(where + ": " + p));
            throw new ConfigException(ps);
        }
        return new ConfigSources.Loaded(config, ConfigSources.STUNNERD, ConfigLoader.warnings(config));
    }

    @Override
    public void watch(Listener l) {
        synchronized (lock) {
            if (closed || listener != null) {
                throw new IllegalStateException(closed ? "closed" : "already watching");
            }
            listener = l;
            timers = Executors.newSingleThreadScheduledExecutor(daemon("turngate-cds"));
            delivery = Executors.newSingleThreadExecutor(daemon("turngate-cds-config"));
            timers.execute(this::connect);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** One connection attempt (timer thread). */
    private void connect() {
        if (closed) {
            return;
        }
        CdsOrigin origin;
        try {
            origin = server.locate(lastFailed);
        } catch (IOException | RuntimeException e) {
            attemptFailed("cannot find the config discovery service: " + message(e));
            return;
        }
        URI uri = origin.watchUri(namespace, name, node);
        Connection c = new Connection(uri);
        synchronized (lock) {
            if (closed) {
                return;
            }
            current = c;
        }
        try {
            http.newWebSocketBuilder().header("Origin", origin.originHeader())
                    .connectTimeout(timing.requestTimeout()).buildAsync(uri, c)
                    .whenComplete((ws, err) -> {
                        if (err != null) {
                            c.failedToOpen(err);
                        }
                    });
        } catch (RuntimeException e) {
            c.failedToOpen(e);
        }
    }

    /** A connection attempt failed before it opened (any thread): report now and then, retry. */
    private void attemptFailed(String why) {
        schedule(() -> {
            failures++;
            lastFailed = true;
            if (failures == 1 || failures % REPORT_EVERY_FAILURES == 0) {
                report(true, why + (failures == 1 ? "" : " (" + failures + " attempts in a row)")
                        + "; retrying every " + timing.retryPeriod().toMillis() + " ms");
            }
        }, 0);
        schedule(this::connect, timing.retryPeriod().toMillis());
    }

    private void schedule(Runnable r, long delayMillis) {
        ScheduledExecutorService t;
        synchronized (lock) {
            t = timers;
        }
        if (t == null || closed) {
            return;
        }
        try {
            t.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Queues a listener call (in order, on the delivery thread). */
    private void deliver(Runnable call) {
        ExecutorService d;
        synchronized (lock) {
            d = delivery;
        }
        if (d == null || closed) {
            return;
        }
        try {
            d.execute(() -> {
                if (!closed) {
                    call.run();
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void report(boolean trouble, String message) {
        Listener l = listener;
        deliver(() -> {
            if (trouble) {
                l.trouble(describe() + ": " + message);
            } else {
                l.status(describe() + ": " + message);
            }
        });
    }

    /** One complete TEXT message (delivery thread). */
    private void handle(String text, URI from) {
        ConfigSources.Loaded loaded;
        try {
            loaded = readFrame(text, "config from " + from, env);
        } catch (ConfigException e) {
            listener.rejected(e);
            return;
        }
        if (loaded == null) {
            listener.status(describe() + ": ignoring a zero config (the Gateway was deleted): the running config"
                    + " keeps serving");
            return;
        }
        listener.loaded(loaded);
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    @Override
    public void close() {
        Connection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = current;
            current = null;
            if (timers != null) {
                timers.shutdownNow();
            }
            if (delivery != null) {
                delivery.shutdown(); // queued calls see closed and skip; a reconcile under way is not interrupted
            }
        }
        if (c != null) {
            c.close();
        }
        server.close();
    }

    /**
     * One WebSocket connection. The JDK calls the listener methods one at a time on its own threads; the timers run
     * on {@code turngate-cds}; {@link #end} runs once.
     */
    private final class Connection implements WebSocket.Listener {
        private final URI uri;
        private final StringBuilder text = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile WebSocket ws;
        private volatile long lastRead;
        private volatile ScheduledFuture<?> pinger;

        Connection(URI uri) {
            this.uri = uri;
        }

        private void touch() {
            lastRead = System.nanoTime();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            if (ended.get() || closed) { // closed while the upgrade was under way
                webSocket.abort();
                return;
            }
            touch();
            webSocket.request(Long.MAX_VALUE); // messages are queued for the delivery thread: no back-pressure here
            schedule(() -> {
                int before = failures;
                failures = 0;
                lastFailed = false;
                report(false, "connected to " + uri + (before == 0 ? "" : " after " + before + " failed attempt(s)"));
                if (ended.get()) {
                    return;
                }
                ScheduledExecutorService t;
                synchronized (lock) {
                    t = timers;
                }
                try {
                    long p = timing.pingPeriod().toMillis();
                    pinger = t.scheduleAtFixedRate(this::ping, p, p, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    return;
                }
                checkDeadline();
            }, 0);
        }

        private void ping() {
            WebSocket w = ws;
            if (ended.get() || w == null) {
                return;
            }
            try {
                w.sendPing(ByteBuffer.wrap(KEEPALIVE))
                        .orTimeout(timing.writeDeadline().toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((x, err) -> {
                            if (err != null) {
                                end("could not ping: " + message(err));
                            }
                        });
            } catch (RuntimeException e) {
                end("could not ping: " + message(e));
            }
        }

        private void checkDeadline() {
            if (ended.get()) {
                return;
            }
            long idle = System.nanoTime() - lastRead;
            long deadline = timing.readDeadline().toNanos();
            if (idle >= deadline) {
                end("no frame and no pong for " + timing.readDeadline().toMillis() + " ms (read deadline)");
                return;
            }
            schedule(this::checkDeadline, TimeUnit.NANOSECONDS.toMillis(deadline - idle) + 1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            touch();
            if (text.length() + data.length() > MAX_MESSAGE_CHARS) {
                text.setLength(0);
                end("a message over " + MAX_MESSAGE_CHARS + " characters");
                return null;
            }
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                deliver(() -> handle(message, uri));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            touch();
            end("unexpected binary frame (expected: text frames, one JSON config each)");
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            touch(); // the JDK answers with a pong itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            touch();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("the server closed the connection (" + statusCode + (reason == null || reason.isEmpty() ? "" : " "
                    + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("connection error: " + message(error));
        }

        void failedToOpen(Throwable err) {
            if (ended.compareAndSet(false, true)) {
                attemptFailed("cannot connect to " + uri + ": " + message(err));
            }
        }

        /** Ends this connection and schedules the next attempt. */
        void end(String why) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            stop();
            if (closed) {
                return;
            }
            report(true, "connection to " + uri + " lost: " + why + "; reconnecting in "
                    + timing.retryPeriod().toMillis() + " ms");
            schedule(() -> lastFailed = true, 0);
            schedule(CdsConfigSource.this::connect, timing.retryPeriod().toMillis());
        }

        private void stop() {
            ScheduledFuture<?> p = pinger;
            if (p != null) {
                p.cancel(false);
            }
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }

        /** {@link CdsConfigSource#close}: a close frame if it can go at once, then the socket. */
        void close() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            WebSocket w = ws;
            ScheduledFuture<?> p = pinger;
            if (p != null) {
                p.cancel(false);
            }
            if (w != null) {
                try {
                    w.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(1, TimeUnit.SECONDS)
                            .whenComplete((x, err) -> w.abort());
                } catch (RuntimeException e) {
                    w.abort();
                }
            }
        }
    }
}
