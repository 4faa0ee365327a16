package io.turngate.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak and leak check: turngate (the built jar, started here with {@code -w}) holds N allocations that stream
 * ChannelData at a fixed total rate to an echo peer on loopback, for a long time, while its config is rewritten
 * every {@code --reload-every} and C allocations a second are deleted (Refresh with LIFETIME 0, RFC 8656 §7.2) and
 * replaced by new ones (Allocate, ChannelBind: RFC 8656 §7.1, §12.1), so N stays constant. Every
 * {@code --report-every} and at the end it reads the server from outside ({@link SoakServer}): heap after a full GC,
 * RSS, descriptors, threads, active allocations, direct buffers, and the probes sent, echoed and lost in that
 * interval; it prints a table, writes JSON and gives a verdict ({@link SoakReport}). Exit status 0 when flat, 1 when
 * not, 2 on bad options or when the soak could not run.
 *
 * <p>The clients are the load generator's own ({@link ClientAllocation}, {@link Worker}, {@link EchoPeer}, the
 * sockets of {@link LoadGenerator#clientBootstrap}), in the fixed-rate mode; churn adds to and removes from a
 * worker's rotation ({@link Worker#admit}, {@link Worker#retire}).
 *
 * <p><b>Threading:</b> as in the load generator, every allocation belongs to its worker's event loop; the churn runs
 * as a scheduled task on each loop, over that worker's allocations; the main thread reads the server, takes
 * snapshots through tasks and rewrites the config. Traffic goes to 127.0.0.1 only.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Soak and leak check of turngate: N allocations at a fixed rate, config reloads and churn; "
                + "heap after GC, RSS, fds, threads and loss every interval; exit 1 unless flat.")
public final class Soak implements Callable<Integer> {

    /** After retiring an allocation from the rotation, wait this long for its last echoes before deleting it. */
    static final Duration RETIRE_GRACE = Duration.ofMillis(500);
    /** Churn runs this many times a second on each worker. */
    static final int CHURN_TICKS_PER_SECOND = 10;

    @Option(names = "--jar", description = "turngate's jar (default: ${DEFAULT-VALUE}).")
    Path jar = Path.of("turn-server/target/turngate.jar");
    @Option(names = "--allocations", description = "Allocations held, 1..10000 (default: ${DEFAULT-VALUE}).")
    int allocations = 10_000;
    @Option(names = "--rate", description = "Total ChannelData probes/s towards the server (default: ${DEFAULT-VALUE}).")
    long rate = 20_000;
    @Option(names = "--payload", description = "Probe bytes, 32..1400 (default: ${DEFAULT-VALUE}).")
    int payload = 100;
    @Option(names = "--duration", converter = Durations.class, description = "How long, at most 24h (default: 30m).")
    Duration duration = Duration.ofMinutes(30);
    @Option(names = "--churn", description = "Allocations deleted and made anew per second (default: ${DEFAULT-VALUE}).")
    int churn = 100;
    @Option(names = "--reload-every", converter = Durations.class,
            description = "Config rewrite interval; 0 = never (default: 30s).")
    Duration reloadEvery = Duration.ofSeconds(30);
    @Option(names = "--report-every", converter = Durations.class, description = "Reading interval (default: 1m).")
    Duration reportEvery = Duration.ofMinutes(1);
    @Option(names = "--warmup", converter = Durations.class, description = "Readings before this are not judged; "
            + "the first at or after it is the baseline (default: 1m).")
    Duration warmup = Duration.ofMinutes(1);
    @Option(names = "--threads", description = "Event loops of the generator (default: ${DEFAULT-VALUE}).")
    int threads = 1;
    @Option(names = "--concurrency", description = "Handshakes in flight while making the first N "
            + "(default: ${DEFAULT-VALUE}).")
    int concurrency = 256;
    @Option(names = "--server-java-opts", split = " ", description = "JVM options of turngate, space-separated, "
            + "e.g. \"-Dio.netty.leakDetection.level=paranoid\" (default: none).")
    List<String> serverJavaOpts = new ArrayList<>();
    @Option(names = "--out", description = "Directory for soak.json, the server's log and its config "
            + "(default: benchmarks/target/soak-<time>).")
    Path out;
    @Option(names = "--fd-slack", description = "fds rule: allowed growth, at least this many "
            + "(default: ${DEFAULT-VALUE}).")
    long fdSlack = 16;
    @Option(names = "--fd-percent", description = "fds rule: allowed growth in %% of the baseline, when more than "
            + "--fd-slack (default: ${DEFAULT-VALUE}).")
    double fdPercent = 2;
    @Option(names = "--thread-slack", description = "threads rule: allowed growth (default: ${DEFAULT-VALUE}).")
    long threadSlack = 4;
    @Option(names = "--heap-percent", description = "heap rule: last third's mean at most this %% above the second "
            + "third's (default: ${DEFAULT-VALUE}).")
    double heapPercent = 10;
    @Option(names = "--max-loss", description = "loss rule: %% of probes lost after the warm-up "
            + "(default: ${DEFAULT-VALUE}).")
    double maxLossPercent = 0.1;
    @Option(names = "--fail-on", split = ",", description = "Rules that decide the verdict; the others are reported "
            + "(default: fds,threads,heap,loss,allocations,reloads,leaks).")
    Set<String> failOn = new LinkedHashSet<>(List.of("fds", "threads", "heap", "loss", "allocations", "reloads",
            "leaks"));

    static final Set<String> RULES = Set.of("fds", "threads", "heap", "loss", "allocations", "reloads", "leaks");

    private final PrintStream stdout;
    private final PrintStream err;

    public Soak() {
        this(System.out, System.err);
    }

    Soak(PrintStream stdout, PrintStream err) {
        this.stdout = stdout;
        this.err = err;
    }

    public static void main(String[] args) {
        if (System.getProperty("io.netty.recycler.maxCapacityPerThread") == null) {
            System.setProperty("io.netty.recycler.maxCapacityPerThread", "0"); // as LoadGenerator.main
        }
        // Later options win, so benchmarks/soak.sh --ci can be followed by overrides of its values.
        System.exit(new CommandLine(new Soak()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    List<String> validate() {
        List<String> p = new ArrayList<>();
        if (allocations < 1 || allocations > LoadGenerator.MAX_ALLOCATIONS) {
            p.add("--allocations: found " + allocations + " (expected: 1.." + LoadGenerator.MAX_ALLOCATIONS + ")");
        }
        if (rate < 1) {
            p.add("--rate: found " + rate + " (expected: 1 or more probes/s)");
        }
        if (payload < Wire.PROBE_MIN_LENGTH || payload > LoadGenerator.MAX_PAYLOAD) {
            p.add("--payload: found " + payload + " (expected: " + Wire.PROBE_MIN_LENGTH + ".."
                    + LoadGenerator.MAX_PAYLOAD + ")");
        }
        if (duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            p.add("--duration: found " + Durations.format(duration) + " (expected: more than 0, at most 24h)");
        }
        if (churn < 0 || churn > allocations) {
            p.add("--churn: found " + churn + " (expected: 0.." + allocations + " per second)");
        }
        if (reportEvery.compareTo(Duration.ofSeconds(5)) < 0) {
            p.add("--report-every: found " + Durations.format(reportEvery) + " (expected: at least 5s)");
        }
        if (warmup.compareTo(duration) >= 0) {
            p.add("--warmup: found " + Durations.format(warmup) + " (expected: less than --duration "
                    + Durations.format(duration) + ")");
        }
        if (threads < 1 || threads > 16) {
            p.add("--threads: found " + threads + " (expected: 1..16)");
        }
        for (String r : failOn) {
            if (!RULES.contains(r)) {
                p.add("--fail-on: found \"" + r + "\" (expected: a comma-separated list of " + RULES + ")");
            }
        }
        if (!Files.isRegularFile(jar)) {
            p.add("--jar: " + jar + " not found (expected: turngate's jar; mvn -B -DskipTests package -pl benchmarks "
                    + "-am builds it)");
        }
        return p;
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("soak: " + p));
            return 2;
        }
        Path dir = out != null ? out : Path.of("benchmarks", "target", "soak-"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", ""));
        Files.createDirectories(dir);
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret); // in the server's config only, never printed
        try (SoakServer server = new SoakServer(jar.toAbsolutePath(), dir, serverJavaOpts, password)) {
            Thread hook = new Thread(() -> {
                try {
                    server.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "soak-stop-server");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return new Run(server, dir, password).execute();
            } catch (java.io.IOException e) {
                err.println("soak: " + e.getMessage());
                return 2;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down: the hook stops the server
                }
            }
        }
    }

    /** One soak; holds the generator's Netty resources and closes them whatever happens. */
    private final class Run {
        private final SoakServer server;
        private final Path dir;
        private final String password;
        private final List<Worker> workers = new ArrayList<>();
        private final List<Churn> churns = new ArrayList<>();
        private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<SoakReport.Sample> samples = new ArrayList<>();
        private boolean epoll;
        private long reloadsWritten;

        Run(SoakServer server, Path dir, String password) {
            this.server = server;
            this.dir = dir;
            this.password = password;
        }

        int execute() throws Exception {
            Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            err.println("soak: starting " + String.join(" ", server.command()));
            server.start(Duration.ofSeconds(60));
            err.printf(Locale.ROOT, "soak: %s ready; log %s%n", server, server.log());

            epoll = Epoll.isAvailable();
            boolean gso = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
            RunSettings settings = new RunSettings(server.address(), SoakServer.USER, password,
                    RunSettings.Mode.CHANNEL, payload, rate, 1, threads, 100, 200, 500, 6, 0, gso,
                    RunSettings.Transport.UDP);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                    epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            List<Channel> peerChannels = new ArrayList<>();
            try {
                Iterator<io.netty.util.concurrent.EventExecutor> loops = group.iterator();
                for (int i = 0; i < threads; i++) {
                    workers.add(new Worker(i, (EventLoop) loops.next(), settings));
                }
                List<InetSocketAddress> peers = new ArrayList<>();
                for (Worker w : workers) {
                    Channel ch = LoadGenerator.peerBootstrap(epoll, w, settings)
                            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
                    peerChannels.add(ch);
                    peers.add((InetSocketAddress) ch.localAddress());
                }
                return soak(settings, peers, startedAt);
            } finally {
                for (Worker w : workers) {
                    w.loop.submit(() -> {
                        for (ClientAllocation a : w.allocations) {
                            if (a.channel() != null) {
                                a.channel().close();
                            }
                        }
                    }).await(10, TimeUnit.SECONDS);
                }
                for (Channel c : peerChannels) {
                    c.close();
                }
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }

        private int soak(RunSettings settings, List<InetSocketAddress> peers, Instant startedAt) throws Exception {
            // ---- the first N allocations ------------------------------------------------------------------------
            long t0 = System.nanoTime();
            List<ClientAllocation> first = new ArrayList<>(allocations);
            for (int i = 0; i < allocations; i++) {
                Worker w = workers.get(i % threads);
                first.add(new ClientAllocation(i, w, peers.get(i % threads)));
            }
            List<io.netty.channel.ChannelFuture> connects = new ArrayList<>();
            for (ClientAllocation a : first) {
                connects.add(LoadGenerator.clientBootstrap(epoll, a, settings, allocations)
                        .connect(settings.server(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
                if (connects.size() >= 512) {
                    for (var f : connects) {
                        f.sync();
                    }
                    connects.clear();
                }
            }
            for (var f : connects) {
                f.sync();
            }
            Duration handshakeTimeout = Duration.ofSeconds(120);
            int allocated = LoadGenerator.runPhase("allocate", workers, first, ClientAllocation::allocate,
                    concurrency, handshakeTimeout, notes, err);
            int ready = LoadGenerator.runPhase("channel-bind", workers, first, ClientAllocation::bind, concurrency,
                    handshakeTimeout, notes, err);
            err.printf(Locale.ROOT, "soak: %d/%d allocated, %d bound in %.1f s%n", allocated, allocations, ready,
                    (System.nanoTime() - t0) / 1e9);
            if (ready < allocations) {
                err.println("soak: not every allocation could be made: " + notes);
                return 2;
            }
            for (Worker w : workers) {
                Churn c = new Churn(w, peers.get(w.id), settings, churnShare(w.id), allocations / threads
                        + (w.id < allocations % threads ? 1 : 0), epoll);
                churns.add(c);
                w.loop.submit(() -> {
                    w.allocations.addAll(first.stream().filter(a -> a.worker == w).toList());
                    c.live.addAll(w.allocations);
                }).sync();
            }

            // ---- traffic, churn, reloads, readings --------------------------------------------------------------
            for (Worker w : workers) {
                w.loop.submit(() -> w.startEpoch(Worker.EPOCH_MEASURE, Long.MAX_VALUE)).sync();
            }
            for (Churn c : churns) {
                c.worker.loop.submit(c::start).sync();
            }
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long nextReport = start + reportEvery.toNanos();
            long nextReload = reloadEvery.isZero() ? Long.MAX_VALUE : start + reloadEvery.toNanos();
            Worker.Snapshot last = snapshot();
            stdout.printf(Locale.ROOT, "soak: %d allocations, %d probes/s of %d B, churn %d/s, config rewrite every "
                            + "%s, %s; readings every %s, warm-up %s%n", allocations, rate, payload, churn,
                    reloadEvery.isZero() ? "never" : Durations.format(reloadEvery), Durations.format(duration),
                    Durations.format(reportEvery), Durations.format(warmup));
            stdout.println(SoakReport.header());
            while (true) {
                long now = System.nanoTime();
                if (!server.alive()) {
                    notes.add("turngate exited during the soak");
                    break;
                }
                if (now >= nextReload && now < end) {
                    List<String> endpoints = server.reload();
                    reloadsWritten++;
                    nextReload += reloadEvery.toNanos();
                    err.printf(Locale.ROOT, "soak: [%.0fs] config rewritten: cluster soak-peers endpoints %s%n",
                            (now - start) / 1e9, endpoints);
                }
                if (now >= nextReport || now >= end) {
                    last = reading(start, last);
                    nextReport += reportEvery.toNanos();
                    if (now >= end) {
                        break;
                    }
                }
                long wake = Math.min(Math.min(nextReport, nextReload), end);
                long sleep = Math.max(1, Math.min(wake - System.nanoTime(), 1_000_000_000L));
                TimeUnit.NANOSECONDS.sleep(sleep);
            }

            // ---- stop: churn, then traffic; let Netty's leak detector report; delete everything -------------------
            for (Churn c : churns) {
                c.worker.loop.submit(c::stop).sync();
            }
            Thread.sleep(RETIRE_GRACE.toMillis() * 3); // pending churn deletes finish
            if (server.alive()) {
                server.jcmd("GC.run"); // leaked buffers found by this GC are reported on the next allocations ...
                Thread.sleep(2000);    // ... which the traffic still running makes
            }
            for (Worker w : workers) {
                w.loop.submit(w::stopSending).sync();
            }
            Thread.sleep(300);
            List<ClientAllocation> all = new ArrayList<>();
            for (Worker w : workers) {
                w.loop.submit(() -> all.addAll(w.allocations)).sync();
            }
            int deleted = LoadGenerator.runPhase("delete", workers, all, ClientAllocation::delete, concurrency,
                    Duration.ofSeconds(60), notes, err);
            long leaks = server.leakReports();
            long churnFailed = churns.stream().mapToLong(c -> c.failed.get()).sum();
            if (churnFailed > 0) {
                notes.add(churnFailed + " churn step(s) failed (an Allocate, ChannelBind or Refresh that did not "
                        + "succeed): " + churns.stream().map(c -> c.firstFailure).filter(s -> s != null)
                        .findFirst().orElse(""));
            }

            SoakReport.Rules rules = new SoakReport.Rules(warmup.toNanos() / 1e9, fdSlack, fdPercent, threadSlack,
                    heapPercent, maxLossPercent, allocations, 2L * churn + Math.max(2, allocations / 100));
            List<SoakReport.Sample> judged = new ArrayList<>(samples);
            if (!judged.isEmpty() && leaks > judged.get(judged.size() - 1).leakReports()) {
                SoakReport.Sample s = judged.remove(judged.size() - 1); // LEAK: lines written after the last reading
                judged.add(new SoakReport.Sample(s.seconds(), s.heapUsedAfterGcKb(), s.rssKb(), s.fds(), s.threads(),
                        s.sent(), s.received(), s.lost(), s.allocationsActive(), s.directBytes(), s.directBuffers(),
                        s.reloadsWritten(), s.configsApplied(), s.configsRejected(), leaks, s.churnDeleted(),
                        s.churnCreated(), s.churnFailed()));
            }
            SoakReport.Verdict verdict = SoakReport.judge(judged, rules, failOn);
            if (!server.alive()) {
                verdict = new SoakReport.Verdict(false, verdict.checks());
            }
            stdout.println("verdict: " + verdict.line());
            for (SoakReport.Check c : verdict.checks()) {
                stdout.printf(Locale.ROOT, "  %-11s %-4s %s%n", c.name(), c.status(), c.detail());
            }
            stdout.printf(Locale.ROOT, "  deleted %d/%d at the end; churn failures %d%n", deleted, all.size(),
                    churnFailed);
            for (String n : notes) {
                stdout.println("  note: " + n);
            }
            if (judged.stream().allMatch(s -> s.directBytes() < 0)) {
                notes.add("direct memory: the server's /metrics has no jvm_buffer_memory_used_bytes{id=\"direct\"}");
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("tool", "turngate-soak");
            json.put("startedAt", startedAt.toString());
            json.put("server", Map.of("pid", server.pid(), "command", server.command(), "log", server.log()
                    .toString(), "config", server.config().toString()));
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("allocations", allocations);
            cfg.put("ratePps", rate);
            cfg.put("payload", payload);
            cfg.put("durationSeconds", duration.toNanos() / 1e9);
            cfg.put("churnPerSecond", churn);
            cfg.put("reloadEverySeconds", reloadEvery.toNanos() / 1e9);
            cfg.put("reportEverySeconds", reportEvery.toNanos() / 1e9);
            cfg.put("warmupSeconds", warmup.toNanos() / 1e9);
            cfg.put("reloadChange", "cluster soak-peers endpoints [127.0.0.1] <-> [127.0.0.1, 127.0.0.2] "
                    + "(in place: no listener restart)");
            cfg.put("threads", threads);
            json.put("config", cfg);
            json.put("rules", rules);
            json.put("failOn", failOn);
            json.put("samples", judged);
            json.put("verdict", Map.of("flat", verdict.flat(), "line", verdict.line(), "checks", verdict.checks()));
            json.put("deletedAtEnd", deleted);
            json.put("notes", List.copyOf(notes));
            Path jsonFile = dir.resolve("soak.json");
            Files.writeString(jsonFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
            stdout.println("soak: report " + jsonFile + ", server log " + server.log());
            return verdict.flat() ? 0 : 1;
        }

        private double churnShare(int worker) {
            return churn / (double) threads;
        }

        private Worker.Snapshot snapshot() throws Exception {
            long sent = 0, delivered = 0;
            for (Worker w : workers) {
                Worker.Snapshot s = w.loop.submit(() -> w.snapshot(false)).get(10, TimeUnit.SECONDS);
                sent += s.sent();
                delivered += s.delivered();
            }
            return new Worker.Snapshot(sent, 0, delivered, 0, 0, 0, 0, 0);
        }

        /** Reads the server, takes the interval's packet counts, prints and keeps one sample. */
        private Worker.Snapshot reading(long start, Worker.Snapshot last) throws Exception {
            Worker.Snapshot now = snapshot();
            double seconds = (System.nanoTime() - start) / 1e9;
            SoakServer.Reading r = server.read();
            long sent = now.sent() - last.sent();
            long received = now.delivered() - last.delivered();
            long deleted = churns.stream().mapToLong(c -> c.deleted.get()).sum();
            long created = churns.stream().mapToLong(c -> c.created.get()).sum();
            long failed = churns.stream().mapToLong(c -> c.failed.get()).sum();
            SoakReport.Sample s = new SoakReport.Sample(Math.round(seconds), r.heapUsedAfterGcKb(), r.rssKb(),
                    r.fds(), r.threads(), sent, received, sent - received, r.allocationsActive(), r.directBytes(),
                    r.directBuffers(), reloadsWritten, r.configsApplied(), r.configsRejected(), r.leakReports(),
                    deleted, created, failed);
            samples.add(s);
            stdout.println(SoakReport.row(s));
            return now;
        }
    }

    /**
     * The churn of one worker, on its loop: {@link #CHURN_TICKS_PER_SECOND} times a second it retires a share of
     * its allocations chosen at random (so some live long enough to be refreshed, as in real use), deletes each
     * after {@link #RETIRE_GRACE} and closes its socket, and makes as many new ones (socket, Allocate, ChannelBind,
     * then into the rotation). New ones are also made for any that failed, so the worker keeps its target.
     */
    private final class Churn {
        final Worker worker;
        final InetSocketAddress peer;
        final RunSettings settings;
        final double perSecond;
        final int target;
        final boolean epoll;
        /** This worker's allocations in the rotation (loop-owned). */
        final List<ClientAllocation> live = new ArrayList<>();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong created = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile String firstFailure;
        private final Random random = new Random(42);
        private int making;
        private double owed;
        private int nextIndex;
        private io.netty.util.concurrent.ScheduledFuture<?> tick;

        Churn(Worker worker, InetSocketAddress peer, RunSettings settings, double perSecond, int target,
              boolean epoll) {
            this.worker = worker;
            this.epoll = epoll;
            this.peer = peer;
            this.settings = settings;
            this.perSecond = perSecond;
            this.target = target;
            this.nextIndex = allocations + worker.id; // probe indices of new allocations do not repeat
        }

        void start() {
            if (perSecond > 0) {
                long period = 1000 / CHURN_TICKS_PER_SECOND;
                tick = worker.loop.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            if (tick != null) {
                tick.cancel(false);
            }
        }

        private void tick() {
            owed += perSecond / CHURN_TICKS_PER_SECOND;
            int n = (int) owed;
            owed -= n;
            for (int i = 0; i < n && !live.isEmpty(); i++) {
                int k = random.nextInt(live.size());
                ClientAllocation victim = live.get(k);
                live.set(k, live.get(live.size() - 1));
                live.remove(live.size() - 1);
                worker.retire(victim);
                worker.loop.schedule(() -> delete(victim), RETIRE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            // Replace what was retired, and what failed earlier, up to twice the share per tick.
            int missing = target - live.size() - making;
            for (int i = 0; i < Math.min(missing, Math.max(1, 2 * n)); i++) {
                make();
            }
        }

        private void delete(ClientAllocation a) {
            a.delete((x, ok) -> {
                if (ok) {
                    deleted.incrementAndGet();
                } else {
                    failure(a, "delete");
                }
                a.channel().close();
            });
        }

        private void make() {
            ClientAllocation a = new ClientAllocation(nextIndex, worker, peer);
            nextIndex += threads;
            making++;
            LoadGenerator.clientBootstrap(epoll, a, settings, allocations)
                    .connect(settings.server(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            making--;
                            failure(a, "connect: " + f.cause());
                            return;
                        }
                        a.allocate((x, ok) -> {
                            if (!ok) {
                                made(a, false, "allocate");
                                return;
                            }
                            a.bind((y, bound) -> made(a, bound, "channel-bind"));
                        });
                    });
        }

        private void made(ClientAllocation a, boolean ok, String step) {
            making--;
            if (!ok) {
                failure(a, step);
                if (a.channel() != null) {
                    a.channel().close();
                }
                return;
            }
            created.incrementAndGet();
            if (tick == null || tick.isCancelled()) {
                // Made after the churn stopped: keep it in the worker so the final delete phase takes it.
                worker.allocations.add(a);
                return;
            }
            live.add(a);
            worker.admit(a);
        }

        private void failure(ClientAllocation a, String step) {
            failed.incrementAndGet();
            if (firstFailure == null) {
                firstFailure = step + " of allocation " + a.index + ": " + a.failureCode() + " "
                        + a.failureReason();
            }
        }
    }
}
