package io.turngate.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's CPU time and resident memory from Linux {@code /proc} (proc(5)): {@code /proc/PID/stat}
 * fields 14 and 15 ({@code utime}, {@code stime}, in clock ticks) and {@code VmRSS} from {@code /proc/PID/status}.
 * Any failure (no such process, not Linux) yields -1 rather than an exception, so a run is never lost to it.
 */
public final class ProcStats {

    /** USER_HZ; 100 on every Linux architecture the JVM runs on (sysconf(_SC_CLK_TCK)). */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** CPU time (user + system) of {@code pid} in nanoseconds, or -1; {@code pid <= 0} means this JVM. */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(statPath(pid, "stat"), StandardCharsets.US_ASCII);
            return cpuNanosFromStat(stat);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Parses utime+stime out of one {@code /proc/PID/stat} line (the command name may contain spaces). */
    static long cpuNanosFromStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state); utime is field 14, stime field 15.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** Resident set size of {@code pid} in KiB, or -1; {@code pid <= 0} means this JVM. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(statPath(pid, "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Number of threads of {@code pid}, or -1. */
    public static long threads(long pid) {
        try {
            for (String line : Files.readAllLines(statPath(pid, "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring(8).trim());
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open file descriptors of {@code pid} (entries of {@code /proc/PID/fd}), or -1. */
    public static long openFiles(long pid) {
        try (java.util.stream.Stream<Path> fds = Files.list(statPath(pid, "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static boolean alive(long pid) {
        return Files.exists(statPath(pid, "stat"));
    }

    private static Path statPath(long pid, String file) {
        return Path.of("/proc", pid <= 0 ? "self" : Long.toString(pid), file);
    }
}
