package io.turngate.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a soak measured and whether it was flat: one {@link Sample} per report interval, and the verdict rules, as a
 * pure function of the samples ({@link #judge}), so the rules are tested without a server.
 *
 * <p>Rules (after the warm-up: the baseline is the first sample taken at or after {@code warmupSeconds}):
 * <ul>
 *   <li><b>fds</b>: descriptors beside the relay sockets, i.e. open descriptors minus
 *       {@code stunner_allocations_active} (each allocation holds one UDP relay socket): the last sample's are at most
 *       the baseline's + max({@code fdSlack}, {@code fdPercent} % of the baseline's open descriptors). Subtracting
 *       the allocations takes out the churn in flight at the instant of the reading; a descriptor leaked per
 *       allocation grows this by the churn rate every second, and an allocation that is never removed fails the
 *       allocations rule.</li>
 *   <li><b>threads</b>: the last sample's threads are at most baseline + {@code threadSlack} (the JIT and the GC
 *       start a few threads late).</li>
 *   <li><b>heap</b>: heap used after a full GC, post-warm-up samples split into thirds: the mean of the last third is
 *       at most (100 + {@code heapPercent}) % of the mean of the second third. Needs at least 3 post-warm-up samples
 *       (else SKIP).</li>
 *   <li><b>loss</b>: probes lost (sent − echoed back) over all post-warm-up intervals are at most
 *       {@code maxLossPercent} % of those sent, and some were sent at all.</li>
 *   <li><b>allocations</b>: every post-warm-up sample's {@code stunner_allocations_active} is within ±
 *       {@code allocationSlack} of the target (churn in flight), so the churn did not quietly lose allocations.</li>
 *   <li><b>reloads</b>: every config rewrite but at most the last one was applied, none rejected.</li>
 *   <li><b>leaks</b>: the server's log has no Netty {@code LEAK:} line.</li>
 * </ul>
 * A rule whose inputs could not be read is FAIL (a soak that could not look proves nothing).
 */
final class SoakReport {

    private SoakReport() {
    }

    /**
     * One reading. Packet counts are for the interval that ends here (probes sent by the clients, echoes received
     * back, and their difference; probes in flight at the boundary land in the next interval). Server fields are -1
     * when they could not be read.
     */
    record Sample(double seconds, long heapUsedAfterGcKb, long rssKb, long fds, long threads, long sent,
                  long received, long lost, long allocationsActive, long directBytes, long directBuffers,
                  long reloadsWritten, long configsApplied, long configsRejected, long leakReports,
                  long churnDeleted, long churnCreated, long churnFailed) {
    }

    /** Tolerances of the verdict (see the class comment). */
    record Rules(double warmupSeconds, long fdSlack, double fdPercent, long threadSlack, double heapPercent,
                 double maxLossPercent, long targetAllocations, long allocationSlack) {
    }

    enum Status { PASS, FAIL, SKIP }

    record Check(String name, Status status, String detail) {
    }

    /** The verdict: "flat" when no check among {@code failOn} is FAIL. */
    record Verdict(boolean flat, List<Check> checks) {
        String line() {
            StringBuilder b = new StringBuilder(flat ? "flat" : "NOT flat");
            for (Check c : checks) {
                b.append("; ").append(c.name()).append(' ').append(c.status());
            }
            return b.toString();
        }
    }

    static Verdict judge(List<Sample> samples, Rules r, Set<String> failOn) {
        List<Sample> post = new ArrayList<>();
        for (Sample s : samples) {
            if (s.seconds() >= r.warmupSeconds()) {
                post.add(s);
            }
        }
        List<Check> checks = new ArrayList<>();
        if (post.size() < 2) {
            String why = post.size() + " sample(s) after the warm-up of " + r.warmupSeconds() + " s (expected: 2 or "
                    + "more)";
            for (String n : List.of("fds", "threads", "heap", "loss", "allocations", "reloads", "leaks")) {
                checks.add(new Check(n, Status.FAIL, why));
            }
            return new Verdict(false, checks);
        }
        Sample first = post.get(0);
        Sample last = post.get(post.size() - 1);

        checks.add(fds(first, last, r));
        checks.add(growth("threads", first.threads(), last.threads(), first.threads() + r.threadSlack()));

        checks.add(heap(post, r.heapPercent()));

        long sent = 0;
        long lost = 0;
        for (Sample s : post.subList(1, post.size())) {
            sent += s.sent();
            lost += s.lost();
        }
        double lossPercent = sent == 0 ? 100 : 100.0 * Math.max(0, lost) / sent;
        checks.add(new Check("loss", sent > 0 && lossPercent <= r.maxLossPercent() ? Status.PASS : Status.FAIL,
                String.format(Locale.ROOT, "%d of %d probes lost after the warm-up (%.4f %%, limit %.4f %%)", lost,
                        sent, lossPercent, r.maxLossPercent())));

        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Sample s : post) {
            lo = Math.min(lo, s.allocationsActive());
            hi = Math.max(hi, s.allocationsActive());
        }
        boolean allocOk = lo >= 0 && lo >= r.targetAllocations() - r.allocationSlack()
                && hi <= r.targetAllocations() + r.allocationSlack();
        checks.add(new Check("allocations", allocOk ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "stunner_allocations_active %d..%d (expected: %d ± %d)", lo, hi, r.targetAllocations(),
                r.allocationSlack())));

        boolean reloadsOk = last.configsApplied() >= 0 && last.configsRejected() == 0
                && last.configsApplied() >= last.reloadsWritten() - 1 && last.reloadsWritten() > 0;
        checks.add(new Check("reloads", reloadsOk ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "%d config rewrites, %d applied by the server, %d rejected (the first config counts as applied "
                        + "too)", last.reloadsWritten(), last.configsApplied(), last.configsRejected())));

        checks.add(new Check("leaks", last.leakReports() == 0 ? Status.PASS : Status.FAIL,
                last.leakReports() < 0 ? "the server's log could not be read"
                        : last.leakReports() + " line(s) with LEAK: in the server's log"));

        boolean flat = true;
        List<Check> out = new ArrayList<>();
        for (Check c : checks) {
            if (!failOn.contains(c.name()) && c.status() == Status.FAIL) {
                c = new Check(c.name(), Status.SKIP, c.detail() + " (reported only: not in --fail-on)");
            }
            if (c.status() == Status.FAIL) {
                flat = false;
            }
            out.add(c);
        }
        return new Verdict(flat, out);
    }

    /**
     * Descriptors other than the relay sockets: every allocation holds one UDP relay socket, so a server without a
     * leak has {@code fds - stunner_allocations_active} constant however many allocations the churn has in flight at
     * the instant of the reading.
     */
    private static Check fds(Sample first, Sample last, Rules r) {
        if (first.fds() < 0 || last.fds() < 0 || first.allocationsActive() < 0 || last.allocationsActive() < 0) {
            return new Check("fds", Status.FAIL, "could not be read (fds " + first.fds() + ", " + last.fds()
                    + "; allocations " + first.allocationsActive() + ", " + last.allocationsActive() + ")");
        }
        long start = first.fds() - first.allocationsActive();
        long end = last.fds() - last.allocationsActive();
        long limit = start + Math.max(r.fdSlack(), Math.round(first.fds() * r.fdPercent() / 100));
        return new Check("fds", end <= limit ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "descriptors beside the relay sockets (fds - allocations): %d after the warm-up (%d fds), %d at the "
                        + "end (%d fds), limit %d", start, first.fds(), end, last.fds(), limit));
    }

    private static Check growth(String name, long start, long end, long limit) {
        if (start < 0 || end < 0) {
            return new Check(name, Status.FAIL, "could not be read (start " + start + ", end " + end + ")");
        }
        return new Check(name, end <= limit ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "%d after the warm-up, %d at the end (limit %d)", start, end, limit));
    }

    private static Check heap(List<Sample> post, double percent) {
        if (post.size() < 3) {
            return new Check("heap", Status.SKIP, post.size() + " samples after the warm-up (expected: 3 or more)");
        }
        int third = post.size() / 3;
        // The second third, and the last third (which takes the remainder).
        double second = mean(post.subList(third, 2 * third));
        double last = mean(post.subList(2 * third, post.size()));
        if (second < 0 || last < 0) {
            return new Check("heap", Status.FAIL, "heap after GC could not be read (jcmd GC.class_histogram)");
        }
        double limit = second * (100 + percent) / 100;
        return new Check("heap", last <= limit ? Status.PASS : Status.FAIL, String.format(Locale.ROOT,
                "heap after GC: second third %.0f KiB, last third %.0f KiB (limit %.0f KiB, +%.0f %%)", second, last,
                limit, percent));
    }

    /** Mean heap after GC of {@code s}, or -1 when a reading is missing. */
    private static double mean(List<Sample> s) {
        double sum = 0;
        for (Sample x : s) {
            if (x.heapUsedAfterGcKb() < 0) {
                return -1;
            }
            sum += x.heapUsedAfterGcKb();
        }
        return sum / s.size();
    }

    static String header() {
        return String.format(Locale.ROOT, "%7s %9s %8s %6s %7s %8s %8s %6s %7s %9s %7s %9s",
                "t(s)", "heapGC(M)", "rss(M)", "fds", "threads", "sent", "recv", "lost", "allocs", "direct(M)",
                "reloads", "churn+/-");
    }

    static String row(Sample s) {
        return String.format(Locale.ROOT, "%7.0f %9s %8s %6d %7d %8d %8d %6d %7d %9s %7s %9s", s.seconds(),
                mib(s.heapUsedAfterGcKb() * 1024), mib(s.rssKb() * 1024), s.fds(), s.threads(), s.sent(),
                s.received(), s.lost(), s.allocationsActive(), mib(s.directBytes()),
                s.configsApplied() + "/" + s.reloadsWritten(), s.churnCreated() + "/" + s.churnDeleted());
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
