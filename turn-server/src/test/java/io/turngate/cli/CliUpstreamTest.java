package io.turngate.cli;

import io.turngate.SharedFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CLI cases on STUNner's CloudRetro demo files themselves, {@code ../shared/fixtures/stunner/cloudretro}. */
@Tag(SharedFixtures.TAG)
class CliUpstreamTest extends CloudRetroCliCases {
    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void requireTheUpstreamFiles() {
        SharedFixtures.dir();
    }

    @Override
    Path cloudretro() {
        return SharedFixtures.fixture("stunner", "cloudretro");
    }

    /** The project's condensed copy (what {@link CliTest} runs on) checks exactly like STUNner's files. */
    @Test
    void theProjectsCopyChecksLikeTheUpstreamFiles() {
        Path ours = new CliTest().cloudretro();
        Run upstreamRun = run("check", "-c", cloudretro().toString());
        Run ourRun = run("check", "-c", ours.toString());
        assertEquals(0, upstreamRun.code(), upstreamRun.out());
        assertEquals(upstreamRun.code(), ourRun.code());
        // the first line names the input directory
        assertEquals(upstreamRun.out().replace(cloudretro().toString(), "<dir>"),
                ourRun.out().replace(ours.toString(), "<dir>"));
    }
}
