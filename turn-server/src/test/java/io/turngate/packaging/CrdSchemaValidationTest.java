package io.turngate.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.turngate.SharedFixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every STUNner and Gateway API object the kustomizations build validates against the OpenAPI schema of its CRD in
 * {@code ../shared/fixtures/stunner/crds/} (STUNner's CRDs; Gateway API v1.4.1 standard and experimental, the release
 * STUNner's Helm chart bundles), strictly: an object schema with properties admits no other field (kubectl's strict
 * field validation), unless the CRD marks it x-kubernetes-preserve-unknown-fields.
 */
@Tag(SharedFixtures.TAG)
class CrdSchemaValidationTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());

    static List<Path> kustomizations() {
        return Kustomize.kustomizations();
    }

    /** "group/version/Kind" → the version's openAPIV3Schema, made strict. */
    private static Map<String, JsonNode> schemas() throws IOException {
        Path crds = SharedFixtures.fixture("stunner", "crds");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(crds.resolve("stunner"))) {
            s.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
        }
        files.add(crds.resolve("gateway-api/v1.4.1/standard/gateway.networking.k8s.io_gatewayclasses.yaml"));
        files.add(crds.resolve("gateway-api/v1.4.1/standard/gateway.networking.k8s.io_gateways.yaml"));
        files.add(crds.resolve("gateway-api/v1.4.1/experimental/gateway.networking.k8s.io_udproutes.yaml"));
        Map<String, JsonNode> out = new HashMap<>();
        for (Path f : files) {
            JsonNode crd = Kustomize.YAML.readTree(f.toFile());
            String group = crd.path("spec").path("group").asText();
            String kind = crd.path("spec").path("names").path("kind").asText();
            for (JsonNode v : crd.path("spec").path("versions")) {
                if (v.path("served").asBoolean()) {
                    JsonNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
                    strict(schema);
                    out.put(group + "/" + v.path("name").asText() + "/" + kind, schema);
                }
            }
        }
        return out;
    }

    private static void strict(JsonNode n) {
        if (n.isArray()) {
            n.forEach(CrdSchemaValidationTest::strict);
            return;
        }
        if (!n.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) n;
        if (o.has("properties") && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            o.put("additionalProperties", false);
        }
        o.forEach(CrdSchemaValidationTest::strict);
    }

    private static List<String> errors(Map<String, JsonNode> schemas, JsonNode doc) {
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        JsonNode schema = schemas.get(key);
        assertNotNull(schema, Kustomize.id(doc) + ": no served CRD version for " + key);
        Schema s = REGISTRY.getSchema(schema);
        ObjectNode copy = doc.deepCopy();
        ((ObjectNode) copy.path("metadata")).retain("name", "namespace", "labels", "annotations"); // metadata is the API server's
        return s.validate(copy).stream().map(Error::toString).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyStunnerAndGatewayApiObjectMatchesItsCrd(Path dir) throws IOException {
        Map<String, JsonNode> schemas = schemas();
        for (JsonNode doc : Kustomize.build(dir)) {
            String group = Kustomize.group(doc);
            if (group.equals("stunner.l7mp.io") || group.equals("gateway.networking.k8s.io")) {
                assertEquals(List.of(), errors(schemas, doc), Kustomize.name(dir) + ": " + Kustomize.id(doc));
            }
        }
    }

    @Test
    void theValidationIsStrictAboutMisspelledFieldsAndWrongTypes() throws IOException {
        Map<String, JsonNode> schemas = schemas();
        ObjectNode dp = Kustomize.get(Kustomize.build("dataplane"), "Dataplane", null, "turngate").deepCopy();
        ((ObjectNode) dp.path("spec")).put("comand", "stunnerd");
        assertFalse(errors(schemas, dp).isEmpty(), "a misspelled Dataplane field is refused");
        ObjectNode gw = Kustomize.get(Kustomize.build("cloudretro/gateway-api"), "Gateway", "stunner", "udp-gateway").deepCopy();
        ((ObjectNode) gw.path("spec").path("listeners").get(0)).put("port", "3478x");
        assertFalse(errors(schemas, gw).isEmpty(), "a Gateway listener port that is not a number is refused");
    }
}
