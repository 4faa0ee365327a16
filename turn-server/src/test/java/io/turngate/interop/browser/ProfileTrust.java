package io.turngate.interop.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes a browser profile, and only it, trust a test CA. Chromium on Linux verifies certificates, the TURN-TLS
 * server's included, with the trust anchors of the NSS database in {@code $HOME/.pki/nssdb} beside the built-in
 * roots; {@link SceneRun} starts Chromium with {@code HOME} set to the test's folder, so a database made there is
 * this scene's alone. The machine's trust (Debian's {@code /etc/ssl}, {@code /usr/share/ca-certificates}, the JDK's
 * cacerts) is never touched, and the database goes with the folder when the test ends.
 *
 * <p>Needs {@code certutil} from Debian's {@code libnss3-tools}.
 */
public final class ProfileTrust {
    /** The nickname of the CA in the database. */
    static final String NICKNAME = "turngate browser-scene test CA";

    private ProfileTrust() {
    }

    /** The NSS database of a browser whose {@code HOME} is {@code home}. */
    public static Path nssDatabase(Path home) {
        return home.resolve(".pki").resolve("nssdb");
    }

    /**
     * Creates the NSS database of {@code home} (no password) and adds {@code caPem} to it as a CA trusted to issue
     * server certificates ({@code certutil -t "C,,"}); the database's listing of it afterwards, for the record.
     */
    public static String trustOnlyInProfile(Path home, Path caPem) throws IOException {
        Path db = nssDatabase(home);
        Files.createDirectories(db);
        String where = "sql:" + db;
        Tools.run(home, List.of(certutil(), "-N", "-d", where, "--empty-password"));
        Tools.run(home, List.of(certutil(), "-A", "-d", where, "-n", NICKNAME, "-t", "C,,", "-i", caPem.toString()));
        return Tools.run(home, List.of(certutil(), "-L", "-d", where)).strip();
    }

    /**
     * The certutil binary: {@code TURNGATE_CERTUTIL}, or {@code certutil} on the PATH; null when there is none (or
     * when {@code TURNGATE_CERTUTIL} names no executable file).
     */
    public static String certutil() {
        String env = System.getenv("TURNGATE_CERTUTIL");
        if (env != null && !env.isBlank()) {
            return Files.isExecutable(Path.of(env)) ? env : null;
        }
        Path p = Prerequisites.onPath("certutil");
        return p == null ? null : p.toString();
    }
}
