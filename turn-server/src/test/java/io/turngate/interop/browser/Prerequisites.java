package io.turngate.interop.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a browser scene needs from the machine, and the loud verdict when something is missing: on a developer's
 * machine the scene is skipped with a banner on stderr; on CI ({@code CI=true}) a missing tool fails the test,
 * so that a scene is never passed by not running.
 *
 * <p>Overrides: {@code TURNGATE_CHROMIUM} (default {@code /usr/bin/chromium}), {@code TURNGATE_NODE} (default
 * {@code node} on the PATH).
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Whether this run is CI's, where every prerequisite is mandatory. */
    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips (loudly) or, on CI, fails unless {@code present}.
     *
     * @param what the missing thing and how to get it, e.g. "chromium (apt-get install chromium)"
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String banner = "\n*****************************************************************\n"
                + "* BROWSER SCENE NOT RUN: missing " + what + "\n"
                + (onCi() ? "* CI=true: this is a failure, not a skip.\n" : "* Skipped (set up the machine as .ci/run does to run it).\n")
                + "*****************************************************************\n";
        System.err.print(banner);
        System.err.flush();
        if (onCi()) {
            Assertions.fail("browser scene cannot run: missing " + what);
        }
        Assumptions.abort("browser scene skipped: missing " + what);
    }

    /** The folder with package.json, scene.js and worker.js. */
    public static Path browserDir() {
        String root = System.getProperty("turngate.root");
        if (root != null && Files.isDirectory(Paths.get(root, "turn-server", "src", "test", "browser"))) {
            return Paths.get(root, "turn-server", "src", "test", "browser").toAbsolutePath();
        }
        return Paths.get("src", "test", "browser").toAbsolutePath();
    }

    /** The Chromium binary the scene drives. */
    public static Path chromium() {
        String env = System.getenv("TURNGATE_CHROMIUM");
        return Paths.get(env == null || env.isBlank() ? "/usr/bin/chromium" : env);
    }

    /** The Node binary, resolved on the PATH unless {@code TURNGATE_NODE} names one. */
    public static Path node() {
        String env = System.getenv("TURNGATE_NODE");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return onPath("node");
    }

    /** The {@code ip} tool of iproute2. */
    public static Path ip() {
        return onPath("ip");
    }

    static Path onPath(String name) {
        List<String> dirs = new ArrayList<>(List.of(
                String.valueOf(System.getenv("PATH")).split(java.io.File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Paths.get(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Checks everything but the namespace itself (which {@link TestNetns#create()} tries for real): Linux, root,
     * iproute2, Chromium, Node 18+, and the scene's npm packages.
     */
    public static void requireSceneTools() {
        require(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "Linux (network namespaces; found " + System.getProperty("os.name") + ")");
        require(isRoot(), "root (network namespaces need it; running as uid " + uid() + ")");
        require(ip() != null, "iproute2's ip (apt-get install iproute2)");
        Path chromium = chromium();
        require(Files.isExecutable(chromium), "chromium at " + chromium + " (apt-get install chromium)");
        Path node = node();
        require(node != null, "node on the PATH (apt-get install nodejs)");
        int major = nodeMajor(node);
        require(major >= 18, "node 18 or newer (found major version " + major + " at " + node + ")");
        Path dir = browserDir();
        require(Files.isRegularFile(dir.resolve("scene.js")), "scene.js in " + dir);
        require(Files.isDirectory(dir.resolve("node_modules/@roamhq/wrtc"))
                        && Files.isDirectory(dir.resolve("node_modules/playwright-core")),
                "npm packages in " + dir + " (run: npm ci --prefix " + dir + ")");
    }

    /**
     * What a TURN-TLS scene needs beyond {@link #requireSceneTools()}: {@code openssl} for the test CA
     * ({@link TestCa}) and {@code certutil} for the browser profile's trust in it ({@link ProfileTrust}).
     */
    public static void requireTlsTools() {
        require(onPath("openssl") != null, "openssl (apt-get install openssl)");
        require(ProfileTrust.certutil() != null, "NSS's certutil (apt-get install libnss3-tools)");
    }

    private static boolean isRoot() {
        return "0".equals(uid());
    }

    private static String uid() {
        try {
            Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
            return String.valueOf(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "unknown (" + e + ")";
        }
    }

    private static int nodeMajor(Path node) {
        try {
            Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readNBytes(200), java.nio.charset.StandardCharsets.US_ASCII).trim();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            // "v20.20.2"
            String digits = out.startsWith("v") ? out.substring(1) : out;
            int dot = digits.indexOf('.');
            return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
