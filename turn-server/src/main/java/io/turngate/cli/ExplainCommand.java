package io.turngate.cli;

import io.turngate.config.load.ConfigSources;
import io.turngate.config.route.Explain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code turngate explain}: "why is my peer denied?" — whether a peer is allowed on a listener and why (which
 * route, cluster, endpoint and port range matched), or what is missing. Exit 0 when allowed, 1 when denied, 2 for a
 * usage error (an invalid config, no such listener, a peer that is not an address), 3 when undecidable offline.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain whether a peer is allowed on a listener, and why.",
            "Exit code 0 when allowed, 1 when denied, 2 on a usage or config error (no such listener, a peer",
            "that is not an address), 3 when it cannot be decided offline",
            "(the peer would match a STRICT_DNS cluster, resolved only at run time)."})
final class ExplainCommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Mixin
    ConfigOptions source;

    @Option(names = "--listener", required = true, paramLabel = "NAME",
            description = "Listener name, e.g. stunner/udp-gateway/udp-listener.")
    String listener;

    @Option(names = "--peer", required = true, paramLabel = "IP[:PORT]", description = "Peer address, e.g. 10.244.1.17:8443 or [fd00::1]:5000.")
    String peer;

    @Override
    public Integer call() {
        ConfigSources.Loaded loaded = source.load("explain");
        if (loaded == null) {
            return 2;
        }
        String usage = Explain.usageProblem(loaded.config(), listener, peer);
        if (usage != null) { // exit 1 means "denied": a question that cannot be asked is a usage error
            System.err.println("turngate explain: " + usage);
            return 2;
        }
        Explain.Verdict v = Explain.peer(loaded.config(), listener, peer);
        parent.out.println((v.allowed() ? "ALLOWED: " : v.undecidable() ? "UNDECIDED: " : "DENIED: ") + v.reason());
        for (String line : v.trace()) {
            parent.out.println("  " + line);
        }
        return v.allowed() ? 0 : v.undecidable() ? 3 : 1;
    }
}
