package io.turngate.config;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The project's own STUNner sample inputs, {@code src/test/resources/stunner/} (see its README): the same tree as
 * {@code ../shared/fixtures/stunner/}, so a case runs on either root with the same relative paths.
 */
public final class Samples {
    private Samples() {
    }

    /** The root of the sample tree: {@code cloudretro/}, {@code manifests/}, {@code dataplane-configs/}. */
    public static Path stunner() {
        URL url = Samples.class.getResource("/stunner");
        if (url == null) {
            throw new IllegalStateException("no test resource /stunner (expected: src/test/resources/stunner)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
