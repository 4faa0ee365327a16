package io.turngate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /} of the health port, without a browser: the status page is one self-contained HTML file. Nothing
 * in it loads from another host, so it works where the gateway runs (often without internet access) and leaks no
 * visit to a CDN.
 */
class StatusPageTest {
    /**
     * What makes a browser fetch something while it renders a page: src/href/srcset/data/poster of elements
     * (scripts, stylesheets, icons, images, frames, media, objects), CSS {@code url(...)} and {@code @import}, and
     * the JS network calls.
     */
    private static final List<Pattern> ASSET_REFERENCES = List.of(
            Pattern.compile("<(?:script|link|img|iframe|frame|source|video|audio|embed|object|track|input|image|use)\\b"
                    + "[^>]*?\\s(?:src|href|srcset|data|poster|xlink:href)\\s*=\\s*[\"']?([^\"'\\s>]+)",
                    Pattern.CASE_INSENSITIVE),
            Pattern.compile("url\\(\\s*[\"']?([^\"')\\s]+)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("@import\\s+(?:url\\(\\s*)?[\"']?([^\"');\\s]+)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\b(?:fetch|EventSource|WebSocket|importScripts|import)\\s*\\(\\s*[\"'`]([^\"'`]+)"),
            Pattern.compile("\\.open\\(\\s*[\"'][A-Za-z]+[\"']\\s*,\\s*[\"'`]([^\"'`]+)"));
    /** A reference that leaves the page's origin: a scheme with a host, or a scheme-relative {@code //host}. */
    private static final Pattern OTHER_HOST = Pattern.compile("^(?:[a-z][a-z0-9+.-]*:)?//", Pattern.CASE_INSENSITIVE);

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void rootServesSelfContainedHtml() throws Exception {
        try (StatusPageGateway gw = StatusPageGateway.start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(gw.statusPage()).timeout(Duration.ofSeconds(3))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "GET " + gw.statusPage());
            String type = r.headers().firstValue("content-type").orElse("");
            assertTrue(type.toLowerCase().startsWith("text/html"), "content type " + type + " (expected: text/html)");
            String html = r.body();
            assertTrue(html.startsWith("<!DOCTYPE html>"), "starts with " + html.substring(0, Math.min(40, html.length())));
            for (String id : List.of("listeners", "clusters", "users")) {
                assertTrue(html.contains("<table id=\"" + id + "\""), "the page has table #" + id);
            }

            List<String> references = assetReferences(html);
            assertTrue(references.stream().anyMatch(u -> u.contains("status")),
                    "the scan finds the page's own read of status (expected, or the scan is blind): " + references);
            List<String> external = references.stream().filter(u -> OTHER_HOST.matcher(u).find()).toList();
            assertEquals(List.of(), external, "asset references to other hosts (expected: none; all references "
                    + references + ")");
            assertEquals(List.of(), references.stream().filter(u -> u.toLowerCase().startsWith("http")).toList(),
                    "absolute http(s) asset references");
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void referenceScanFindsExternalAssets() {
        String html = "<html><head><script src=\"https://cdn.example.com/x.js\"></script>"
                + "<link rel=\"stylesheet\" href='//fonts.example.com/f.css'>"
                + "<style>@import \"http://example.org/a.css\"; body { background: url(https://example.org/b.png) }"
                + "</style></head><body><img src=logo.png><script>fetch(\"status\")</script></body></html>";
        List<String> refs = assetReferences(html);
        assertEquals(List.of("https://cdn.example.com/x.js", "//fonts.example.com/f.css", "logo.png",
                "https://example.org/b.png", "http://example.org/a.css", "status"), refs);
        assertEquals(4, refs.stream().filter(u -> OTHER_HOST.matcher(u).find()).count(), "references off the origin");
    }

    /** Every URL the page would load, in the order of {@link #ASSET_REFERENCES}. */
    private static List<String> assetReferences(String html) {
        List<String> out = new ArrayList<>();
        for (Pattern p : ASSET_REFERENCES) {
            Matcher m = p.matcher(html);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
