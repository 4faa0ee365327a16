package io.turngate.cli;

import io.turngate.config.load.ConfigJson;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.route.RouteTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code turngate check -c FILE}: validates a stunnerd config or Gateway API manifests, prints the dataplane config
 * they turn into and the route table (listener → clusters → endpoints/port ranges). Exit 0 when valid; 2 with every
 * problem listed otherwise.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config; print the rendered dataplane config and the route table.",
            "Exit code 0 when valid, 2 when not (every problem is listed with its path and expected value)."})
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Mixin
    ConfigOptions source;

    @Option(names = "--show-secrets", description = "Print credentials, cert and key in clear (default: <SECRET>).")
    boolean showSecrets;

    @Override
    public Integer call() {
        ConfigSources.Loaded loaded = source.load("check");
        if (loaded == null) {
            return 2;
        }
        parent.out.println("# " + source.described() + ": valid " + loaded.sourceKind() + " config");
        for (String w : loaded.warnings()) {
            parent.out.println("# warning: " + w);
        }
        parent.out.println(ConfigJson.tree(loaded.config(), !showSecrets).toPrettyString());
        parent.out.println();
        parent.out.println(RouteTable.of(loaded.config()).format());
        return 0;
    }
}
