package io.turngate.config.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.turngate.config.v1.ConfigException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lenient multi-document YAML (and therefore JSON) reading, as {@code kubectl apply -f} sees a file: documents
 * separated by {@code ---}, duplicate mapping keys tolerated (the last one wins, like the Go YAML decoder used by
 * kubectl; the CloudRetro workers manifest relies on this), anchors, aliases and merge keys resolved as kubectl
 * resolves them ({@link YamlAliases}). Empty documents are kept as {@code null} entries so that document numbers in
 * messages match what a reader counts in the file. JSON that YAML refuses (tab indentation) is read as one JSON
 * document.
 */
public final class YamlDocuments {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private YamlDocuments() {
    }

    /**
     * Parses every document of {@code text}.
     *
     * @param source file name used in the problem message
     * @throws ConfigException naming the file, the document, line and column when the YAML is malformed
     */
    public static List<JsonNode> read(String text, String source) throws ConfigException {
        List<JsonNode> docs = new ArrayList<>();
        String yaml;
        try {
            yaml = YamlAliases.expand(text);
        } catch (YamlAliases.AliasException e) {
            throw new ConfigException(source + ": " + e.getMessage() + " (expected: every alias *name after an anchor"
                + " &name in the same document, outside the node it names)");
        }
        // A parser loop rather than readValues(): readValues() would unwrap a root-level list into its elements.
        try (JsonParser p = YAML.createParser(yaml)) {
            while (p.nextToken() != null) {
                JsonNode n = YAML.readTree(p);
                docs.add(n == null || n.isMissingNode() || n.isNull() ? null : n);
            }
        } catch (JsonProcessingException e) {
            JsonNode json = tryJson(text);
            if (json != null) {
                // JSON that YAML rejects (tabs used for indentation are legal JSON whitespace)
                List<JsonNode> one = new ArrayList<>();
                one.add(json);
                return one;
            }
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ConfigException(source + " (document " + (docs.size() + 1) + "): malformed YAML" + where + ": "
                    + condense(e.getOriginalMessage()) + " (expected: well-formed YAML or JSON)");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(source + " (document " + (docs.size() + 1) + "): cannot parse: " + e.getMessage()
                    + " (expected: well-formed YAML or JSON)");
        }
        return docs;
    }

    private static JsonNode tryJson(String text) {
        String t = text.stripLeading();
        if (!t.startsWith("{") && !t.startsWith("[")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** SnakeYAML messages span several lines with a source snippet; keep the descriptive lines only. */
    static String condense(String msg) {
        if (msg == null) {
            return "syntax error";
        }
        StringBuilder sb = new StringBuilder();
        String[] lines = msg.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.isEmpty() || t.startsWith("in 'reader'") || t.startsWith("in 'string'") || t.equals("^")
                    || t.startsWith("^")) {
                continue;
            }
            // a snippet line is followed by a caret line
            if (i + 1 < lines.length && lines[i + 1].trim().startsWith("^")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(t);
        }
        return sb.length() == 0 ? "syntax error" : sb.toString();
    }
}
