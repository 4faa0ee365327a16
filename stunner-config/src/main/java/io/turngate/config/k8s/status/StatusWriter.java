package io.turngate.config.k8s.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.turngate.config.render.RenderStatus;
import io.turngate.config.render.RenderStatus.Condition;
import io.turngate.config.render.RenderStatus.GatewayClassStatus;
import io.turngate.config.render.RenderStatus.GatewayStatus;
import io.turngate.config.render.RenderStatus.ListenerStatus;
import io.turngate.config.render.RenderStatus.ObjectRef;
import io.turngate.config.render.RenderStatus.RouteGroupKind;
import io.turngate.config.render.RenderStatus.RouteParentStatus;
import io.turngate.config.render.RenderStatus.RouteStatus;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Writes a {@link RenderStatus} into the status subresources of the GatewayClasses, Gateways and UDPRoutes it names
 * (both UDPRoute API groups), synchronously on the caller's thread. No leader election here: that is
 * {@link KubernetesStatusPublisher}.
 *
 * <p>For each object: read it; skip it when it is gone or was re-created since the render (another uid); build the
 * status it should have from the computed one and the live one; write nothing when the two agree (so that renders
 * that change nothing cause no writes); else replace the status subresource ({@code PUT .../status}, as the
 * operator's {@code Status().Update}; a merge patch would not do, since list entries of other controllers must be
 * kept exactly) with the object's {@code resourceVersion} as a precondition, retrying a conflict twice from a fresh
 * read. Status fields turngate does not manage are sent back as read. The status is built as
 * the operator's {@code meta.SetStatusCondition} does: {@code observedGeneration} is the rendered generation (the
 * live one when the render did not know it), {@code lastTransitionTime} stays what it was when a condition's status
 * did not change (listener and route-parent conditions too, which the operator re-stamps on every render), Gateway
 * and GatewayClass conditions of other types are kept (at most 8 on a Gateway, as the operator prunes them), and
 * route parent entries of other controllers are kept after turngate's.
 *
 * <p>Only the status fields the operator writes are compared and sent: Gateway {@code addresses}, {@code conditions},
 * {@code listeners}; GatewayClass {@code conditions}; UDPRoute {@code parents}. A 403 is reported as
 * {@link StatusEvent.Type#FORBIDDEN} with the verb and resource, so a missing RBAC rule shows as such.
 *
 * <p>Threading: not thread-safe; use from one thread at a time.
 */
public final class StatusWriter {
    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    static final String STUNNER_GROUP = "stunner.l7mp.io";
    /** The operator prunes Gateway conditions to fewer than this many ({@code maxGwayStatusConds}). */
    static final int MAX_GATEWAY_CONDITIONS = 8;
    /** {@code metav1.Condition.message} maximum length (CRD validation). */
    static final int MAX_MESSAGE = 32768;
    private static final int ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final KubernetesClient client;
    private final StatusListener listener;
    private final Clock clock;

    /** A writer reporting to {@code listener} ({@code null} = {@link StatusListener#LOGGING}). */
    public StatusWriter(KubernetesClient client, StatusListener listener) {
        this(client, listener, Clock.systemUTC());
    }

    /** As {@link #StatusWriter(KubernetesClient, StatusListener)} with the clock for {@code lastTransitionTime}. */
    public StatusWriter(KubernetesClient client, StatusListener listener, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.listener = listener == null ? StatusListener.LOGGING : listener;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What one {@link #write} did, per object.
     *
     * @param forbidden objects whose read or write RBAC refused
     * @param failed    objects that failed otherwise (worth a retry)
     */
    public record Report(int written, int unchanged, int skipped, int forbidden, int failed) {
        /** True when nothing failed or was refused. */
        public boolean ok() {
            return forbidden == 0 && failed == 0;
        }
    }

    /** Writes every status of {@code status}. */
    public Report write(RenderStatus status) {
        return write(status, () -> true);
    }

    /**
     * Writes the statuses of {@code status} while {@code proceed} holds (checked before each object: a publisher
     * stops when it loses leadership): GatewayClasses, then Gateways, then routes.
     */
    public Report write(RenderStatus status, BooleanSupplier proceed) {
        Tally t = new Tally();
        for (GatewayClassStatus s : status.gatewayClasses()) {
            if (!proceed.getAsBoolean()) {
                return t.report();
            }
            t.add(writeOne(s.object(), live -> {
                ObjectNode out = NODES.objectNode();
                out.set("conditions", mergeConditions(live.path("conditions"), s.conditions(), generation(s.object(), live),
                        Integer.MAX_VALUE));
                return out;
            }, List.of("conditions")));
        }
        for (GatewayStatus s : status.gateways()) {
            if (!proceed.getAsBoolean()) {
                return t.report();
            }
            t.add(writeOne(s.object(), live -> gatewayStatus(s, live), List.of("addresses", "conditions", "listeners")));
        }
        for (RouteStatus s : status.routes()) {
            if (!proceed.getAsBoolean()) {
                return t.report();
            }
            t.add(writeOne(s.object(), live -> routeStatus(s, live), List.of("parents")));
        }
        return t.report();
    }

    // ---- one object ------------------------------------------------------------------------------------------

    private enum Outcome { WRITTEN, UNCHANGED, SKIPPED, FORBIDDEN, FAILED }

    private static final class Tally {
        int written;
        int unchanged;
        int skipped;
        int forbidden;
        int failed;

        void add(Outcome o) {
            switch (o) {
                case WRITTEN -> written++;
                case UNCHANGED -> unchanged++;
                case SKIPPED -> skipped++;
                case FORBIDDEN -> forbidden++;
                default -> failed++;
            }
        }

        Report report() {
            return new Report(written, unchanged, skipped, forbidden, failed);
        }
    }

    /** Builds the desired status fields from the live status (an object node, possibly empty). */
    private interface Desired {
        ObjectNode build(LiveStatus live);
    }

    /** The live object's status and generation. */
    private record LiveStatus(JsonNode status, Long generation) {
        JsonNode path(String field) {
            return status.path(field);
        }
    }

    private Outcome writeOne(ObjectRef ref, Desired desired, List<String> fields) {
        Api api = Api.of(ref);
        String key = ref.key();
        Resource<GenericKubernetesResource> r = ref.namespace().isEmpty()
                ? client.genericKubernetesResources(api.context()).withName(ref.name())
                : client.genericKubernetesResources(api.context()).inNamespace(ref.namespace()).withName(ref.name());
        String message = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            GenericKubernetesResource obj;
            try {
                obj = r.get();
            } catch (KubernetesClientException e) {
                return problem(e, "get", api.resource(), key);
            }
            if (obj == null) {
                emit(StatusEvent.Type.SKIPPED, null, null, key, ref.kind() + " not found (deleted after the render)");
                return Outcome.SKIPPED;
            }
            String uid = obj.getMetadata() == null ? null : obj.getMetadata().getUid();
            if (ref.uid() != null && uid != null && !ref.uid().equals(uid)) {
                emit(StatusEvent.Type.SKIPPED, null, null, key, ref.kind() + " re-created since the render (uid " + uid
                        + ", rendered " + ref.uid() + ")");
                return Outcome.SKIPPED;
            }
            Object raw = obj.getAdditionalProperties().get("status");
            JsonNode liveStatus = raw == null ? NODES.objectNode() : JSON.valueToTree(raw);
            if (!liveStatus.isObject()) {
                liveStatus = NODES.objectNode();
            }
            Long liveGeneration = obj.getMetadata() == null ? null : obj.getMetadata().getGeneration();
            ObjectNode want = desired.build(new LiveStatus(liveStatus, liveGeneration));
            boolean same = true;
            for (String f : fields) {
                if (!sameJson(want.get(f), liveStatus.get(f))) {
                    same = false;
                    break;
                }
            }
            if (same) {
                emit(StatusEvent.Type.UNCHANGED, null, null, key, null);
                return Outcome.UNCHANGED;
            }
            ObjectNode merged = ((ObjectNode) liveStatus).deepCopy();
            merged.setAll(want);
            obj.getAdditionalProperties().put("status", JSON.convertValue(merged, Map.class));
            try {
                var op = client.genericKubernetesResources(api.context());
                (ref.namespace().isEmpty() ? op.resource(obj) : op.inNamespace(ref.namespace()).resource(obj))
                        .updateStatus();
                emit(StatusEvent.Type.WRITTEN, "update", api.statusResource(), key, null);
                return Outcome.WRITTEN;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    message = e.getMessage();
                    continue;
                }
                if (e.getCode() == 404) {
                    emit(StatusEvent.Type.SKIPPED, null, null, key, ref.kind() + " deleted while writing its status");
                    return Outcome.SKIPPED;
                }
                return problem(e, "update", api.statusResource(), key);
            }
        }
        emit(StatusEvent.Type.FAILED, "update", api.statusResource(), key, "conflict " + ATTEMPTS + " times: " + message);
        return Outcome.FAILED;
    }

    private Outcome problem(KubernetesClientException e, String verb, String resource, String key) {
        String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        if (e.getCode() == 403) {
            emit(StatusEvent.Type.FORBIDDEN, verb, resource, key, msg);
            return Outcome.FORBIDDEN;
        }
        emit(StatusEvent.Type.FAILED, verb, resource, key, (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + msg);
        return Outcome.FAILED;
    }

    private void emit(StatusEvent.Type type, String verb, String resource, String object, String message) {
        try {
            listener.onEvent(new StatusEvent(type, verb, resource, object, message));
        } catch (RuntimeException e) {
            // a listener's failure must not stop the writes
        }
    }

    // ---- status documents -------------------------------------------------------------------------------------

    private static long generation(ObjectRef ref, LiveStatus live) {
        if (ref.generation() != null) {
            return ref.generation();
        }
        return live.generation() == null ? 0 : live.generation();
    }

    private ObjectNode gatewayStatus(GatewayStatus s, LiveStatus live) {
        long gen = generation(s.object(), live);
        ObjectNode out = NODES.objectNode();
        ArrayNode addrs = out.putArray("addresses");
        for (RenderStatus.Address a : s.addresses()) {
            addrs.addObject().put("type", a.type()).put("value", a.value());
        }
        out.set("conditions", mergeConditions(live.path("conditions"), s.conditions(), gen, MAX_GATEWAY_CONDITIONS));
        ArrayNode ls = out.putArray("listeners");
        for (ListenerStatus l : s.listeners()) {
            JsonNode liveListener = find(live.path("listeners"), n -> l.name().equals(n.path("name").asText(null)));
            ObjectNode o = ls.addObject();
            o.put("name", l.name());
            ArrayNode kinds = o.putArray("supportedKinds");
            for (RouteGroupKind k : l.supportedKinds()) {
                kinds.addObject().put("group", k.group()).put("kind", k.kind());
            }
            o.put("attachedRoutes", l.attachedRoutes());
            o.set("conditions", freshConditions(liveListener == null ? null : liveListener.path("conditions"),
                    l.conditions(), gen));
        }
        return out;
    }

    private ObjectNode routeStatus(RouteStatus s, LiveStatus live) {
        long gen = generation(s.object(), live);
        ObjectNode out = NODES.objectNode();
        ArrayNode parents = out.putArray("parents");
        for (RouteParentStatus p : s.parents()) {
            ObjectNode ref = parentRef(p.parentRef());
            JsonNode liveParent = find(live.path("parents"), n -> p.controllerName().equals(n.path("controllerName")
                    .asText(null)) && sameParentRef(ref, n.path("parentRef")));
            ObjectNode o = parents.addObject();
            o.set("parentRef", ref);
            o.put("controllerName", p.controllerName());
            o.set("conditions", freshConditions(liveParent == null ? null : liveParent.path("conditions"),
                    p.conditions(), gen));
        }
        for (JsonNode n : live.path("parents")) {
            if (!RenderStatus.CONTROLLER_NAME.equals(n.path("controllerName").asText(null))) {
                parents.add(n.deepCopy());
            }
        }
        return out;
    }

    private static ObjectNode parentRef(RenderStatus.ParentRef p) {
        ObjectNode o = NODES.objectNode();
        o.put("group", p.group());
        o.put("kind", p.kind());
        if (p.namespace() != null) {
            o.put("namespace", p.namespace());
        }
        o.put("name", p.name());
        if (p.sectionName() != null) {
            o.put("sectionName", p.sectionName());
        }
        return o;
    }

    /** Same parent, the API server's defaults applied to the live one's group and kind. */
    private static boolean sameParentRef(ObjectNode want, JsonNode live) {
        return want.path("group").asText().equals(live.path("group").asText(GATEWAY_GROUP))
                && want.path("kind").asText().equals(live.path("kind").asText("Gateway"))
                && Objects.equals(want.path("namespace").asText(null), live.path("namespace").asText(null))
                && want.path("name").asText().equals(live.path("name").asText())
                && Objects.equals(want.path("sectionName").asText(null), live.path("sectionName").asText(null));
    }

    /**
     * {@code meta.SetStatusCondition} of each of {@code want} into the live list: a condition of the same type is
     * replaced in place (its {@code lastTransitionTime} kept when the status is the same), a new one is appended,
     * conditions of other types stay. At least {@code max} conditions make the oldest go (operator
     * {@code pruneGatewayStatusConds}: the last {@code max - 1} stay).
     */
    private ArrayNode mergeConditions(JsonNode live, List<Condition> want, long gen, int max) {
        List<JsonNode> out = new ArrayList<>();
        if (live.isArray()) {
            live.forEach(n -> out.add(n.deepCopy()));
        }
        for (Condition c : want) {
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (c.type().equals(out.get(i).path("type").asText(null))) {
                    at = i;
                    break;
                }
            }
            ObjectNode n = condition(c, gen, at < 0 ? null : out.get(at));
            if (at < 0) {
                out.add(n);
            } else {
                out.set(at, n);
            }
        }
        if (out.size() >= max) {
            out.subList(0, out.size() - (max - 1)).clear();
        }
        ArrayNode a = NODES.arrayNode();
        out.forEach(a::add);
        return a;
    }

    /** Only {@code want}, each keeping the {@code lastTransitionTime} of the live condition of its type if unchanged. */
    private ArrayNode freshConditions(JsonNode live, List<Condition> want, long gen) {
        ArrayNode a = NODES.arrayNode();
        for (Condition c : want) {
            a.add(condition(c, gen, live == null ? null : find(live, n -> c.type().equals(n.path("type").asText(null)))));
        }
        return a;
    }

    private ObjectNode condition(Condition c, long gen, JsonNode previous) {
        String time = previous != null && c.status().equals(previous.path("status").asText(null))
                && previous.hasNonNull("lastTransitionTime") ? previous.get("lastTransitionTime").asText()
                : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String msg = c.message().length() > MAX_MESSAGE ? c.message().substring(0, MAX_MESSAGE) : c.message();
        ObjectNode n = NODES.objectNode();
        n.put("type", c.type());
        n.put("status", c.status());
        n.put("observedGeneration", gen);
        n.put("lastTransitionTime", time);
        n.put("reason", c.reason());
        n.put("message", msg);
        return n;
    }

    private static JsonNode find(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        if (array == null || !array.isArray()) {
            return null;
        }
        for (JsonNode n : array) {
            if (p.test(n)) {
                return n;
            }
        }
        return null;
    }

    /**
     * JSON equality as the API server round-trips it: numbers by value, an absent field equal to an empty array
     * or {@code null}, object fields in any order.
     */
    static boolean sameJson(JsonNode a, JsonNode b) {
        boolean aEmpty = a == null || a.isNull() || a.isMissingNode() || (a.isArray() && a.isEmpty());
        boolean bEmpty = b == null || b.isNull() || b.isMissingNode() || (b.isArray() && b.isEmpty());
        if (aEmpty || bEmpty) {
            return aEmpty && bEmpty;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!sameJson(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!a.has(e.getKey()) && !sameJson(null, e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    // ---- API coordinates ----------------------------------------------------------------------------------------

    /** Where an object's kind lives in the API. */
    record Api(String group, String version, String plural, String kind, boolean namespaced) {
        static Api of(ObjectRef ref) {
            String defaultGroup = ref.kind().equals("UDPRoute") ? STUNNER_GROUP : GATEWAY_GROUP;
            String group = defaultGroup;
            String version = "v1";
            String av = ref.apiVersion();
            if (av != null && av.indexOf('/') > 0) {
                String g = av.substring(0, av.indexOf('/'));
                if (g.equals(GATEWAY_GROUP) || g.equals(STUNNER_GROUP)) {
                    group = g;
                    version = av.substring(av.indexOf('/') + 1);
                }
            }
            return switch (ref.kind()) {
                case "GatewayClass" -> new Api(group, version, "gatewayclasses", "GatewayClass", false);
                case "Gateway" -> new Api(group, version, "gateways", "Gateway", true);
                case "UDPRoute" -> new Api(group, version, "udproutes", "UDPRoute", true);
                default -> throw new IllegalArgumentException("kind " + ref.kind()
                        + " (expected: GatewayClass, Gateway or UDPRoute)");
            };
        }

        ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                    .withKind(kind).withNamespaced(namespaced).build();
        }

        /** As RBAC names it: {@code gateways.gateway.networking.k8s.io}. */
        String resource() {
            return plural + "." + group;
        }

        /** {@code gateways/status.gateway.networking.k8s.io}. */
        String statusResource() {
            return plural + "/status." + group;
        }
    }
}
