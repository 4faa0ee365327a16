package io.turngate.config.load;

import io.turngate.config.SharedFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;

/** The {@link ConfigSourcesFixtureCases} on STUNner's own files, {@code ../shared/fixtures/stunner}. */
@Tag(SharedFixtures.TAG)
class ConfigSourcesUpstreamTest extends ConfigSourcesFixtureCases {
    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void requireTheUpstreamFiles() {
        SharedFixtures.dir();
    }

    @Override
    Path fixtures() {
        return SharedFixtures.fixture("stunner");
    }
}
