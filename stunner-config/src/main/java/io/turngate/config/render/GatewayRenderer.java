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
        List<RenderedGateway> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Gateway gw : sorted(res.gateways())) {
            Resolution rz = resolve(res, gw);
            if (rz.reason != null) {
                continue;
            }
            try {
                out.add(renderResolved(res, gw, rz));
            } catch (ConfigException e) {
                for (String p : e.problems()) {
                    if (!problems.contains(p)) {
                        problems.add(p);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
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
        return renderResolved(res, gw, rz);
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

    /** Class and GatewayConfig of a Gateway, or the reason it is not rendered. */
    private record Resolution(GatewayClass gatewayClass, GatewayConfig gatewayConfig, String reason) {
    }

    private static Resolution resolve(GatewayResources res, Gateway gw) {
        Optional<GatewayClass> gco = res.gatewayClass(gw.gatewayClassName());
        if (gco.isEmpty()) {
            return new Resolution(null, null, "spec.gatewayClassName \"" + gw.gatewayClassName()
                    + "\": no such GatewayClass in the input (expected: a GatewayClass with controllerName "
                    + CONTROLLER_NAME + ")");
        }
        GatewayClass gc = gco.get();
        if (!CONTROLLER_NAME.equals(gc.controllerName())) {
            return new Resolution(gc, null, "gatewayclass " + gc.key() + ": controllerName \"" + gc.controllerName()
                    + "\" (expected: " + CONTROLLER_NAME + "); not a STUNner Gateway");
        }
        GatewayClass.ParametersRef p = gc.parametersRef();
        String pw = "gatewayclass " + gc.key() + ": spec.parametersRef ";
        if (p == null) {
            return new Resolution(gc, null, pw + "missing (expected: group " + STUNNER_GROUP
                    + ", kind GatewayConfig, name and namespace); class not accepted");
        }
        if (!STUNNER_GROUP.equals(p.group())) {
            return new Resolution(gc, null, pw + "group " + quoteOrMissing(p.group()) + " (expected: " + STUNNER_GROUP
                    + "); class not accepted");
        }
        if (!GatewayConfig.KIND.equals(p.kind())) {
            return new Resolution(gc, null, pw + "kind " + quoteOrMissing(p.kind())
                    + " (expected: GatewayConfig); class not accepted");
        }
        if (p.namespace() == null || p.namespace().isEmpty()) {
            return new Resolution(gc, null, pw + "namespace missing (expected: the GatewayConfig's namespace);"
                    + " class not accepted");
        }
        Optional<GatewayConfig> cfg = res.gatewayConfig(p.namespace(), p.name());
        if (cfg.isEmpty()) {
            return new Resolution(gc, null, pw + "GatewayConfig " + p.namespace() + "/" + p.name()
                    + " not found in the input; class not accepted");
        }
        return new Resolution(gc, cfg.get(), null);
    }

    private static String quoteOrMissing(String s) {
        return s == null ? "missing" : "\"" + s + "\"";
    }

    private RenderedGateway renderResolved(GatewayResources res, Gateway gw, Resolution rz) throws ConfigException {
        RenderContext ctx = new RenderContext(res, gw, rz.gatewayClass, rz.gatewayConfig, options);
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
