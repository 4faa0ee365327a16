package io.turngate.interop.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command-line tool (openssl, certutil) to completion, bounded in time, and says why it failed. */
final class Tools {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Tools() {
    }

    /**
     * Runs {@code cmd} in {@code dir} and waits at most 30 s; its output (stdout and stderr together) when it exits
     * with 0.
     *
     * @throws IOException when it cannot start, exits with another status (the message has its output) or overruns
     *                     (it is then ended by its PID)
     */
    static String run(Path dir, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try {
            // The tools used here print a few lines at most; reading after the exit cannot block on a full pipe.
            if (!p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " took longer than " + LIMIT.toSeconds() + " s: " + cmd);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " exited with " + p.exitValue() + ": " + cmd + "\n" + out);
        }
        return out;
    }
}
