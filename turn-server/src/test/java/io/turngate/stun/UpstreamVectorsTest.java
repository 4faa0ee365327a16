package io.turngate.stun;

import io.netty.buffer.ByteBufUtil;
import io.turngate.SharedFixtures;
import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.turngate.stun.StunFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream vector document {@code ../shared/fixtures/rfc5769.md} against the project's own vectors: every RFC 5769
 * vector and the Chrome capture are byte-identical to {@code src/test/resources/vectors/}, so every default-suite test
 * on those bytes holds for the upstream ones; the upstream bytes also verify on their own, and the documented keys and
 * TURN REST credential are the ones the default suite uses.
 */
@Tag(SharedFixtures.TAG)
class UpstreamVectorsTest {
    private static final Pattern HEX_LINE = Pattern.compile("^[0-9a-fA-F]{40,}$");
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final String MATRIX_USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    private List<String> lines;

    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void readTheUpstreamDocument() throws IOException {
        lines = Files.readAllLines(SharedFixtures.fixture("rfc5769.md"), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.1", "2.2", "2.3", "2.4"})
    void rfc5769VectorIsTheProjectsVector(String section) {
        assertEquals(hex(upstreamRfc5769(section)), hex(StunFixtures.rfc5769(section)), "RFC 5769 §" + section);
    }

    @Test
    void everyUpstreamRfc5769VectorHasAProjectCopy() {
        List<String> sections = new ArrayList<>();
        for (String heading : contiguousHex().keySet()) {
            Matcher m = Pattern.compile("^RFC 5769 §(\\d\\.\\d)").matcher(heading);
            if (m.find()) {
                sections.add(m.group(1));
            }
        }
        assertEquals(StunFixtures.RFC5769_SECTIONS, sections);
    }

    @Test
    void upstreamVectorsVerifyWithTheDocumentedKeys() throws Exception {
        for (String s : List.of("2.1", "2.2", "2.3")) {
            ReceivedStun r = StunFixtures.decode(upstreamRfc5769(s));
            assertTrue(r.fingerprintPresent(), s);
            assertTrue(r.verifyIntegrity(SHORT_TERM_KEY), s);
        }
        byte[] key = LongTermCredentials.key(MATRIX_USER, "example.org", "TheMatrIX");
        assertTrue(document().contains("`" + hex(key) + "`"), "the document states the long-term key " + hex(key));
        ReceivedStun r = StunFixtures.decode(upstreamRfc5769("2.4"));
        assertFalse(r.fingerprintPresent());
        assertTrue(r.verifyIntegrity(key));
    }

    @Test
    void chromeCaptureIsTheProjectsCapture() {
        List<String> upstream = upstreamChromeCapture().stream().map(StunFixtures::hex).toList();
        List<String> ours = StunFixtures.chromeAllocateCapture().stream().map(StunFixtures::hex).toList();
        assertEquals(4, upstream.size());
        assertEquals(upstream, ours);
    }

    /** The example RequestAuthenticatorTest and EphemeralCredentialsTest use, as the document quotes STUNner. */
    @Test
    void turnRestCredentialIsTheOneTheDefaultSuiteUses() {
        String doc = document();
        Matcher m = Pattern.compile("shared secret `([^`]+)`, username `([^`]+)`[^\\n]*\\n[^`]*`([^`]+)`").matcher(doc);
        assertTrue(m.find(), "TURN REST example in rfc5769.md");
        assertEquals(List.of("my-shared-secret", "1681490135:user-id", "WSfJZ8QIi8ebu1uWhxlclvyjEPY="),
                List.of(m.group(1), m.group(2), m.group(3)));
        assertEquals(m.group(3), EphemeralCredentials.password(m.group(1), m.group(2)));
    }

    private String document() {
        return String.join("\n", lines);
    }

    private byte[] upstreamRfc5769(String section) {
        String prefix = "RFC 5769 §" + section;
        for (Map.Entry<String, byte[]> e : contiguousHex().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getValue();
            }
        }
        throw new AssertionError("no vector for " + prefix + " in rfc5769.md; headings: " + contiguousHex().keySet());
    }

    /** Heading (without "#") → bytes of the "Contiguous hex:" block under it. */
    private Map<String, byte[]> contiguousHex() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String heading = null;
        boolean expectHex = false;
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("#")) {
                heading = t.replaceFirst("^#+\\s*", "");
                expectHex = false;
            } else if (t.equals("Contiguous hex:")) {
                expectHex = true;
            } else if (expectHex && !t.isEmpty()) {
                String hex = t.replace("`", "");
                assertTrue(HEX_LINE.matcher(hex).matches(), "not hex under '" + heading + "': " + t);
                out.put(heading, ByteBufUtil.decodeHexDump(hex));
                expectHex = false;
            }
        }
        return out;
    }

    /** The hex lines of the fenced block in the section whose heading mentions Chrome. */
    private List<byte[]> upstreamChromeCapture() {
        List<byte[]> out = new ArrayList<>();
        boolean inSection = false;
        boolean inBlock = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.contains("Chrome");
                continue;
            }
            if (!inSection) {
                continue;
            }
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (inBlock && HEX_LINE.matcher(line.trim()).matches()) {
                out.add(ByteBufUtil.decodeHexDump(line.trim()));
            }
        }
        return out;
    }
}
