package io.turngate.config.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.UdpRoute;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.Defaults;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders STUNner dataplane configs from Gateway API resources, one per Gateway, as STUNner's gateway operator
 * does in managed mode (stunner-compat §2):
 * <ol>
 *   <li>only GatewayClasses with {@code spec.controllerName: stunner.l7mp.io/gateway-operator} whose
 *       {@code parametersRef} (group {@code stunner.l7mp.io}, kind {@code GatewayConfig}, non-empty namespace)
 *       resolves to a GatewayConfig in the input are accepted;</li>
 *   <li>for each Gateway of an accepted class: {@code admin} ({@link AdminRenderer}), {@code auth}
 *       ({@link AuthRenderer}), {@code listeners} ({@link ListenerRenderer}) and one cluster per attached UDPRoute
 *       ({@link ClusterRenderer}, attachment per {@link RouteAttachment});</li>
 *   <li>the JSON goes through {@link ConfigLoader#parse(String, Map)} with this renderer's environment, so
 *       {@code $STUNNER_ADDR} is expanded and the result is validated and normalised like a stunnerd file.</li>
 * </ol>
 * Missing credentials are a {@link ConfigException} problem naming the GatewayConfig; everything the operator
 * merely skips is a warning.
 */
public final class GatewayRenderer {
    /** The controller name STUNner's GatewayClasses carry. */
    public static final String CONTROLLER_NAME = "stunner.l7mp.io/gateway-operator";
    static final String STUNNER_GROUP = "stunner.l7mp.io";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final RenderOptions options;

    /** A renderer with the operator's default switches ({@link RenderOptions#DEFAULT}). */
    public GatewayRenderer(Map<String, String> env) {
        this(env, RenderOptions.DEFAULT);
    }

    /**
     * @param env     environment for {@code $STUNNER_ADDR} etc. ({@code null} = empty)
     * @param options the operator switches to render with ({@code null} = {@link RenderOptions#DEFAULT})
     */
    public GatewayRenderer(Map<String, String> env, RenderOptions options) {
        this.env = env == null ? Map.of() : Map.copyOf(env);
        this.options = options == null ? RenderOptions.DEFAULT : options;
    }

    /** The operator switches this renderer uses. */
    public RenderOptions options() {
        return options;
    }

    /** A renderer expanding variables from {@code System.getenv()}, as stunnerd does. */
    public static GatewayRenderer fromEnvironment() {
        return new GatewayRenderer(System.getenv());
    }

    // ---- API ---------------------------------------------------------------------------------------------

    /**
     * Renders every Gateway of an accepted STUNner GatewayClass, sorted by {@code namespace/name}.
     *
     * @throws ConfigException with the problems of every Gateway that could not be rendered (e.g. missing
     *                         credentials)
     */
    public List<RenderedGateway> renderAll(GatewayResources res) throws ConfigException {
        RenderResult r = renderWithStatus(res);
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return r.gateways();
    }

    /**
     * Renders every Gateway of an accepted STUNner GatewayClass as {@link #renderAll} does, without throwing, and
     * computes the statuses STUNner's operator would write back for the classes, Gateways and UDPRoutes it manages
     * ({@link RenderStatus}). A Gateway that cannot be rendered is left out of {@link RenderResult#gateways()}, its
     * problems are in {@link RenderResult#problems()} and its status says why.
     *
     * <p>Where the status differs from the operator's because this renderer differs (each also in
     * {@code package-info}): a Gateway whose rendered config stunnerd would refuse (a TLS listener without a usable
     * certificate in Terminate mode, TLS passthrough) is invalidated here, as the operator invalidates a Gateway it
     * cannot render, while the operator reports it accepted and serves a config its dataplane refuses; a missing
     * {@code Dataplane} object invalidates nothing here (turngate is the dataplane); the public address is the one
     * this renderer found, also through the offline Service fallbacks the operator does not have.
     */
    public RenderResult renderWithStatus(GatewayResources res) {
        List<RenderedGateway> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StatusRenderer status = new StatusRenderer(res, options);
        List<GatewayClass> classes = new ArrayList<>(res.gatewayClasses());
        classes.sort(Comparator.comparing(GatewayClass::key));
        for (GatewayClass gc : classes) {
            Resolution rz = resolveClass(res, gc);
            if (rz.state == ClassState.ACCEPTED || rz.state == ClassState.NO_CONFIG) {
                status.managedClass(gc, rz.operatorError);
            }
        }
        for (Gateway gw : sorted(res.gateways())) {
            Resolution rz = resolve(res, gw);
            if (rz.state == ClassState.NO_CONFIG) {
                status.invalidated(gw, rz.operatorError);
            }
            if (rz.reason != null) {
                continue;
            }
            RenderContext ctx = new RenderContext(res, gw, rz.gatewayClass, rz.gatewayConfig, options);
            try {
                out.add(renderResolved(ctx));
                status.rendered(gw, ctx);
            } catch (ConfigException e) {
                for (String p : e.problems()) {
                    if (!problems.contains(p)) {
                        problems.add(p);
                    }
                }
                status.invalidated(gw, ctx.operatorError() != null ? ctx.operatorError()
                        : e.problems().isEmpty() ? OperatorConditions.ERR_RENDERING : e.problems().get(0));
            }
        }
        return new RenderResult(out, problems, status.build());
    }

    /** Renders one Gateway; see {@link #renderGateway}. */
    public StunnerConfig render(GatewayResources res, String gatewayNamespace, String gatewayName) throws ConfigException {
        return renderGateway(res, gatewayNamespace, gatewayName).config();
    }

    /**
     * Renders one Gateway with its warnings.
     *
     * @throws ConfigException when the Gateway is absent, not of an accepted STUNner GatewayClass, or its config
     *                         cannot be rendered
     */
    public RenderedGateway renderGateway(GatewayResources res, String gatewayNamespace, String gatewayName)
            throws ConfigException {
        Gateway gw = res.gateway(gatewayNamespace, gatewayName).orElseThrow(() -> new ConfigException(
                "gateway " + gatewayNamespace + "/" + gatewayName + ": not found in the input (expected: one of "
                        + keysOrNone(res.gateways().stream().map(Gateway::key).sorted().toList()) + ")"));
        Resolution rz = resolve(res, gw);
        if (rz.reason != null) {
            throw new ConfigException("gateway " + gw.key() + ": " + rz.reason);
        }
        return renderResolved(new RenderContext(res, gw, rz.gatewayClass, rz.gatewayConfig, options));
    }

    /**
     * The operator-style JSON for one Gateway, before environment expansion and normalisation: exactly what the
     * operator's config discovery service would serve ({@code "address": "$STUNNER_ADDR"}).
     */
    public String renderJson(GatewayResources res, String gatewayNamespace, String gatewayName) throws ConfigException {
        Gateway gw = res.gateway(gatewayNamespace, gatewayName).orElseThrow(() -> new ConfigException(
                "gateway " + gatewayNamespace + "/" + gatewayName + ": not found in the input"));
        Resolution rz = resolve(res, gw);
        if (rz.reason != null) {
            throw new ConfigException("gateway " + gw.key() + ": " + rz.reason);
        }
        RenderContext ctx = new RenderContext(res, gw, rz.gatewayClass, rz.gatewayConfig, options);
        ObjectNode tree = tree(ctx);
        if (!ctx.problems().isEmpty()) {
            throw new ConfigException(ctx.problems());
        }
        return toJson(tree);
    }

    /** Keys ({@code ns/name}) of the Gateways this renderer would render, sorted. */
    public List<String> renderableGateways(GatewayResources res) {
        List<String> out = new ArrayList<>();
        for (Gateway gw : sorted(res.gateways())) {
            if (resolve(res, gw).reason == null) {
                out.add(gw.key());
            }
        }
        return out;
    }

    /** For every Gateway that is not rendered: {@code gateway ns/name: why}. */
    public List<String> unrenderableGateways(GatewayResources res) {
        List<String> out = new ArrayList<>();
        for (Gateway gw : sorted(res.gateways())) {
            Resolution rz = resolve(res, gw);
            if (rz.reason != null) {
                out.add("gateway " + gw.key() + ": " + rz.reason);
            }
        }
        return out;
    }

    // ---- internals ---------------------------------------------------------------------------------------

    private static List<Gateway> sorted(List<Gateway> gws) {
        List<Gateway> s = new ArrayList<>(gws);
        s.sort(Comparator.comparing(Gateway::key));
        return s;
    }

    private static String keysOrNone(List<String> keys) {
        return keys.isEmpty() ? "none in the input" : String.join(", ", keys);
    }

    /** How the operator treats a GatewayClass. */
    private enum ClassState {
        /** Not a STUNner class (or no such class): no status, its Gateways are not rendered. */
        FOREIGN,
        /** A STUNner class whose parametersRef is malformed: the operator skips it without a status. */
        INVALID,
        /** A STUNner class whose GatewayConfig is missing: Accepted=False, its Gateways are invalidated. */
        NO_CONFIG,
        /** Rendered. */
        ACCEPTED
    }

    /**
     * Class and GatewayConfig of a Gateway, or the reason it is not rendered; {@code operatorError} is the
     * operator's error text for {@link ClassState#NO_CONFIG}.
     */
    private record Resolution(GatewayClass gatewayClass, GatewayConfig gatewayConfig, String reason, ClassState state,
                              String operatorError) {
        static Resolution not(GatewayClass gc, String reason, ClassState state) {
            return new Resolution(gc, null, reason, state, null);
        }
    }

    private static Resolution resolve(GatewayResources res, Gateway gw) {
        Optional<GatewayClass> gco = res.gatewayClass(gw.gatewayClassName());
        if (gco.isEmpty()) {
            return Resolution.not(null, "spec.gatewayClassName \"" + gw.gatewayClassName()
                    + "\": no such GatewayClass in the input (expected: a GatewayClass with controllerName "
                    + CONTROLLER_NAME + ")", ClassState.FOREIGN);
        }
        return resolveClass(res, gco.get());
    }

    /**
     * The operator's checks of a GatewayClass ({@code gatewayclass_util.go} {@code validateGatewayClass}, then
     * {@code getGatewayConfig4Class}).
     */
    private static Resolution resolveClass(GatewayResources res, GatewayClass gc) {
        if (!CONTROLLER_NAME.equals(gc.controllerName())) {
            return Resolution.not(gc, "gatewayclass " + gc.key() + ": controllerName \"" + gc.controllerName()
                    + "\" (expected: " + CONTROLLER_NAME + "); not a STUNner Gateway", ClassState.FOREIGN);
        }
        GatewayClass.ParametersRef p = gc.parametersRef();
        String pw = "gatewayclass " + gc.key() + ": spec.parametersRef ";
        if (p == null) {
            return Resolution.not(gc, pw + "missing (expected: group " + STUNNER_GROUP
                    + ", kind GatewayConfig, name and namespace); class not accepted", ClassState.INVALID);
        }
        if (!STUNNER_GROUP.equals(p.group())) {
            return Resolution.not(gc, pw + "group " + quoteOrMissing(p.group()) + " (expected: " + STUNNER_GROUP
                    + "); class not accepted", ClassState.INVALID);
        }
        if (!GatewayConfig.KIND.equals(p.kind())) {
            return Resolution.not(gc, pw + "kind " + quoteOrMissing(p.kind())
                    + " (expected: GatewayConfig); class not accepted", ClassState.INVALID);
        }
        if (p.name() == null || p.name().isEmpty()) {
            return Resolution.not(gc, pw + "name missing (expected: the GatewayConfig's name); class not accepted",
                    ClassState.INVALID);
        }
        if (p.namespace() == null || p.namespace().isEmpty()) {
            return Resolution.not(gc, pw + "namespace missing (expected: the GatewayConfig's namespace);"
                    + " class not accepted", ClassState.INVALID);
        }
        Optional<GatewayConfig> cfg = res.gatewayConfig(p.namespace(), p.name());
        if (cfg.isEmpty()) {
            return new Resolution(gc, null, pw + "GatewayConfig " + p.namespace() + "/" + p.name()
                    + " not found in the input; class not accepted", ClassState.NO_CONFIG,
                    "No GatewayConfig found for name: " + p.namespace() + "/" + p.name());
        }
        return new Resolution(gc, cfg.get(), null, ClassState.ACCEPTED, null);
    }

    private static String quoteOrMissing(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }

    private RenderedGateway renderResolved(RenderContext ctx) throws ConfigException {
        Gateway gw = ctx.gateway;
        ObjectNode tree = tree(ctx);
        if (!ctx.problems().isEmpty()) {
            throw new ConfigException(ctx.problems());
        }
        StunnerConfig config;
        try {
            config = ConfigLoader.parse(toJson(tree), env);
        } catch (ConfigException e) {
            List<String> ps = new ArrayList<>();
            for (String p : e.problems()) {
                ps.add("gateway " + gw.key() + ": rendered config: " + p);
            }
            ps.addAll(ctx.rejectionHints());
            throw new ConfigException(ps);
        }
        return new RenderedGateway(gw.key(), config, ctx.warnings());
    }

    private static ObjectNode tree(RenderContext ctx) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("version", Defaults.API_VERSION);
        root.set("admin", AdminRenderer.render(ctx));
        ObjectNode auth = AuthRenderer.render(ctx);
        if (auth != null) {
            root.set("auth", auth);
        }
        root.set("listeners", ListenerRenderer.render(ctx));
        ArrayNode clusters = root.putArray("clusters");
        for (UdpRoute r : RouteAttachment.attachedRoutes(ctx)) {
            ObjectNode c = ClusterRenderer.render(ctx, r);
            if (c != null) {
                clusters.add(c);
            }
        }
        for (String w : RouteAttachment.danglingParentRefs(ctx.resources)) {
            ctx.warn(w);
        }
        return root;
    }

    private static String toJson(ObjectNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
