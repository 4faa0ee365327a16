package io.turngate.interop.browser;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace made for one test run, joined to the root namespace by a veth pair on a /30 of
 * {@code 10.213.0.0/16} that nothing on the machine uses: {@code .1} is the host side (the gateway's relay
 * address), {@code .2} is the worker's side inside the namespace. The /30 exists only while this object is open;
 * traffic to it never leaves the machine.
 *
 * <p>Names carry the JVM's PID ({@code tgb-<pid>-<n>}), so parallel runs do not collide and a namespace left
 * by a killed run can be recognised and removed ({@link #removeStale()}). {@link #close()} ends every process
 * still inside the namespace by PID, then deletes the namespace and the veth pair.
 */
public final class TestNetns implements AutoCloseable {
    private static final String PREFIX = "tgb-";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern STALE = Pattern.compile("^" + PREFIX + "(\\d+)-\\d+\\b");

    private final String name;
    private final String hostVeth;
    private final InetAddress hostAddress;
    private final InetAddress workerAddress;
    private final String subnet;
    private boolean closed;

    private TestNetns(String name, String hostVeth, InetAddress host, InetAddress worker, String subnet) {
        this.name = name;
        this.hostVeth = hostVeth;
        this.hostAddress = host;
        this.workerAddress = worker;
        this.subnet = subnet;
    }

    /** The namespace's name, for {@code ip netns exec}. */
    public String name() {
        return name;
    }

    /** The root namespace's end of the veth pair: where the gateway relays from. */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /** The namespace's end of the veth pair: the worker's only non-loopback address. */
    public InetAddress workerAddress() {
        return workerAddress;
    }

    /** The /30 of the pair, e.g. {@code 10.213.7.0/30}. */
    public String subnet() {
        return subnet;
    }

    /**
     * Makes the namespace and the pair.
     *
     * @throws IOException naming the {@code ip} step that failed and its output (no root, no netns support...)
     */
    public static TestNetns create() throws IOException {
        removeStale();
        long pid = ProcessHandle.current().pid();
        int n = SEQ.incrementAndGet();
        String name = PREFIX + pid + "-" + n;
        // Interface names are at most 15 characters.
        String tag = Long.toString(pid % 10_000_000L, 36) + Integer.toString(n, 36);
        String hostVeth = "tgbh" + tag;
        String workerVeth = "tgbw" + tag;
        String used = run(false, "ip", "-4", "-o", "addr", "show") + run(false, "ip", "-4", "route", "show", "table", "all");
        int third = -1;
        for (int i = 0; i < 256; i++) {
            int candidate = (int) ((pid + n * 37L + i) % 256);
            if (!used.contains("10.213." + candidate + ".")) {
                third = candidate;
                break;
            }
        }
        if (third < 0) {
            throw new IOException("no free /30 in 10.213.0.0/16 (expected: some 10.213.x.0/24 unused on this machine)");
        }
        String base = "10.213." + third + ".";
        InetAddress host = literal(base + "1");
        InetAddress worker = literal(base + "2");
        TestNetns ns = new TestNetns(name, hostVeth, host, worker, base + "0/30");
        boolean ok = false;
        try {
            run(true, "ip", "netns", "add", name);
            run(true, "ip", "link", "add", hostVeth, "type", "veth", "peer", "name", workerVeth);
            run(true, "ip", "link", "set", workerVeth, "netns", name);
            // IPv4 only, on both ends: no IPv6 link-local chatter, no IPv6 host candidates for the worker.
            run(false, "sysctl", "-q", "-w", "net.ipv6.conf." + hostVeth + ".disable_ipv6=1");
            run(false, "ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            run(false, "ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv6.conf." + workerVeth + ".disable_ipv6=1");
            run(true, "ip", "addr", "add", base + "1/30", "dev", hostVeth);
            run(true, "ip", "link", "set", hostVeth, "up");
            run(true, "ip", "-n", name, "addr", "add", base + "2/30", "dev", workerVeth);
            run(true, "ip", "-n", name, "link", "set", workerVeth, "up");
            run(true, "ip", "-n", name, "link", "set", "lo", "up");
            ok = true;
            return ns;
        } finally {
            if (!ok) {
                ns.close();
            }
        }
    }

    /** PIDs of the processes running inside the namespace. */
    public List<Long> pids() {
        List<Long> out = new ArrayList<>();
        try {
            for (String line : run(false, "ip", "netns", "pids", name).split("\n")) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("netns " + name + ": cannot list pids: " + e);
        }
        return out;
    }

    /** Ends the processes left inside, by PID, then removes the namespace and the veth pair. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        killAll(pids());
        try {
            run(false, "ip", "netns", "del", name);
            // Deleting the namespace destroys the worker's end, and with it the pair; this is for safety.
            if (hostVeth != null && run(false, "ip", "-o", "link", "show", hostVeth).contains(hostVeth + "@")) {
                run(false, "ip", "link", "del", hostVeth);
            }
        } catch (IOException e) {
            System.err.println("netns " + name + ": cleanup failed: " + e);
        }
    }

    /**
     * Removes namespaces named by this class whose JVM is gone (a run killed before its clean-up), ending any
     * process left inside them by PID first.
     */
    public static void removeStale() {
        String list;
        try {
            list = run(false, "ip", "netns", "list");
        } catch (IOException e) {
            return;
        }
        for (String line : list.split("\n")) {
            Matcher m = STALE.matcher(line.trim());
            if (!m.find()) {
                continue;
            }
            long owner = Long.parseLong(m.group(1));
            if (owner == ProcessHandle.current().pid() || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            String stale = m.group().trim();
            System.err.println("removing stale test namespace " + stale + " (its JVM " + owner + " is gone)");
            TestNetns ns = new TestNetns(stale, null, null, null, null);
            ns.close();
        }
    }

    private static void killAll(List<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("process " + pid + " did not end: " + e);
                }
            });
        }
    }

    private static InetAddress literal(String ip) throws UnknownHostException {
        return InetAddress.getByName(ip); // a literal: no lookup
    }

    /** Runs one short command; with {@code check}, a non-zero exit is an IOException carrying its output. */
    static String run(boolean check, String... cmd) throws IOException {
        List<String> command = new ArrayList<>(List.of(cmd));
        if (command.get(0).equals("ip") && Prerequisites.ip() != null) {
            command.set(0, Prerequisites.ip().toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no exit within 20 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        if (check && p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + " (expected: 0): " + out.trim());
        }
        return out;
    }

    @Override
    public String toString() {
        return "netns " + name + " (" + subnet + ", host " + (hostAddress == null ? "-" : hostAddress.getHostAddress())
                + ", worker " + (workerAddress == null ? "-" : workerAddress.getHostAddress()) + ")";
    }
}
