package io.turngate.bench.load;

import java.util.List;
import java.util.Map;

/**
 * The JSON document one load-generator run writes ({@code --json}); {@link HtmlReport} reads any number of them.
 * Field names are part of the file format: add fields, do not rename them.
 *
 * @param tool      always {@code "turngate-loadgen"}
 * @param schema    format version, {@value #SCHEMA}
 * @param label     what was measured, e.g. {@code turngate} or {@code coturn} ({@code --label})
 * @param startedAt ISO-8601 UTC start time
 * @param idle      the idle hold ({@code --hold}), or null when there was none
 */
public record LoadResult(String tool, int schema, String label, String startedAt, Host host, Config config,
                         Handshake handshake, Traffic traffic, Server server, Generator generator,
                         List<String> notes, Idle idle) {

    /** A result without an idle hold. */
    public LoadResult(String tool, int schema, String label, String startedAt, Host host, Config config,
                      Handshake handshake, Traffic traffic, Server server, Generator generator, List<String> notes) {
        this(tool, schema, label, startedAt, host, config, handshake, traffic, server, generator, notes, null);
    }

    /** 2 adds {@code traffic.rttCorrectedMicros} and {@code traffic.timeline}; nothing was renamed. */
    public static final int SCHEMA = 2;
    public static final String TOOL = "turngate-loadgen";
    /** The C fixed-rate generator ({@code benchmarks/c/turnlat.c}), which writes the same schema. */
    public static final String C_TOOL = "turnlat";

    /** Whether a report reads a result written by {@code tool}. */
    public static boolean readable(String tool) {
        return TOOL.equals(tool) || C_TOOL.equals(tool);
    }

    /** The machine the run happened on. */
    public record Host(String hostname, int cpus, String cpuModel, String kernel, String java) {
    }

    /**
     * What the run was asked to do.
     *
     * @param transport the clients' transport to the server: {@code udp}, {@code tcp} or {@code tls} (files
     *                  written before it existed have none and mean udp)
     */
    public record Config(String server, String mode, int allocations, int payload, long ratePps,
                         double durationSeconds, double warmupSeconds, int windowPerAllocation, int threads,
                         int peers, long maxPackets, String transport) {

        /** A UDP run. */
        public Config(String server, String mode, int allocations, int payload, long ratePps, double durationSeconds,
                      double warmupSeconds, int windowPerAllocation, int threads, int peers, long maxPackets) {
            this(server, mode, allocations, payload, ratePps, durationSeconds, warmupSeconds, windowPerAllocation,
                    threads, peers, maxPackets, "udp");
        }
    }

    /**
     * The control plane: Allocate (incl. the 401 round) for every allocation, then ChannelBind/CreatePermission.
     *
     * @param allocationsPerSecond     allocations that succeeded divided by the Allocate phase's wall time
     * @param errors                   failed allocations by error code ({@code "0"} = timeout, {@code "-1"} = the
     *                                 connection could not be opened or closed, or another local error)
     * @param allocateServerCpuPercent server CPU during the Allocate phase (percent of one core), or -1
     * @param connectPhaseMs           TCP/TLS: wall time to open every connection (TLS handshake included), before
     *                                 the Allocate phase; 0 over UDP
     * @param connectFailed            TCP/TLS: connections that could not be opened
     * @param connectionsLost          TCP/TLS: connections that closed under a live allocation before the delete
     *                                 phase
     */
    public record Handshake(int requested, int allocated, int ready, int failed, Map<String, Integer> errors,
                            int concurrency, double allocatePhaseMs, double bindPhaseMs, double allocationsPerSecond,
                            double allocateP50Ms, double allocateP99Ms, double allocateMaxMs, double bindP50Ms,
                            double bindP99Ms, double bindMaxMs, double allocateServerCpuPercent, int deleted,
                            double connectPhaseMs, int connectFailed, long connectionsLost) {

        /** A UDP handshake (no connections). */
        public Handshake(int requested, int allocated, int ready, int failed, Map<String, Integer> errors,
                         int concurrency, double allocatePhaseMs, double bindPhaseMs, double allocationsPerSecond,
                         double allocateP50Ms, double allocateP99Ms, double allocateMaxMs, double bindP50Ms,
                         double bindP99Ms, double bindMaxMs, double allocateServerCpuPercent, int deleted) {
            this(requested, allocated, ready, failed, errors, concurrency, allocatePhaseMs, bindPhaseMs,
                    allocationsPerSecond, allocateP50Ms, allocateP99Ms, allocateMaxMs, bindP50Ms, bindP99Ms, bindMaxMs,
                    allocateServerCpuPercent, deleted, 0, 0, 0);
        }
    }

    /**
     * The measured traffic window. {@code forwardedPps} counts datagrams the server forwarded in both directions
     * (client → peer as seen by the echo peers, plus peer → client as seen by the clients).
     *
     * @param lost               probes sent but not echoed back by the end of the drain period
     * @param rttMicros          RTT from the moment each probe was actually sent (as in schema 1)
     * @param rttCorrectedMicros RTT corrected for coordinated omission: from the moment each probe was due by the
     *                           fixed-rate schedule ({@code --rate}), so a stalled generator or server shows in the
     *                           tail; as fast as possible ({@code --rate 0}) there is no schedule and it equals
     *                           {@code rttMicros}. Null in files of schema 1
     * @param timeline           with {@code --timeline}: the corrected RTT per window; null otherwise
     */
    public record Traffic(double seconds, long sent, long peerReceived, long delivered, long lost,
                          double lossPercent, long sendDropped, long peerDropped, long stale, long invalid,
                          double sentPps, double clientToPeerPps, double peerToClientPps, double forwardedPps,
                          double forwardedMbps, Rtt rttMicros, Rtt rttCorrectedMicros, Timeline timeline) {

        /** Traffic without the corrected RTT and the timeline (schema 1). */
        public Traffic(double seconds, long sent, long peerReceived, long delivered, long lost, double lossPercent,
                       long sendDropped, long peerDropped, long stale, long invalid, double sentPps,
                       double clientToPeerPps, double peerToClientPps, double forwardedPps, double forwardedMbps,
                       Rtt rttMicros) {
            this(seconds, sent, peerReceived, delivered, lost, lossPercent, sendDropped, peerDropped, stale, invalid,
                    sentPps, clientToPeerPps, peerToClientPps, forwardedPps, forwardedMbps, rttMicros, null, null);
        }
    }

    /** Round-trip time client → relay → peer → relay → client, in microseconds. */
    public record Rtt(long count, double min, double mean, double p50, double p90, double p99, double p999,
                      double max) {
    }

    /**
     * The corrected RTT of the measured window cut into windows of {@code windowSeconds} by each probe's intended
     * send time ({@code --timeline}): the cold-start measurement.
     *
     * @param origin             what {@code Window.startSeconds} counts from: {@code "server ready"} with
     *                           {@code --timeline-origin-ms}, else {@code "measured window"}
     * @param measureStartSeconds the measured window's start in seconds after the origin (0 without an origin)
     */
    public record Timeline(String origin, double windowSeconds, double measureStartSeconds, List<Window> windows) {
    }

    /** One timeline window: probes due in [startSeconds, startSeconds + windowSeconds), RTT in microseconds. */
    public record Window(double startSeconds, long count, double p50, double p99, double p999, double max) {
    }

    /**
     * The server process, when {@code --server-pid} was given (else pid 0 and -1 values).
     *
     * @param cpuPercent            CPU time during the measured window / wall time, in percent of one core
     * @param forwardedPerCpuSecond forwarded datagrams per second of server CPU time
     */
    public record Server(long pid, double cpuPercent, double cpuSeconds, double forwardedPerCpuSecond,
                         long rssKbBefore, long rssKbAllocated, long rssKbAfter, long threads) {
    }

    /**
     * The idle hold ({@code --hold}): every allocation live, its connection (TCP/TLS) or socket (UDP) open, and no
     * traffic, for {@code seconds}. The server's VmRSS is read before the first connection is opened and again at
     * the end of the hold.
     *
     * @param rssKbBefore    server VmRSS before any connection (KiB), or -1
     * @param rssKbIdle      server VmRSS at the end of the hold (KiB), or -1
     * @param allocations    allocations live when the hold began
     * @param openAtEnd      of those, connections (TCP/TLS) still open at the end of the hold; over UDP the sockets
     * @param serverFds      open file descriptors of the server at the end of the hold, or -1
     * @param kbPerAllocation {@code (rssKbIdle - rssKbBefore) / allocations}, or -1
     */
    public record Idle(double seconds, long rssKbBefore, long rssKbIdle, int allocations, int openAtEnd,
                       long serverFds, double kbPerAllocation) {
    }

    /** The generator's own CPU use during the measured window (percent of one core). */
    public record Generator(double cpuPercent) {
    }
}
