package io.turngate.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kustomization under {@code k8s/} builds with {@code kubectl kustomize}; every object it builds reads into
 * fabric8's typed Kubernetes model without a field the model does not know (what {@code kubectl apply}'s strict field
 * validation would refuse) wherever fabric8 has a model for its kind (core, apps, batch, RBAC, and the Gateway API's
 * own kinds); every name a pod template or binding refers to is in the same build; and the manifests carry the facts
 * STUNner's operator and the CloudRetro demo rely on. STUNner's kinds are checked against their CRDs in
 * {@code CrdSchemaValidationTest}.
 */
class KustomizeBuildTest {
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    /** Groups whose kinds are STUNner's CRDs: fabric8 has no model for them. */
    private static final Set<String> CRD_ONLY_GROUPS = Set.of("stunner.l7mp.io");

    static List<Path> kustomizations() {
        return Kustomize.kustomizations();
    }

    @Test
    void theLayoutHasEveryBaseAndOverlay() {
        Set<String> names = kustomizations().stream().map(Kustomize::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("base/gateway", "standalone", "configmap", "dataplane",
                "cloudretro/workers", "cloudretro/coordinator", "cloudretro/gateway-api", "cloudretro/worker-config",
                "cloudretro/coordinator-config", "cloudretro/standalone", "cloudretro/operator",
                "cloudretro/two-clusters/primary", "cloudretro/two-clusters/secondary")), names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void buildsWithKubectlKustomizeWithoutDuplicates(Path dir) {
        List<JsonNode> docs = Kustomize.build(dir);
        assertFalse(docs.isEmpty(), Kustomize.name(dir) + " builds nothing");
        List<String> ids = docs.stream().map(Kustomize::id).toList();
        assertEquals(new HashSet<>(ids).size(), ids.size(), "duplicate objects: " + ids);
        for (JsonNode d : docs) {
            assertFalse(d.path("metadata").path("name").asText().isEmpty(), "unnamed object in " + Kustomize.name(dir));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyObjectReadsIntoFabric8sTypedModelWithNoUnknownField(Path dir) throws Exception {
        for (JsonNode doc : Kustomize.build(dir)) {
            String where = Kustomize.name(dir) + ": " + Kustomize.id(doc);
            Class<? extends KubernetesResource> type = FABRIC8.getRegisteredKubernetesResource(
                    doc.path("apiVersion").asText(), doc.path("kind").asText());
            if (type == null) {
                assertTrue(CRD_ONLY_GROUPS.contains(Kustomize.group(doc)), where + ": fabric8 has no model for "
                        + doc.path("apiVersion").asText() + " " + doc.path("kind").asText());
                continue;
            }
            Object typed = FABRIC8.unmarshal(Kustomize.YAML.writeValueAsString(doc));
            assertFalse(typed instanceof GenericKubernetesResource, where + ": read untyped");
            assertTrue(type.isInstance(typed), where + ": read as " + typed.getClass());
            List<String> unknown = new ArrayList<>();
            unknownFields(typed, doc.path("kind").asText(), unknown, new IdentityHashMap<>());
            assertEquals(List.of(), unknown, where + ": fields the Kubernetes API does not know");
        }
    }

    /** Collects the paths of every field the typed model kept in an additionalProperties map. */
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add(path + "." + k));
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            unknownFields(v, path + "." + field, out, seen);
        }
    }

    private static <T> T typed(JsonNode doc, Class<T> type) throws Exception {
        return FABRIC8.unmarshal(Kustomize.YAML.writeValueAsString(doc), type);
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static String fieldRef(Container c, String env) {
        EnvVar v = c.getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + env));
        return v.getValueFrom() == null || v.getValueFrom().getFieldRef() == null ? "value " + v.getValue()
                : v.getValueFrom().getFieldRef().getFieldPath();
    }

    /** The dataplane pod as the operator renders it (stunner-compat §1e, §1f), in every turngate gateway build. */
    private static void assertOperatorLikeGateway(List<JsonNode> docs) throws Exception {
        Deployment d = typed(Kustomize.get(docs, "Deployment", "stunner", "udp-gateway"), Deployment.class);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = container(pod, "stunner-daemon");
        assertEquals(List.of("stunnerd"), c.getCommand());
        assertEquals("status.podIP", fieldRef(c, "STUNNER_ADDR"));
        assertEquals("spec.nodeName", fieldRef(c, "STUNNER_NODENAME"));
        assertEquals("value udp-gateway", fieldRef(c, "STUNNER_NAME"));
        assertEquals("value stunner", fieldRef(c, "STUNNER_NAMESPACE"));
        assertEquals("/live", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(8086, c.getLivenessProbe().getHttpGet().getPort().getIntVal());
        assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals(8086, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
        for (var p : List.of(c.getLivenessProbe(), c.getReadinessProbe())) {
            assertEquals(List.of(15, 1, 3), List.of(p.getPeriodSeconds(), p.getTimeoutSeconds(), p.getFailureThreshold()));
        }
        assertTrue(c.getPorts().stream().anyMatch(p -> p.getContainerPort() == 8080 && p.getName().equals("metrics-port")));
        assertTrue(c.getPorts().stream().anyMatch(p -> p.getContainerPort() == 3478 && p.getProtocol().equals("UDP")));
        assertEquals(3600L, pod.getTerminationGracePeriodSeconds());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(c.getImage().startsWith("turngate"), c.getImage());

        Service s = typed(Kustomize.get(docs, "Service", "stunner", "udp-gateway"), Service.class);
        assertEquals("LoadBalancer", s.getSpec().getType());
        assertEquals("ClientIP", s.getSpec().getSessionAffinity());
        assertEquals(1, s.getSpec().getPorts().size());
        assertEquals(List.of(3478, "UDP", "udp-listener"), List.of(s.getSpec().getPorts().get(0).getPort(),
                s.getSpec().getPorts().get(0).getProtocol(), s.getSpec().getPorts().get(0).getName()));
        assertEquals("stunner/udp-gateway", s.getMetadata().getAnnotations().get("stunner.l7mp.io/related-gateway-name"));
        assertTrue(d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()));
    }

    @Test
    void theStandaloneGatewayRunsKubernetesModeInAPodLikeTheOperatorsDataplane() throws Exception {
        List<JsonNode> docs = Kustomize.build("standalone");
        assertOperatorLikeGateway(docs);
        Deployment d = typed(Kustomize.get(docs, "Deployment", "stunner", "udp-gateway"), Deployment.class);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertEquals("turngate", pod.getServiceAccountName());
        List<String> args = container(pod, "stunner-daemon").getArgs();
        assertTrue(args.contains("--kubernetes"), args.toString());
        assertEquals("stunner/udp-gateway", args.get(args.indexOf("--gateway") + 1), args.toString());
        Kustomize.get(docs, "ServiceAccount", "stunner", "turngate");
    }

    @Test
    void theStandaloneRolesReadWhatTheRendererReadsAndWriteOnlyStatusAndLeases() throws Exception {
        List<JsonNode> docs = Kustomize.build("standalone");
        ClusterRole cr = typed(Kustomize.get(docs, "ClusterRole", null, "turngate"), ClusterRole.class);
        Set<String> read = new TreeSet<>();
        Set<String> write = new TreeSet<>();
        for (PolicyRule r : cr.getRules()) {
            assertFalse(r.getVerbs().contains("*") || r.getResources().contains("*") || r.getApiGroups().contains("*"), r.toString());
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    String gr = (g.isEmpty() ? "core" : g) + "/" + res;
                    if (res.endsWith("/status")) {
                        assertEquals(Set.of("update", "patch"), Set.copyOf(r.getVerbs()), gr);
                        write.add(gr);
                    } else if (res.equals("secrets") || res.equals("customresourcedefinitions")) {
                        assertEquals(List.of("get"), r.getVerbs(), gr + ": one by one, never listed");
                        read.add(gr);
                    } else {
                        assertEquals(Set.of("get", "list", "watch"), Set.copyOf(r.getVerbs()), gr);
                        read.add(gr);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("gateway.networking.k8s.io/gatewayclasses", "gateway.networking.k8s.io/gateways",
                "gateway.networking.k8s.io/udproutes", "stunner.l7mp.io/gatewayconfigs", "stunner.l7mp.io/udproutes",
                "stunner.l7mp.io/staticservices", "stunner.l7mp.io/dataplanes", "core/services", "core/nodes",
                "core/secrets", "discovery.k8s.io/endpointslices", "apiextensions.k8s.io/customresourcedefinitions")), read);
        assertEquals(new TreeSet<>(List.of("gateway.networking.k8s.io/gatewayclasses/status",
                "gateway.networking.k8s.io/gateways/status", "gateway.networking.k8s.io/udproutes/status",
                "stunner.l7mp.io/udproutes/status")), write);
        Role leases = typed(Kustomize.get(docs, "Role", "stunner", "turngate-leader-election"), Role.class);
        assertEquals(1, leases.getRules().size());
        assertEquals(List.of("coordination.k8s.io"), leases.getRules().get(0).getApiGroups());
        assertEquals(List.of("leases"), leases.getRules().get(0).getResources());
        assertEquals(Set.of("get", "create", "update", "patch"), Set.copyOf(leases.getRules().get(0).getVerbs()));
        List<String> kinds = docs.stream().map(d -> d.path("kind").asText()).filter(k -> k.endsWith("Role")).toList();
        assertEquals(List.of("ClusterRole", "Role"), kinds.stream().sorted().toList(), "no other roles");
    }

    @Test
    void theConfigMapVariantRunsAStunnerdConfigFromItsConfigMapAndWatchesIt() throws Exception {
        List<JsonNode> docs = Kustomize.build("configmap");
        assertOperatorLikeGateway(docs);
        Deployment d = typed(Kustomize.get(docs, "Deployment", "stunner", "udp-gateway"), Deployment.class);
        Container c = container(d.getSpec().getTemplate().getSpec(), "stunner-daemon");
        assertEquals(List.of("-c", "/etc/turngate/stunnerd.conf", "-w"), c.getArgs().subList(0, 3));
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/turngate")));
        JsonNode cm = Kustomize.get(docs, "ConfigMap", "stunner", "turngate-config");
        assertTrue(cm.path("data").path("stunnerd.conf").asText().contains("address: $STUNNER_ADDR"));
    }

    @Test
    void theDataplaneRunsTurngatesImageWithTheOperatorsCommandAndTheOperatorOverlayPointsAtIt() {
        JsonNode dp = Kustomize.get(Kustomize.build("dataplane"), "Dataplane", null, "turngate");
        assertEquals("stunner.l7mp.io/v1", dp.path("apiVersion").asText());
        assertEquals(List.of("stunnerd"), strings(dp.path("spec").path("command")));
        assertEquals(List.of("-w", "--udp-thread-num=16"), strings(dp.path("spec").path("args")));
        assertEquals(3600, dp.path("spec").path("terminationGracePeriodSeconds").asInt());
        assertTrue(dp.path("spec").path("enableMetricsEndpoint").asBoolean());

        List<JsonNode> op = Kustomize.build("cloudretro/operator");
        assertEquals("turngate", Kustomize.get(op, "GatewayConfig", "stunner", "stunner-gatewayconfig")
                .path("spec").path("dataplane").asText());
        assertEquals("turngate:latest", Kustomize.get(op, "Dataplane", null, "turngate").path("spec").path("image").asText(),
                "the overlay's images: entry sets the Dataplane's image too");
        assertTrue(Kustomize.find(op, "Deployment", "stunner", "udp-gateway").isEmpty(),
                "under the operator the gateway's Deployment is the operator's to render");
        Kustomize.get(op, "Namespace", null, "stunner");
    }

    @Test
    void theCloudRetroOverlaysCarryTheDemosFacts() throws Exception {
        for (String overlay : List.of("cloudretro/standalone", "cloudretro/operator", "cloudretro/two-clusters/primary")) {
            List<JsonNode> docs = Kustomize.build(overlay);
            assertDemoGatewayApi(docs);
            Deployment coordinator = typed(Kustomize.get(docs, "Deployment", "cloudretro", "coordinator-deployment"), Deployment.class);
            Container cc = container(coordinator.getSpec().getTemplate().getSpec(), "coordinator");
            assertEquals(List.of("coordinator"), cc.getCommand());
            assertEquals("cloudretro-config-c", cc.getEnvFrom().get(0).getConfigMapRef().getName());
            Service lb = typed(Kustomize.get(docs, "Service", "cloudretro", "coordinator-lb-svc"), Service.class);
            assertEquals("LoadBalancer", lb.getSpec().getType());
            assertEquals(8000, lb.getSpec().getPorts().get(0).getPort());
            assertWorkers(docs);
            Kustomize.get(docs, "Job", "cloudretro", "cloudretro-ice-servers");
            Kustomize.get(docs, "Job", "cloudretro", "cloudretro-worker-config");
        }
        List<JsonNode> secondary = Kustomize.build("cloudretro/two-clusters/secondary");
        assertDemoGatewayApi(secondary);
        assertWorkers(secondary);
        assertOperatorLikeGateway(secondary);
        assertTrue(Kustomize.find(secondary, "Deployment", "cloudretro", "coordinator-deployment").isEmpty());
        assertTrue(Kustomize.find(secondary, "Job", "cloudretro", "cloudretro-ice-servers").isEmpty());
        assertOperatorLikeGateway(Kustomize.build("cloudretro/standalone"));
    }

    private static void assertDemoGatewayApi(List<JsonNode> docs) {
        JsonNode gc = Kustomize.get(docs, "GatewayClass", null, "stunner-gatewayclass");
        assertEquals("stunner.l7mp.io/gateway-operator", gc.path("spec").path("controllerName").asText());
        assertEquals("stunner", gc.path("spec").path("parametersRef").path("namespace").asText());
        JsonNode cfg = Kustomize.get(docs, "GatewayConfig", "stunner", "stunner-gatewayconfig").path("spec");
        assertEquals(List.of("stunner.l7mp.io", "static", "user-1", "pass-1"), List.of(cfg.path("realm").asText(),
                cfg.path("authType").asText(), cfg.path("userName").asText(), cfg.path("password").asText()));
        JsonNode l = Kustomize.get(docs, "Gateway", "stunner", "udp-gateway").path("spec").path("listeners").get(0);
        assertEquals(List.of("udp-listener", "3478", "TURN-UDP"),
                List.of(l.path("name").asText(), l.path("port").asText(), l.path("protocol").asText()));
        JsonNode route = Kustomize.get(docs, "UDPRoute", "stunner", "worker-udp-route");
        assertEquals("stunner.l7mp.io/v1", route.path("apiVersion").asText());
        JsonNode backend = route.path("spec").path("rules").get(0).path("backendRefs").get(0);
        assertEquals("worker-ci-udp-svc", backend.path("name").asText());
        assertEquals("cloudretro", backend.path("namespace").asText());
        assertTrue(backend.path("port").isMissingNode(), "no port: the workers' random ICE ports are all admitted");
    }

    private static void assertWorkers(List<JsonNode> docs) throws Exception {
        Deployment w = typed(Kustomize.get(docs, "Deployment", "cloudretro", "worker-deployment"), Deployment.class);
        assertEquals(2, w.getSpec().getReplicas());
        Container wc = container(w.getSpec().getTemplate().getSpec(), "worker");
        assertEquals(List.of("worker"), wc.getCommand());
        assertEquals(Set.of(9000, 8443), wc.getPorts().stream().map(p -> p.getContainerPort()).collect(Collectors.toSet()));
        Service udp = typed(Kustomize.get(docs, "Service", "cloudretro", "worker-ci-udp-svc"), Service.class);
        assertEquals("ClusterIP", udp.getSpec().getType());
        assertEquals(List.of(8443, "UDP"), List.of(udp.getSpec().getPorts().get(0).getPort(), udp.getSpec().getPorts().get(0).getProtocol()));
        assertEquals("3", Kustomize.get(docs, "ConfigMap", "cloudretro", "cloudretro-config-w").path("data")
                .path("CLOUD_GAME_EMULATOR_AUTOSAVESEC").asText());
    }

    /** ConfigMaps a user creates by hand (documented in the two-cluster overlays), not part of any build. */
    private static final Set<String> CREATED_BY_HAND = Set.of("cloudretro/cloudretro-remote");

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyNameAPodTemplateOrBindingUsesIsInTheSameBuild(Path dir) {
        List<JsonNode> docs = Kustomize.build(dir);
        String k = Kustomize.name(dir);
        Set<String> present = docs.stream().map(Kustomize::id).collect(Collectors.toSet());
        boolean leaf = !k.equals("base/gateway") && !k.startsWith("cloudretro/worker-config")
                && !k.startsWith("cloudretro/coordinator-config");
        List<String> missing = new ArrayList<>();
        for (JsonNode d : docs) {
            String ns = d.path("metadata").path("namespace").asText("");
            JsonNode pod = d.path("spec").path("template").path("spec");
            if (!pod.isMissingNode()) {
                String sa = pod.path("serviceAccountName").asText("");
                if (!sa.isEmpty() && leaf) {
                    need(present, "ServiceAccount " + ns + "/" + sa, Kustomize.id(d), missing);
                }
                for (JsonNode v : pod.path("volumes")) {
                    if (v.has("configMap") && leaf) {
                        need(present, "ConfigMap " + ns + "/" + v.path("configMap").path("name").asText(), Kustomize.id(d), missing);
                    }
                }
                List<JsonNode> containers = new ArrayList<>();
                pod.path("initContainers").forEach(containers::add);
                pod.path("containers").forEach(containers::add);
                for (JsonNode c : containers) {
                    for (JsonNode e : c.path("envFrom")) {
                        if (e.has("configMapRef") && leaf) {
                            need(present, "ConfigMap " + ns + "/" + e.path("configMapRef").path("name").asText(), Kustomize.id(d), missing);
                        }
                    }
                    for (JsonNode e : c.path("env")) {
                        JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
                        String name = ns + "/" + ref.path("name").asText();
                        if (!ref.isMissingNode() && !ref.path("optional").asBoolean(false) && !CREATED_BY_HAND.contains(name) && leaf) {
                            need(present, "ConfigMap " + name, Kustomize.id(d), missing);
                        }
                    }
                    for (JsonNode m : c.path("volumeMounts")) {
                        boolean declared = false;
                        for (JsonNode v : pod.path("volumes")) {
                            declared |= v.path("name").asText().equals(m.path("name").asText());
                        }
                        if (!declared) {
                            missing.add(Kustomize.id(d) + ": volumeMount " + m.path("name").asText() + " has no volume");
                        }
                    }
                }
            }
            if (d.path("kind").asText().endsWith("RoleBinding") && leaf) {
                JsonNode ref = d.path("roleRef");
                need(present, ref.path("kind").asText() + " " + (ref.path("kind").asText().equals("Role") ? ns + "/" : "")
                        + ref.path("name").asText(), Kustomize.id(d), missing);
                for (JsonNode s : d.path("subjects")) {
                    need(present, "ServiceAccount " + s.path("namespace").asText() + "/" + s.path("name").asText(), Kustomize.id(d), missing);
                }
            }
            if (d.path("kind").asText().equals("Service") && d.path("spec").has("selector") && leaf
                    && !d.path("metadata").path("name").asText().equals("worker-headless")) { // selects the demo's workers
                boolean matched = false;
                for (JsonNode other : docs) {
                    JsonNode labels = other.path("spec").path("template").path("metadata").path("labels");
                    if (other.path("metadata").path("namespace").asText("").equals(ns) && !labels.isMissingNode()) {
                        boolean all = true;
                        for (var it = d.path("spec").path("selector").fields(); it.hasNext(); ) {
                            var e = it.next();
                            all &= labels.path(e.getKey()).asText().equals(e.getValue().asText());
                        }
                        matched |= all;
                    }
                }
                if (!matched) {
                    missing.add(Kustomize.id(d) + ": its selector matches no pod template");
                }
            }
        }
        assertEquals(List.of(), missing, k);
    }

    private static void need(Set<String> present, String id, String user, List<String> missing) {
        if (!present.contains(id)) {
            missing.add(user + " needs " + id);
        }
    }

    @Test
    void theIceServersJobHandsItsScriptTheGatewayApiFileAndTheScriptItIs() throws Exception {
        List<JsonNode> docs = Kustomize.build("cloudretro/standalone");
        Job job = typed(Kustomize.get(docs, "Job", "cloudretro", "cloudretro-ice-servers"), Job.class);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<Container> steps = new ArrayList<>(pod.getInitContainers());
        steps.addAll(pod.getContainers());
        assertEquals(List.of("ice-address", "ice-render", "ice-apply"), steps.stream().map(Container::getName).toList());
        for (Container c : steps) {
            assertEquals(List.of("sh", "/scripts/cloudretro-config.sh", c.getName()), c.getCommand());
        }
        Container render = steps.get(1);
        assertTrue(render.getImage().startsWith("turngate"), "ice-config runs in turngate's image: " + render.getImage());
        String file = render.getEnv().stream().filter(e -> e.getName().equals("GATEWAY_API_FILE")).findFirst().orElseThrow().getValue();
        String mount = render.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is not under a mount")).getName();
        String cmName = pod.getVolumes().stream().filter(v -> v.getName().equals(mount)).findFirst().orElseThrow()
                .getConfigMap().getName();
        JsonNode cm = Kustomize.get(docs, "ConfigMap", "cloudretro", cmName);
        assertEquals(Files.readString(Kustomize.dir("cloudretro/gateway-api/gateway-api.yaml"), StandardCharsets.UTF_8),
                cm.path("data").path(file.substring(file.lastIndexOf('/') + 1)).asText(),
                "the Job renders the same Gateway API objects the cluster gets");
        JsonNode script = Kustomize.get(docs, "ConfigMap", "cloudretro", "cloudretro-config-script");
        assertEquals(Files.readString(Kustomize.dir("cloudretro/worker-config/cloudretro-config.sh"), StandardCharsets.UTF_8),
                script.path("data").path("cloudretro-config.sh").asText());
        assertEquals("cloudretro-config", pod.getServiceAccountName());
        assertNotNull(job.getSpec().getActiveDeadlineSeconds());
    }

    @Test
    void twoClustersTheRemoteAddressesAreRequiredWhereTheyAreNeeded() {
        assertEquals(Boolean.FALSE, remoteOptional(Kustomize.build("cloudretro/two-clusters/primary"),
                "cloudretro-ice-servers", "SECONDARY_GATEWAY_ADDRESS"));
        assertEquals(Boolean.FALSE, remoteOptional(Kustomize.build("cloudretro/two-clusters/secondary"),
                "cloudretro-worker-config", "COORDINATOR_ADDRESS"));
        assertEquals(Boolean.TRUE, remoteOptional(Kustomize.build("cloudretro/standalone"),
                "cloudretro-ice-servers", "SECONDARY_GATEWAY_ADDRESS"));
        assertEquals(Boolean.TRUE, remoteOptional(Kustomize.build("cloudretro/standalone"),
                "cloudretro-worker-config", "COORDINATOR_ADDRESS"));
    }

    private static Boolean remoteOptional(List<JsonNode> docs, String job, String env) {
        JsonNode pod = Kustomize.get(docs, "Job", "cloudretro", job).path("spec").path("template").path("spec");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                for (JsonNode e : c.path("env")) {
                    if (e.path("name").asText().equals(env)) {
                        JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
                        assertEquals("cloudretro-remote", ref.path("name").asText());
                        return ref.path("optional").asBoolean();
                    }
                }
            }
        }
        throw new AssertionError(job + ": no env " + env);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
