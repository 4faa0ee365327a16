package io.turngate.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README shows only examples that exist in the repository, and they check as the README says. */
class ReadmeExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("turngate.root", "../"));

    private static Set<String> examplesNamedInTheReadme() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("k8s/examples/[A-Za-z0-9._/-]*[A-Za-z0-9_/-]").matcher(readme);
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void everyExampleTheReadmeNamesExistsAndChecksAsShown() throws Exception {
        Set<String> examples = examplesNamedInTheReadme();
        assertTrue(examples.size() >= 4, "examples named: " + examples);
        assertFalse(Files.readString(ROOT.resolve("README.md")).contains("-c ../shared"),
                "the README must not send users to ../shared, which a clone does not have");
        for (String e : examples) {
            Path p = ROOT.resolve(e);
            assertTrue(Files.exists(p), "README names " + e + ", which is not in the repository");
            if (Files.isDirectory(p) || e.endsWith(".conf") || e.endsWith(".yaml")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrintStream err = System.err;
                int code;
                try {
                    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
                    code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), "check", "-c", p.toString());
                } finally {
                    System.setErr(err);
                }
                assertEquals(e.contains("broken") ? 2 : 0, code, e + ": " + out);
            }
        }
    }
}
