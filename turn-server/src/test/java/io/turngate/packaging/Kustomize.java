package io.turngate.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The kustomizations under {@code k8s/} and what {@code kubectl kustomize} builds from each. */
final class Kustomize {
    static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<Path, List<JsonNode>> BUILT = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** Every folder under {@code k8s/} with a kustomization.yaml that is a Kustomization (not a Component). */
    static List<Path> kustomizations() {
        try (Stream<Path> s = Files.walk(Packaging.K8S)) {
            List<Path> out = new ArrayList<>();
            for (Path f : (Iterable<Path>) s.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()::iterator) {
                JsonNode k = YAML.readTree(f.toFile());
                if (!"Component".equals(k.path("kind").asText())) {
                    out.add(f.getParent());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code k8s/<relative>}, e.g. {@code cloudretro/standalone}. */
    static Path dir(String relative) {
        return Packaging.K8S.resolve(relative);
    }

    static String name(Path kustomization) {
        return Packaging.K8S.relativize(kustomization).toString();
    }

    /** {@code kubectl kustomize DIR}, as parsed documents; skips the test when kubectl is missing (fails under CI). */
    static List<JsonNode> build(Path dir) {
        Path kubectl = Packaging.requireTool("kubectl", "kubectl kustomize builds the manifests in k8s/");
        return BUILT.computeIfAbsent(dir, d -> {
            Packaging.Result r = Packaging.run(List.of(kubectl.toString(), "kustomize", d.toString()),
                    Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", d.toString()), d, 120);
            assertEquals(0, r.exitCode(), "kubectl kustomize " + name(d) + ":\n" + r.both());
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(r.stdout())) {
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    if (n != null && !n.isNull() && !n.isEmpty()) {
                        docs.add(n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return List.copyOf(docs);
        });
    }

    static List<JsonNode> build(String relative) {
        return build(dir(relative));
    }

    static String id(JsonNode doc) {
        String ns = doc.path("metadata").path("namespace").asText("");
        return doc.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + doc.path("metadata").path("name").asText();
    }

    static Optional<JsonNode> find(List<JsonNode> docs, String kind, String namespace, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)
                && d.path("metadata").path("namespace").asText("").equals(namespace == null ? "" : namespace)).findFirst();
    }

    static JsonNode get(List<JsonNode> docs, String kind, String namespace, String name) {
        return find(docs, kind, namespace, name).orElseThrow(() -> new AssertionError("no " + kind + " "
                + (namespace == null ? "" : namespace + "/") + name + " in " + docs.stream().map(Kustomize::id).toList()));
    }

    /** The API group of a document's apiVersion ({@code ""} for core). */
    static String group(JsonNode doc) {
        String api = doc.path("apiVersion").asText();
        return api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
    }
}
