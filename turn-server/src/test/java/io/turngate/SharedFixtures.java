package io.turngate;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The upstream fixture files in {@code ../shared} (the folder beside the project root), for the tests tagged
 * {@value #TAG} only: they check that the project's own test data still carries the facts of the real upstream
 * files, and run the upstream files themselves. The default suite never reads {@code ../shared}.
 *
 * <p>When the folder is missing the test is skipped with a one-line notice on stderr, except under {@code CI=true},
 * where it fails: CI always has {@code ../shared}, so there a missing folder is a broken setup, not a skip.
 */
public final class SharedFixtures {
    /** JUnit tag of the tests that read {@code ../shared}: {@code -Dgroups=shared} runs only them. */
    public static final String TAG = "shared";

    private static final AtomicBoolean BANNER_SHOWN = new AtomicBoolean();

    private SharedFixtures() {
    }

    /** Where the folder is expected: property {@code turngate.shared} (set by surefire), else {@code ../../shared}. */
    public static Path location() {
        String p = System.getProperty("turngate.shared");
        Path dir = p == null || p.isBlank() ? Path.of("..", "..", "shared") : Path.of(p);
        return dir.toAbsolutePath().normalize();
    }

    /** The shared folder when it has {@code fixtures/}; otherwise skips the test, or fails it under {@code CI=true}. */
    public static Path dir() {
        Path dir = location();
        if (Files.isDirectory(dir.resolve("fixtures"))) {
            return dir;
        }
        String missing = "upstream fixtures not found: " + dir.resolve("fixtures")
                + " (expected: the shared/ folder beside the project root)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            banner("FAILED: " + missing + "; CI=true requires it");
            return Assertions.fail("CI=true requires the upstream fixtures: " + missing);
        }
        banner("SKIPPED: tests tagged '" + TAG + "': " + missing + "; the default suite does not need it");
        Assumptions.assumeTrue(false, missing);
        throw new AssertionError("unreachable");
    }

    /** One line on stderr, once per test JVM. */
    private static void banner(String line) {
        if (BANNER_SHOWN.compareAndSet(false, true)) {
            System.err.println("[" + TAG + "] " + line);
            System.err.flush();
        }
    }

    /** {@code <shared>/fixtures/<first>/<more>...}, after {@link #dir()}. */
    public static Path fixture(String first, String... more) {
        return dir().resolve("fixtures").resolve(Path.of(first, more));
    }
}
