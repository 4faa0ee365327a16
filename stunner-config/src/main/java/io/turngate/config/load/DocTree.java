package io.turngate.config.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.turngate.config.gateway.YamlAliases;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal, untyped document tree read from YAML or JSON with Jackson's streaming parsers. Unlike a
 * {@code JsonNode} tree it keeps object entries in source order including duplicate keys (so lookups can be
 * case-insensitive with "last wins", like Go's {@code encoding/json}), and keeps the source text of every scalar
 * (so a YAML number can be read into a string field the way {@code sigs.k8s.io/yaml} does). Anchors, aliases and
 * merge keys are resolved first ({@link YamlAliases}).
 */
final class DocTree {
    private DocTree() {
    }

    /** A node of the tree. */
    sealed interface Node permits Obj, Arr, Scalar {
    }

    /** A mapping; entries in source order, duplicates kept. */
    record Obj(List<Map.Entry<String, Node>> entries) implements Node {
        /** The value of the last key equal to {@code key} ignoring case, or {@code null}. */
        Node get(String key) {
            Node found = null;
            for (Map.Entry<String, Node> e : entries) {
                if (e.getKey().equalsIgnoreCase(key)) {
                    found = e.getValue();
                }
            }
            return found;
        }

        /** The value of the last key exactly equal to {@code key}, or {@code null}. */
        Node getExact(String key) {
            Node found = null;
            for (Map.Entry<String, Node> e : entries) {
                if (e.getKey().equals(key)) {
                    found = e.getValue();
                }
            }
            return found;
        }
    }

    /** A sequence. */
    record Arr(List<Node> items) implements Node {
    }

    /** Scalar kinds as the parser reported them. */
    enum Kind { STRING, INT, FLOAT, BOOL, NULL, OTHER }

    /**
     * A scalar. {@code text} is the source text ({@code "3478"}, {@code "true"}, never {@code null} except for
     * NULL); {@code number} is set for INT and FLOAT.
     */
    record Scalar(Kind kind, String text, Number number) implements Node {
        static final Scalar NULL = new Scalar(Kind.NULL, null, null);
    }

    /** A syntax error with its 1-based position (0 when unknown). */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;

        SyntaxException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        /** {@code line 3, column 7: <message> (expected: valid YAML or JSON)}. */
        String problem() {
            String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
            return where + getMessage() + " (expected: valid YAML or JSON)";
        }
    }

    /** SnakeYAML's "problem, then where" message shape; the last match is the actual problem. */
    private static final Pattern YAML_MARK =
            Pattern.compile("(?m)^(\\S[^\\n]*)\\n in '[^']*', line (\\d+), column (\\d+):");

    /** {@code key:} with nothing after it is null (YAML 1.1/1.2 and go-yaml), {@code key: ""} the empty string. */
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    /**
     * Parses {@code text} as YAML, then as JSON if YAML fails (stunnerd's order). Returns {@code null} for an
     * empty document. On failure the YAML error is reported, or the JSON one when the text starts like JSON.
     */
    static Node parse(String text) throws SyntaxException {
        String yaml;
        try {
            yaml = YamlAliases.expand(text);
        } catch (YamlAliases.AliasException e) {
            throw new SyntaxException(e.getMessage(), 0, 0);
        }
        try {
            return read(YAML, yaml);
        } catch (SyntaxException yamlError) {
            try {
                return read(JSON, text);
            } catch (SyntaxException jsonError) {
                String t = text.stripLeading();
                throw t.startsWith("{") || t.startsWith("[") ? jsonError : yamlError;
            }
        }
    }

    private static Node read(JsonFactory factory, String text) throws SyntaxException {
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            return readValue(p, t);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null) {
                Matcher m = YAML_MARK.matcher(msg);
                String problem = null;
                int line = 0;
                int column = 0;
                while (m.find()) {
                    problem = m.group(1).strip();
                    line = Integer.parseInt(m.group(2));
                    column = Integer.parseInt(m.group(3));
                }
                if (problem != null) {
                    throw new SyntaxException(problem, line, column);
                }
            }
            JsonLocation loc = e.getLocation();
            msg = msg == null ? e.getClass().getSimpleName() : firstLine(msg);
            throw new SyntaxException(msg, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr());
        } catch (IOException | RuntimeException e) {
            // RuntimeException: SnakeYAML errors that Jackson does not wrap (defensive)
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
            throw new SyntaxException(msg, 0, 0);
        }
    }

    private static Node readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                List<Map.Entry<String, Node>> entries = new ArrayList<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    Node v = readValue(p, p.nextToken());
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(name, v));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new IOException("unexpected " + k + " in a mapping");
                }
                return new Obj(entries);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                JsonToken k;
                while ((k = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (k == null) {
                        throw new IOException("unexpected end of input in a sequence");
                    }
                    items.add(readValue(p, k));
                }
                return new Arr(items);
            }
            case VALUE_STRING:
                return new Scalar(Kind.STRING, p.getText(), null);
            case VALUE_NUMBER_INT:
                return new Scalar(Kind.INT, p.getText(), p.getNumberValue());
            case VALUE_NUMBER_FLOAT:
                return new Scalar(Kind.FLOAT, p.getText(), p.getNumberValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(Kind.BOOL, p.getText(), null);
            case VALUE_NULL:
                return Scalar.NULL;
            default:
                return new Scalar(Kind.OTHER, p.getText(), null);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }
}
