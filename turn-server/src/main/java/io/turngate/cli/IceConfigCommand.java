package io.turngate.cli;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.ice.IceCredentials;
import io.turngate.ice.TurnUri;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code turngate ice-config}: the ICE-server environment of the CloudRetro coordinator, the lines that the demo's
 * {@code coordinator-config.sh} builds by hand (stunner-compat §1h), one index per TURN URI:
 * <pre>
 * CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:203.0.113.10:3478?transport=udp
 * CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=user-1
 * CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=pass-1
 * </pre>
 * Each {@code -c} is one gateway (a stunnerd config, or Gateway API manifests rendering one Gateway); its listeners
 * get consecutive indices from {@code --index-start}, so a two-cluster setup (two {@code -c}) lists both gateways.
 * The i-th {@code --public-address} (and {@code -g}) belongs to the i-th {@code -c}; an empty one keeps the config's.
 * Stdout carries only these {@code KEY=VALUE} lines, unquoted (an env file for
 * {@code kubectl create configmap --from-env-file}); notes and warnings go to stderr.
 *
 * <ul>
 *   <li>URL: {@link TurnUri}, with host = the {@code --public-address} given for this gateway, else the listener's
 *       {@code public_address}, else its advertised {@code address} unless that is unspecified ({@code 0.0.0.0},
 *       which is what {@code address: $STUNNER_ADDR} becomes with the variable unset, {@code ::}, or the node
 *       placeholder): that is an error asking for {@code --public-address}. Port = the {@code --public-address}
 *       port, else {@code public_port}, else {@code port}. Unlike the script's {@code turn:IP:3478}, the transport is always written, also
 *       {@code ?transport=udp} for TURN-UDP: RFC 7065 makes UDP the default so the meaning is the same, the string
 *       is the one the auth service's {@code /ice} serves, and TCP/TLS/DTLS listeners need it anyway. The port is
 *       the configured one, not a hard-coded 3478.</li>
 *   <li>USERNAME/CREDENTIAL: {@link IceCredentials}; ephemeral credentials expire after {@code --ttl}, and the
 *       coordinator reads them only at start-up, so a note on stderr gives the expiry. Auth type {@code none} is an
 *       error: CloudRetro refuses a {@code turn:} URL without username and credential.</li>
 *   <li>CloudRetro reads indices 0–4 only (and index 0 replaces its built-in STUN server): a warning on stderr
 *       names the indices it will ignore. Its coordinator pastes the values into JSON unescaped, so a value with
 *       {@code "}, {@code \} or a control character gets a warning too.</li>
 * </ul>
 * Exit 0 on success; 2 on a usage or config error, with every problem listed on stderr.
 *
 * <p>CloudRetro facts from {@code l7mp/cloudretro-demo-build}: {@code pkg/config/webrtc/config.go}
 * ({@code AddIceServersEnv}: five slots, the {@code turn:}/{@code turns:} credential check) and {@code pkg/ice/ice.go}
 * ({@code ToJson}: values concatenated into JSON without escaping).
 */
@Command(name = "ice-config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the CloudRetro coordinator's ICE servers, as coordinator-config.sh",
            "builds them: CLOUD_GAME_WEBRTC_ICESERVERS_<n>_URL, _USERNAME and _CREDENTIAL,",
            "one index n per TURN URI of each gateway, in -c order.",
            "Exit code 0 when printed, 2 on a usage or config error (all problems listed)."},
        footer = {"",
            "Examples:",
            "  turngate ice-config -c cloudretro/ --public-address 203.0.113.10",
            "  turngate ice-config -c eu/ -c us/ \\",
            "      --public-address 203.0.113.10 --public-address 198.51.100.7",
            "  turngate ice-config -c cloudretro/ --public-address 203.0.113.10 >ice.env",
            "  kubectl -n cloudretro create configmap cloudretro-config-c \\",
            "      --from-env-file=ice.env --dry-run=client -o yaml | kubectl apply -f -",
            "  kubectl -n cloudretro rollout restart deployment coordinator-deployment",
            "",
            "CloudRetro reads indices 0-4 only; index 0 replaces its built-in STUN server."})
final class IceConfigCommand implements Callable<Integer> {
    /** CloudRetro's {@code pkg/config/webrtc} pre-allocates this many ICE-server slots and reads no others. */
    static final int CLOUDRETRO_SLOTS = 5;
    static final String PREFIX = "CLOUD_GAME_WEBRTC_ICESERVERS_";
    private static final String ME = "turngate ice-config: ";

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    @ParentCommand
    Main parent;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "A gateway: stunnerd config, Gateway API manifest file, or directory of manifests. Repeat for several gateways.")
    List<String> configs;

    @Option(names = {"-g", "--gateway"}, paramLabel = "NS/NAME",
            description = "Which Gateway to render from the -c at the same position, when several do. Repeatable, in -c order.")
    List<String> gateways = new ArrayList<>();

    @Option(names = "--public-address", paramLabel = "IP[:PORT]",
            description = "Address clients reach the gateway at (its LoadBalancer IP or DNS name; IPv6 as [IP]:PORT), "
                    + "for the -c at the same position; overrides public_address (and the port, when given); "
                    + "an empty value keeps the config's. Repeatable.")
    List<String> publicAddresses = new ArrayList<>();

    @Option(names = "--index-start", paramLabel = "N", defaultValue = "0",
            description = "First index n (default: ${DEFAULT-VALUE}; coordinator-config.sh uses the first unused one).")
    int indexStart;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "" + IceCredentials.DEFAULT_TTL_SECONDS,
            description = "Lifetime of ephemeral credentials (default: ${DEFAULT-VALUE}, as the auth service).")
    long ttl;

    @Option(names = "--username", paramLabel = "U", defaultValue = "",
            description = "User id in ephemeral usernames, <expiry>:<U> (default: empty). Static credentials are printed as configured.")
    String username;

    /** One gateway's lines, before indices are assigned. */
    private record Entry(String url, IceCredentials credentials) {
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        List<String> problems = new ArrayList<>();
        if (publicAddresses.size() > configs.size()) {
            problems.add(ME + "--public-address: " + publicAddresses.size() + " given for " + configs.size()
                    + " gateway(s) (expected: at most one per -c, in the same order)");
        }
        if (gateways.size() > configs.size()) {
            problems.add(ME + "--gateway: " + gateways.size() + " given for " + configs.size()
                    + " -c (expected: at most one per -c, in the same order)");
        }
        if (indexStart < 0) {
            problems.add(ME + "--index-start: found " + indexStart + " (expected: 0 or more)");
        }
        if (ttl < 0 || ttl > IceCredentials.MAX_TTL_SECONDS) {
            problems.add(ME + "--ttl: found " + ttl + " (expected: 0.." + IceCredentials.MAX_TTL_SECONDS + ")");
        }
        List<String[]> overrides = new ArrayList<>(); // null: none for that gateway
        List<Integer> badOverrides = new ArrayList<>();
        for (String a : publicAddresses) {
            String[] hp = a.isEmpty() ? null : parseHostPort(a);
            if (hp == null && !a.isEmpty()) {
                badOverrides.add(overrides.size());
                problems.add(ME + "--public-address: \"" + a + "\" (expected: IP, IP:PORT, [IPv6]:PORT or a DNS name,"
                        + " optionally with :PORT 1..65535; not an unspecified address such as 0.0.0.0)");
            }
            overrides.add(hp);
        }
        long now = Instant.now().getEpochSecond();
        List<List<Entry>> groups = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String origin = configs.get(i);
            ConfigSources.Loaded loaded;
            try {
                loaded = ConfigSources.load(ConfigLoader.pathOf(origin), System.getenv(),
                        i < gateways.size() ? gateways.get(i) : null);
            } catch (ConfigException e) {
                problems.add(ME + origin + ": INVALID");
                for (String p : e.problems()) {
                    problems.add("  - " + p);
                }
                continue;
            }
            for (String w : loaded.warnings()) {
                notes.add("warning: " + origin + ": " + w);
            }
            if (badOverrides.contains(i)) {
                continue; // its --public-address is already reported as invalid
            }
            String[] override = i < overrides.size() ? overrides.get(i) : null;
            groups.add(entries(loaded.config(), origin, ordinal(i + 1), override, now, problems, notes));
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            notes.forEach(note -> err.println(ME + note));
            return 2;
        }
        int n = indexStart;
        List<Integer> ignored = new ArrayList<>();
        for (List<Entry> group : groups) {
            for (Entry e : group) {
                parent.out.println(PREFIX + n + "_URL=" + e.url());
                parent.out.println(PREFIX + n + "_USERNAME=" + e.credentials().username());
                parent.out.println(PREFIX + n + "_CREDENTIAL=" + e.credentials().credential());
                if (n >= CLOUDRETRO_SLOTS) {
                    ignored.add(n);
                }
                n++;
            }
        }
        parent.out.flush();
        if (!ignored.isEmpty()) {
            notes.add("warning: CloudRetro reads only indices 0-" + (CLOUDRETRO_SLOTS - 1) + " of " + PREFIX
                    + "<n>_*; it will ignore n = " + ignored.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        for (String note : notes) {
            err.println(ME + note);
        }
        return 0;
    }

    /**
     * One entry per listener of {@code config}; none, with the reasons added to {@code problems}, when this
     * gateway cannot be printed, and none when an earlier problem already stops the output.
     */
    private List<Entry> entries(StunnerConfig config, String origin, String nth, String[] override, long now,
                                List<String> problems, List<String> notes) {
        String gw = "gateway " + config.admin().name() + " (-c " + origin + ")";
        List<String> urls = new ArrayList<>();
        if (config.listeners().isEmpty()) {
            problems.add(ME + gw + ": no listeners (expected: at least one TURN listener)");
        }
        if (config.auth().type() == AuthType.NONE) {
            problems.add(ME + gw + ": auth type none (expected: static or ephemeral; CloudRetro refuses a turn: URL"
                    + " without username and credential)");
        } else if (IceCredentials.problem(config.auth()) != null) {
            problems.add(ME + gw + ": " + IceCredentials.problem(config.auth()));
        }
        for (ListenerConfig l : config.listeners()) {
            String host;
            if (override != null) {
                host = override[0];
            } else if (l.publicAddress() != null && !l.publicAddress().isEmpty()) {
                host = l.publicAddress();
            } else if (!TurnUri.isUnspecified(l.address())) {
                host = l.address();
            } else {
                problems.add(ME + gw + ": listener " + l.name() + " has no public address and advertises "
                        + (l.address() == null || l.address().isEmpty() ? "no address" : l.address())
                        + ", which clients cannot reach (expected: the " + nth + " --public-address IP[:PORT],"
                        + " or public_address in the config)");
                continue;
            }
            int port = override != null && override[1] != null ? Integer.parseInt(override[1])
                    : l.publicPort() != 0 ? l.publicPort() : l.port();
            urls.add(TurnUri.of(l.protocol(), host, port));
        }
        if (!problems.isEmpty()) {
            return List.of(); // nothing is printed: credentials are not needed
        }
        IceCredentials creds = IceCredentials.of(config.auth(), username, now, ttl);
        if (config.auth().type() == AuthType.EPHEMERAL) {
            notes.add(gw + ": ephemeral credentials expire at " + Instant.ofEpochSecond(now + ttl)
                    + " (--ttl " + ttl + "); the coordinator reads them at start-up only: print and restart it before then");
        } else if (!username.isEmpty()) {
            notes.add(gw + ": --username ignored: static credentials are printed as configured");
        }
        for (String[] kv : new String[][] {{"USERNAME", creds.username()}, {"CREDENTIAL", creds.credential()}}) {
            if (!jsonSafe(kv[1])) {
                notes.add("warning: " + gw + ": the " + kv[0] + " contains \", \\ or a control character, which"
                        + " CloudRetro's coordinator writes into its ICE JSON unescaped");
            }
        }
        List<Entry> out = new ArrayList<>(urls.size());
        for (String url : urls) {
            out.add(new Entry(url, creds));
        }
        return out;
    }

    /** {@code {host, port-or-null}}, or {@code null} when {@code s} is not IP[:PORT], [IPv6][:PORT] or NAME[:PORT]. */
    static String[] parseHostPort(String s) {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
            if (host.indexOf(':') < 0 || Endpoint.parseIpLiteral(host) == null) {
                return null;
            }
        } else {
            int first = s.indexOf(':');
            if (first >= 0 && s.indexOf(':', first + 1) >= 0) {
                host = s; // a bare IPv6 literal, no port
                if (Endpoint.parseIpLiteral(host) == null) {
                    return null;
                }
            } else {
                host = first < 0 ? s : s.substring(0, first);
                port = first < 0 ? null : s.substring(first + 1);
                boolean dotted = host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
                if (dotted ? Endpoint.parseIpLiteral(host) == null : !HOSTNAME.matcher(host).matches()) {
                    return null;
                }
            }
        }
        if (TurnUri.isUnspecified(host)) {
            return null;
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                return null;
            }
            port = Integer.toString(p);
        }
        return new String[] {host, port};
    }

    private static boolean jsonSafe(String s) {
        return s.chars().noneMatch(c -> c == '"' || c == '\\' || c < 0x20);
    }

    private static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
        return n + suffix;
    }
}
