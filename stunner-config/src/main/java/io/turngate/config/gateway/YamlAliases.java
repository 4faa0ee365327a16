package io.turngate.config.gateway;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * YAML anchors ({@code &name}), aliases ({@code *name}) and merge keys ({@code <<: *name}), resolved the way
 * {@code kubectl} (go-yaml) resolves them, for readers built on Jackson's YAML parser, which reports an alias as
 * a string holding the anchor's name. {@link #expand} rewrites a stream in which an alias or a merge key occurs as
 * the same documents with every alias replaced by a copy of the node it names and every merge key applied
 * (explicit keys win over merged ones; of several merged mappings the earlier wins). Scalars keep their text,
 * style and tag, so they are typed exactly as before; comments and line numbers are not kept, so only a stream
 * that parses is rewritten (a malformed one is returned unchanged for the caller to report).
 *
 * <p>Limits: SnakeYAML's defaults (at most 50 aliases to collections, nesting depth 50), a recursive alias is an
 * error, and the expansion stops at {@value #MAX_NODES} nodes.
 */
public final class YamlAliases {
    /** Upper bound on the nodes an expansion may produce (a guard against alias bombs). */
    static final int MAX_NODES = 1_000_000;

    private static final DumperOptions DUMP = dumperOptions();

    private YamlAliases() {
    }

    private static DumperOptions dumperOptions() {
        DumperOptions d = new DumperOptions();
        d.setWidth(Integer.MAX_VALUE);
        d.setSplitLines(false);
        return d;
    }

    /**
     * Thrown for an alias that names no anchor of its document, refers to a node containing it, or makes the
     * expansion too large.
     */
    public static final class AliasException extends Exception {
        private static final long serialVersionUID = 1L;

        AliasException(String message) {
            super(message);
        }
    }

    /**
     * {@code text} with aliases and merge keys resolved, or {@code text} itself when it has neither or does not
     * parse as YAML.
     *
     * @throws AliasException for an undefined or recursive alias, or an expansion that is too large
     */
    public static String expand(String text) throws AliasException {
        if (text.indexOf('*') < 0 && !text.contains("<<")) {
            return text;
        }
        LoaderOptions lo = new LoaderOptions();
        lo.setAllowDuplicateKeys(true);
        Yaml yaml = new Yaml(lo);
        List<Node> docs = new ArrayList<>();
        try {
            if (!needsExpansion(yaml.parse(new StringReader(text)))) {
                return text;
            }
        } catch (RuntimeException e) {
            // SnakeYAML's YAMLException and friends: malformed YAML, reported by the caller's own parser
            return text;
        }
        try {
            for (Node n : yaml.composeAll(new StringReader(text))) {
                docs.add(n);
            }
        } catch (MarkedYAMLException e) {
            // well-formed, but an alias names no anchor of its document, or too many aliases
            Mark m = e.getProblemMark();
            throw new AliasException(e.getProblem() + (m == null ? ""
                    : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)));
        } catch (YAMLException e) {
            String msg = e.getMessage() == null ? "alias error" : e.getMessage().lines().findFirst().orElse("");
            throw new AliasException(msg);
        }
        Copier copier = new Copier();
        StringBuilder out = new StringBuilder();
        Yaml dumper = new Yaml(DUMP);
        for (Node doc : docs) {
            out.append("---\n");
            if (isEmptyNull(doc)) {
                continue;
            }
            StringWriter w = new StringWriter();
            dumper.serialize(copier.copy(doc), w);
            out.append(w);
        }
        return out.toString();
    }

    /** Reads every event (so that a syntax error anywhere is found first) and tells whether any needs expansion. */
    private static boolean needsExpansion(Iterable<Event> events) {
        boolean needed = false;
        for (Event e : events) {
            needed |= e instanceof AliasEvent || e instanceof ScalarEvent s && s.isPlain() && "<<".equals(s.getValue());
        }
        return needed;
    }

    private static boolean isEmptyNull(Node n) {
        return n == null || n instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.getValue().isEmpty();
    }

    /** Deep copy that unshares aliased nodes and flattens merge keys. */
    private static final class Copier {
        private final Map<Node, Boolean> onPath = new IdentityHashMap<>();
        private int count;

        Node copy(Node n) throws AliasException {
            if (++count > MAX_NODES) {
                throw new AliasException("aliases expand to more than " + MAX_NODES + " nodes");
            }
            if (n instanceof ScalarNode s) {
                // an empty plain null ("key:") cannot be written back plain inside a flow collection, and the
                // "!!null ''" the emitter would write instead reads as an empty string: write it as "~"
                String value = Tag.NULL.equals(s.getTag()) && s.getValue().isEmpty() ? "~" : s.getValue();
                return new ScalarNode(s.getTag(), value, null, null, s.getScalarStyle());
            }
            if (onPath.put(n, Boolean.TRUE) != null) {
                throw new AliasException("recursive alias: a node contains an alias to itself");
            }
            try {
                if (n instanceof SequenceNode q) {
                    List<Node> items = new ArrayList<>();
                    for (Node x : q.getValue()) {
                        items.add(copy(x));
                    }
                    return new SequenceNode(q.getTag(), items, q.getFlowStyle());
                }
                MappingNode m = (MappingNode) n;
                List<NodeTuple> explicit = new ArrayList<>();
                List<NodeTuple> merged = new ArrayList<>();
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && Tag.MERGE.equals(k.getTag())) {
                        Node v = t.getValueNode();
                        List<Node> sources = v instanceof SequenceNode q ? q.getValue() : List.of(v);
                        for (Node src : sources) {
                            Node c = copy(src);
                            if (c instanceof MappingNode cm) {
                                merged.addAll(cm.getValue());
                            } else {
                                throw new AliasException("merge key \"<<\" needs a mapping or a list of mappings");
                            }
                        }
                    } else {
                        explicit.add(new NodeTuple(copy(t.getKeyNode()), copy(t.getValueNode())));
                    }
                }
                List<NodeTuple> tuples = new ArrayList<>(explicit);
                if (!merged.isEmpty()) {
                    Set<String> keys = new HashSet<>();
                    explicit.forEach(t -> keys.add(keyText(t)));
                    for (NodeTuple t : merged) {
                        if (keys.add(keyText(t))) {
                            tuples.add(t);
                        }
                    }
                }
                return new MappingNode(m.getTag(), tuples, m.getFlowStyle());
            } finally {
                onPath.remove(n);
            }
        }

        /** Scalar keys compare by tag and text; other keys never collide. */
        private static String keyText(NodeTuple t) {
            return t.getKeyNode() instanceof ScalarNode s ? s.getTag().getValue() + "\u0000" + s.getValue()
                    : "\u0001" + System.identityHashCode(t);
        }
    }
}
