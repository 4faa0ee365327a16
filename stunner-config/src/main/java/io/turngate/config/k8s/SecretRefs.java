package io.turngate.config.k8s;

import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.SecretRef;
import io.turngate.config.render.GatewayRenderer;

import java.util.Set;
import java.util.TreeSet;

/**
 * The Secrets a render may read, so that only those are watched (no cluster-wide Secret watch): the {@code authRef}
 * of every GatewayConfig a STUNner GatewayClass names, and the {@code tls.certificateRefs} of the listeners of every
 * candidate Gateway of a STUNner class.
 */
final class SecretRefs {
    private SecretRefs() {
    }

    /**
     * {@code namespace/name} of every Secret referenced, sorted.
     *
     * @param selector  the {@code --gateway} selector ({@code ns/name} or a bare name), or {@code null}
     * @param namespace the {@code --namespace} of the candidate Gateways, or {@code null}
     */
    static Set<String> of(GatewayResources res, String selector, String namespace) {
        Set<String> out = new TreeSet<>();
        Set<String> stunnerClasses = new TreeSet<>();
        for (GatewayClass gc : res.gatewayClasses()) {
            if (!GatewayRenderer.CONTROLLER_NAME.equals(gc.controllerName())) {
                continue;
            }
            stunnerClasses.add(gc.metadata().name());
            GatewayClass.ParametersRef p = gc.parametersRef();
            if (p == null || p.namespace() == null || p.namespace().isEmpty()) {
                continue;
            }
            res.gatewayConfig(p.namespace(), p.name()).map(GatewayConfig::authRef).filter(SecretRef::isSecret)
                    .ifPresent(ref -> out.add(ref.namespaceOr(p.namespace()) + "/" + ref.name()));
        }
        for (Gateway gw : res.gateways()) {
            if (!stunnerClasses.contains(gw.gatewayClassName()) || !candidate(gw, selector, namespace)) {
                continue;
            }
            for (Gateway.Listener l : gw.listeners()) {
                if (l.tls() == null) {
                    continue;
                }
                for (SecretRef ref : l.tls().certificateRefs()) {
                    if (ref.isSecret() && ref.name() != null) {
                        out.add(ref.namespaceOr(gw.metadata().namespace()) + "/" + ref.name());
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code gw} may be the one served, under the same rules as {@code ConfigSources.render}. */
    static boolean candidate(Gateway gw, String selector, String namespace) {
        String ns = gw.metadata().namespace();
        if (namespace != null && !namespace.isBlank() && !ns.equals(namespace.trim())) {
            return false;
        }
        if (selector == null || selector.isBlank()) {
            return true;
        }
        String sel = selector.trim();
        return sel.contains("/") ? sel.equals(gw.key()) : sel.equals(gw.metadata().name());
    }
}
