package io.turngate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.turngate.config.cds.ZeroConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fuzz targets' seed corpus in this module, made from the fixtures the suites carry
 * ({@code src/test/resources/stunner/}, {@code golden/}, {@code k8s/cluster.yaml}): copies in Jazzer's layout,
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}. This test fails when a seed is missing or differs
 * from its fixture, so the corpus cannot drift from them. Rewrite them with {@code mvn -pl stunner-config test
 * -Dtest=SeedCorpusTest -Dturngate.writeSeeds=true}. Other files in those folders (crash inputs) are not this test's
 * business.
 * <ul>
 *   <li>{@code ConfigLoaderFuzzTest#parse}: every dataplane config (YAML, JSON, a ConfigMap) and the golden rendered
 *       configs;</li>
 *   <li>{@code GatewayResourcesFuzzTest#parse}: every manifest file (STUNner's, CloudRetro's, the cluster
 *       fixture, the golden Endpoints addition);</li>
 *   <li>{@code CdsFrameFuzzTest#frame}: what the CDS pushes, one compact JSON config per frame: the JSON
 *       dataplane configs and golden configs, the ConfigMap's inner config and two zero configs.</li>
 * </ul>
 */
class SeedCorpusTest {
    private static final Path RESOURCES = Path.of("src", "test", "resources");
    private static final Path LOADER = RESOURCES.resolve("io/turngate/config/load/ConfigLoaderFuzzTestInputs/parse");
    private static final Path GATEWAY =
            RESOURCES.resolve("io/turngate/config/gateway/GatewayResourcesFuzzTestInputs/parse");
    private static final Path CDS = RESOURCES.resolve("io/turngate/config/cds/CdsFrameFuzzTestInputs/frame");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSeedsMadeFromTheFixturesAreInTheCorpus() throws IOException {
        boolean write = Boolean.getBoolean("turngate.writeSeeds");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Path, byte[]> e : seeds().entrySet()) {
            Path f = e.getKey();
            if (write) {
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            } else if (!Files.isRegularFile(f)) {
                problems.add(f + ": missing");
            } else if (!Arrays.equals(Files.readAllBytes(f), e.getValue())) {
                problems.add(f + ": differs from its fixture");
            }
        }
        assertEquals(List.of(), problems, "seed corpus (rewrite with -Dturngate.writeSeeds=true, see the Javadoc)");
    }

    static Map<Path, byte[]> seeds() throws IOException {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        for (String f : List.of("stunner/dataplane-configs/multi_listener.conf",
                "stunner/dataplane-configs/stunnerd.conf",
                "stunner/dataplane-configs/stunner-iperf-test.conf",
                "stunner/dataplane-configs/sample-stunnerd-config.yaml",
                "golden/cloudretro.json",
                "golden/cloudretro-eds.json")) {
            out.put(LOADER.resolve(name(f)), fixture(f));
        }
        for (String f : List.of("stunner/manifests/iperf-stunner.yaml",
                "stunner/manifests/stunner-static-svc.yaml",
                "stunner/cloudretro/stunner-gwcc.yaml",
                "stunner/cloudretro/cloudretro-setup-workers.yaml",
                "stunner/cloudretro/cloudretro-setup-coordinator.yaml",
                "stunner/cloudretro/cloudretro-stunner-cleanup.yaml",
                "golden/cloudretro-endpoints.yaml",
                "k8s/cluster.yaml")) {
            out.put(GATEWAY.resolve(name(f)), fixture(f));
        }
        for (String f : List.of("stunner/dataplane-configs/stunner-iperf-test.conf",
                "golden/cloudretro.json",
                "golden/cloudretro-eds.json")) {
            out.put(CDS.resolve(name(f)), compact(JSON.readTree(fixture(f))));
        }
        JsonNode configMap = new YAMLMapper().readTree(fixture("stunner/dataplane-configs/sample-stunnerd-config.yaml"));
        out.put(CDS.resolve(name("stunner/dataplane-configs/sample-stunnerd-config.yaml") + "-data"),
                compact(JSON.readTree(configMap.path("data").path("stunnerd.conf").asText())));
        out.put(CDS.resolve("zero-config"), ZeroConfig.json("stunner/udp-gateway").getBytes(StandardCharsets.UTF_8));
        out.put(CDS.resolve("zero-config-other-realm"), ZeroConfig.json("default/gw")
                .replace("stunner.l7mp.io", "example.org").getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static String name(String fixture) {
        return fixture.replace('/', '-');
    }

    private static byte[] fixture(String f) throws IOException {
        return Files.readAllBytes(RESOURCES.resolve(f));
    }

    private static byte[] compact(JsonNode n) throws IOException {
        return JSON.writeValueAsBytes(n);
    }
}
