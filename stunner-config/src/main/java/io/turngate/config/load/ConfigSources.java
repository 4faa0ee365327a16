package io.turngate.config.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.YamlDocuments;
import io.turngate.config.render.GatewayRenderer;
import io.turngate.config.render.RenderOptions;
import io.turngate.config.render.RenderedGateway;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry point for "load whatever config the user pointed at": a stunnerd dataplane config (YAML/JSON with a
 * top-level {@code version}, or a ConfigMap wrapping {@code stunnerd.conf}) goes to {@link ConfigLoader}; a
 * directory, or a file of Gateway API / STUNner manifests ({@code apiVersion} + {@code kind} of GatewayClass,
 * Gateway, GatewayConfig, UDPRoute or StaticService), is loaded with {@link GatewayResources} and rendered with
 * {@link GatewayRenderer}, selecting one Gateway.
 */
public final class ConfigSources {
    /** {@link Loaded#sourceKind()} of a stunnerd config file. */
    public static final String STUNNERD = "stunnerd";
    /** {@link Loaded#sourceKind()} of rendered Gateway API manifests. */
    public static final String GATEWAY = "gateway";

    private static final Set<String> GATEWAY_KINDS = Set.of("GatewayClass", "Gateway", "GatewayConfig", "UDPRoute",
            "StaticService");

    private ConfigSources() {
    }

    /**
     * A loaded config.
     *
     * @param config     validated, normalised config
     * @param sourceKind {@link #STUNNERD} or {@link #GATEWAY}
     * @param warnings   load/render warnings followed by {@link ConfigLoader#warnings(StunnerConfig)}; no secrets
     */
    public record Loaded(StunnerConfig config, String sourceKind, List<String> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Loads a stunnerd config file or renders Gateway API manifests.
     *
     * @param fileOrDir               a config file, a manifest file or a directory of manifests
     * @param env                     environment for {@code $VAR} expansion ({@code null} = empty)
     * @param gatewaySelectorOrNull   {@code namespace/name} of the Gateway to render (a bare name is accepted
     *                                when unique); required when several Gateways render; ignored, with a
     *                                warning, for a stunnerd config
     * @throws ConfigException listing every problem, or the choices when the Gateway is ambiguous
     */
    public static Loaded load(Path fileOrDir, Map<String, String> env, String gatewaySelectorOrNull)
            throws ConfigException {
        return load(fileOrDir, env, gatewaySelectorOrNull, RenderOptions.DEFAULT);
    }

    /**
     * Like {@link #load(Path, Map, String)}, rendering Gateway API manifests with the given operator switches.
     *
     * @param renderOptions operator switches for rendering manifests ({@code null} = {@link RenderOptions#DEFAULT});
     *                      not used for a stunnerd config
     */
    public static Loaded load(Path fileOrDir, Map<String, String> env, String gatewaySelectorOrNull,
                              RenderOptions renderOptions) throws ConfigException {
        if (Files.isDirectory(fileOrDir)) {
            return renderGateway(GatewayResources.load(fileOrDir), env, gatewaySelectorOrNull, renderOptions);
        }
        if (!Files.exists(fileOrDir)) {
            throw new ConfigException(fileOrDir + ": no such file or directory (expected: a stunnerd config, a"
                    + " manifest file or a directory of manifests)");
        }
        String text;
        try {
            text = Files.readString(fileOrDir, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(fileOrDir + ": cannot read: " + e.getMessage());
        }
        List<JsonNode> docs = YamlDocuments.read(text, fileOrDir.toString());
        String kind = sniff(docs);
        if (GATEWAY.equals(kind)) {
            return renderGateway(GatewayResources.load(fileOrDir), env, gatewaySelectorOrNull, renderOptions);
        }
        if (STUNNERD.equals(kind)) {
            List<String> warnings = new ArrayList<>();
            if (gatewaySelectorOrNull != null) {
                warnings.add("gateway selector \"" + gatewaySelectorOrNull + "\" ignored: " + fileOrDir
                        + " is a stunnerd config, not Gateway API manifests");
            }
            String configText = stunnerdText(docs, text);
            StunnerConfig config;
            try {
                config = ConfigLoader.parse(configText, env);
            } catch (ConfigException e) {
                List<String> ps = new ArrayList<>();
                e.problems().forEach(p -> ps.add(fileOrDir + ": " + p));
                throw new ConfigException(ps);
            }
            warnings.addAll(ConfigLoader.warnings(config));
            return new Loaded(config, STUNNERD, warnings);
        }
        throw new ConfigException(fileOrDir + ": neither a stunnerd config (top-level version) nor Gateway API"
                + " manifests (expected: YAML/JSON with version: v1, or documents with apiVersion and kind)");
    }

    /**
     * {@link #GATEWAY} when some document (or {@code List} item) is a Gateway API / STUNner kind; else
     * {@link #STUNNERD} for a ConfigMap holding {@code stunnerd.conf} or a document with a top-level
     * {@code version} key (any case); else {@link #GATEWAY} when the documents are Kubernetes objects; else null.
     */
    static String sniff(List<JsonNode> docs) {
        boolean k8s = false;
        boolean stunnerd = false;
        for (JsonNode d : docs) {
            if (d == null || !d.isObject()) {
                continue;
            }
            if (hasGatewayKind(d)) {
                return GATEWAY;
            }
            if (isStunnerdConfigMap(d) || (!d.has("kind") && hasKeyIgnoreCase(d, "version"))) {
                stunnerd = true;
            } else if (d.has("apiVersion") && d.has("kind")) {
                k8s = true;
            }
        }
        return stunnerd ? STUNNERD : k8s ? GATEWAY : null;
    }

    private static boolean hasGatewayKind(JsonNode d) {
        JsonNode kind = d.get("kind");
        if (kind == null || !kind.isTextual() || !d.has("apiVersion")) {
            return false;
        }
        if (GATEWAY_KINDS.contains(kind.asText())) {
            return true;
        }
        JsonNode items = d.get("items");
        if (kind.asText().endsWith("List") && items != null && items.isArray()) {
            for (JsonNode i : items) {
                if (i != null && i.isObject() && hasGatewayKind(i)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isStunnerdConfigMap(JsonNode d) {
        JsonNode kind = d.get("kind");
        JsonNode data = d.get("data");
        return kind != null && "ConfigMap".equals(kind.asText()) && data != null && data.isObject()
                && data.has(ConfigLoader.CONFIG_MAP_KEY);
    }

    private static boolean hasKeyIgnoreCase(JsonNode obj, String key) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    /** The stunnerd config text: a ConfigMap's {@code stunnerd.conf}, else the whole file. */
    private static String stunnerdText(List<JsonNode> docs, String text) {
        for (JsonNode d : docs) {
            if (d != null && d.isObject() && isStunnerdConfigMap(d)) {
                JsonNode conf = d.get("data").get(ConfigLoader.CONFIG_MAP_KEY);
                if (conf.isTextual()) {
                    return conf.asText();
                }
            }
        }
        return text;
    }

    private static Loaded renderGateway(GatewayResources res, Map<String, String> env, String selector,
                                        RenderOptions options) throws ConfigException {
        return render(res, env, selector, null, options);
    }

    /**
     * Renders the one Gateway a dataplane serves from a resource set (files or a cluster alike): the one
     * {@code selector} names, else the only one that renders, else a problem listing the choices (a dataplane serves
     * one Gateway; the operator renders one config per Gateway).
     *
     * @param selector  {@code namespace/name}, or a bare name (looked up in {@code namespace} when given, else
     *                  accepted when unique), or {@code null}
     * @param namespace only Gateways in this namespace are candidates ({@code null} = every namespace)
     * @param options   operator switches ({@code null} = {@link RenderOptions#DEFAULT})
     * @throws ConfigException listing every problem, or the choices when the Gateway is ambiguous
     */
    public static Loaded render(GatewayResources res, Map<String, String> env, String selector, String namespace,
                                RenderOptions options) throws ConfigException {
        GatewayRenderer renderer = new GatewayRenderer(env, options);
        String ns = namespace == null || namespace.isBlank() ? null : namespace.trim();
        List<String> keys = inNamespace(renderer.renderableGateways(res), ns);
        List<String> unrenderable = inNamespace(renderer.unrenderableGateways(res), ns);
        String where = ns == null ? "" : " in namespace " + ns;
        String key;
        if (selector != null && !selector.isBlank()) {
            String sel = selector.trim();
            key = select(ns != null && !sel.contains("/") ? ns + "/" + sel : sel, keys, unrenderable);
        } else if (keys.size() == 1) {
            key = keys.get(0);
        } else if (keys.isEmpty()) {
            List<String> ps = new ArrayList<>();
            ps.add("no Gateway to render" + where + " (expected: a Gateway whose GatewayClass has controllerName "
                    + GatewayRenderer.CONTROLLER_NAME + " and a parametersRef to a GatewayConfig)");
            ps.addAll(unrenderable);
            throw new ConfigException(ps);
        } else {
            throw new ConfigException(keys.size() + " Gateways render" + where + " (expected: select one as"
                    + " namespace/name: " + String.join(", ", keys) + ")");
        }
        int slash = key.indexOf('/');
        RenderedGateway rg = renderer.renderGateway(res, key.substring(0, slash), key.substring(slash + 1));
        List<String> warnings = new ArrayList<>(res.warnings());
        warnings.addAll(rg.warnings());
        for (String w : ConfigLoader.warnings(rg.config())) {
            if (!warnings.contains(w)) {
                warnings.add(w);
            }
        }
        return new Loaded(rg.config(), GATEWAY, warnings);
    }

    /**
     * The entries of {@code keysOrReasons} ({@code ns/name}, or {@code gateway ns/name: why}) in namespace
     * {@code ns}; all of them when {@code ns} is null.
     */
    private static List<String> inNamespace(List<String> keysOrReasons, String ns) {
        if (ns == null) {
            return keysOrReasons;
        }
        return keysOrReasons.stream().filter(k -> k.startsWith(ns + "/") || k.startsWith("gateway " + ns + "/"))
                .toList();
    }

    private static String select(String selector, List<String> keys, List<String> unrenderable) throws ConfigException {
        if (keys.contains(selector)) {
            return selector;
        }
        if (!selector.contains("/")) {
            List<String> byName = keys.stream().filter(k -> k.substring(k.indexOf('/') + 1).equals(selector)).toList();
            if (byName.size() == 1) {
                return byName.get(0);
            }
            if (byName.size() > 1) {
                throw new ConfigException("gateway \"" + selector + "\": ambiguous (expected: namespace/name, one of "
                        + String.join(", ", byName) + ")");
            }
        }
        List<String> ps = new ArrayList<>();
        ps.add("gateway \"" + selector + "\": not found among the Gateways that render (expected: one of "
                + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
        for (String u : unrenderable) {
            if (u.startsWith("gateway " + selector + ":")) {
                ps.add(u);
            }
        }
        throw new ConfigException(ps);
    }
}
