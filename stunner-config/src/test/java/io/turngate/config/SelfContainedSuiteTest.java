package io.turngate.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the default suite free of {@code ../shared}: only {@link SharedFixtures} knows where that folder is, and only
 * tests tagged {@value SharedFixtures#TAG} use it.
 */
class SelfContainedSuiteTest {
    @Test
    void onlyTestsTaggedSharedReadTheSharedFolder() throws IOException {
        Path sources = Path.of("src", "test", "java");
        assertTrue(Files.isDirectory(sources), "run from the module directory (surefire does): " + sources.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        int users = 0;
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String name = f.getFileName().toString();
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (name.equals("SharedFixtures.java") || name.equals("SelfContainedSuiteTest.java")) {
                    continue;
                }
                if (text.contains("turngate.shared") || text.contains("\"../../shared\"")) {
                    offenders.add(f + ": names the shared folder (expected: only SharedFixtures does)");
                }
                if (text.contains("SharedFixtures.")) {
                    users++;
                    if (!text.contains("@Tag(SharedFixtures.TAG)")) {
                        offenders.add(f + ": uses SharedFixtures without @Tag(SharedFixtures.TAG)");
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
        assertTrue(users > 0, "the upstream suite exists");
    }
}
