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
 */
public record LoadResult(String tool, int schema, String label, String startedAt, Host host, Config config,
                         Handshake handshake, Traffic traffic, Server server, Generator generator,
                         List<String> notes) {

    public static final int SCHEMA = 1;
    public static final String TOOL = "turngate-loadgen";

    /** The machine the run happened on. */
    public record Host(String hostname, int cpus, String cpuModel, String kernel, String java) {
    }

    /** What the run was asked to do. */
    public record Config(String server, String mode, int allocations, int payload, long ratePps,
                         double durationSeconds, double warmupSeconds, int windowPerAllocation, int threads,
                         int peers, long maxPackets) {
    }

    /**
     * The control plane: Allocate (incl. the 401 round) for every allocation, then ChannelBind/CreatePermission.
     *
     * @param allocationsPerSecond     allocations that succeeded divided by the Allocate phase's wall time
     * @param errors                   failed allocations by error code ({@code "0"} = timeout)
     * @param allocateServerCpuPercent server CPU during the Allocate phase (percent of one core), or -1
     */
    public record Handshake(int requested, int allocated, int ready, int failed, Map<String, Integer> errors,
                            int concurrency, double allocatePhaseMs, double bindPhaseMs, double allocationsPerSecond,
                            double allocateP50Ms, double allocateP99Ms, double allocateMaxMs, double bindP50Ms,
                            double bindP99Ms, double bindMaxMs, double allocateServerCpuPercent, int deleted) {
    }

    /**
     * The measured traffic window. {@code forwardedPps} counts datagrams the server forwarded in both directions
     * (client → peer as seen by the echo peers, plus peer → client as seen by the clients).
     *
     * @param lost probes sent but not echoed back by the end of the drain period
     */
    public record Traffic(double seconds, long sent, long peerReceived, long delivered, long lost,
                          double lossPercent, long sendDropped, long peerDropped, long stale, long invalid,
                          double sentPps, double clientToPeerPps, double peerToClientPps, double forwardedPps,
                          double forwardedMbps, Rtt rttMicros) {
    }

    /** Round-trip time client → relay → peer → relay → client, in microseconds. */
    public record Rtt(long count, double min, double mean, double p50, double p90, double p99, double p999,
                      double max) {
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

    /** The generator's own CPU use during the measured window (percent of one core). */
    public record Generator(double cpuPercent) {
    }
}
