package io.turngate.config.render;

import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.gateway.GatewayResources;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Everything one Gateway's render needs, plus its warning and problem sinks. Confined to one call. */
final class RenderContext {
    final GatewayResources resources;
    final Gateway gateway;
    final GatewayClass gatewayClass;
    final GatewayConfig gatewayConfig;
    final RenderOptions options;
    private final Set<String> warnings = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> rejectionHints = new ArrayList<>();
    private final List<ListenerOutcome> listenerOutcomes = new ArrayList<>();
    private String operatorError;

    RenderContext(GatewayResources resources, Gateway gateway, GatewayClass gatewayClass, GatewayConfig gatewayConfig,
                  RenderOptions options) {
        this.resources = resources;
        this.gateway = gateway;
        this.gatewayClass = gatewayClass;
        this.gatewayConfig = gatewayConfig;
        this.options = options;
    }

    String gatewayKey() {
        return gateway.key();
    }

    void warn(String w) {
        warnings.add(w);
    }

    void problem(String p) {
        problems.add(p);
    }

    /**
     * A problem that the operator reports as one of its critical errors: {@code operatorError} is that error's text
     * (operator {@code errors.go}), which the Gateway's status carries; the first one recorded wins.
     */
    void problem(String p, String operatorError) {
        problems.add(p);
        if (this.operatorError == null) {
            this.operatorError = operatorError;
        }
    }

    /** The operator's text for the first critical problem, or {@code null}. */
    String operatorError() {
        return operatorError;
    }

    /** What became of one of the Gateway's listeners, recorded by {@link ListenerRenderer} in spec order. */
    void listenerOutcome(ListenerOutcome o) {
        listenerOutcomes.add(o);
    }

    List<ListenerOutcome> listenerOutcomes() {
        return listenerOutcomes;
    }

    /** How the operator classifies a listener when it sets the listener's status. */
    enum ListenerVerdict {
        /** Rendered. */
        ACCEPTED,
        /** Same port and transport family as an earlier listener: not rendered (PortUnavailable, ProtocolConflict). */
        CONFLICTED,
        /** Not one of the TURN protocols: not rendered (UnsupportedProtocol). */
        INVALID_PROTOCOL,
        /** TURN-TLS/DTLS whose certificateRefs give no usable certificate: not rendered (InvalidCertificateRef). */
        INVALID_CERTIFICATE_REF
    }

    /**
     * One listener's outcome.
     *
     * @param attachedRoutes routes attached to the listener (0 for a listener not rendered, except a conflicted
     *                       one, which the operator counts)
     * @param address        the listener's public address, {@code null} when there is none; computed for every
     *                       listener with a known protocol, rendered or not, as the operator does
     */
    record ListenerOutcome(String name, ListenerVerdict verdict, int attachedRoutes,
                           ServiceRenderer.PublicAddress address) {
    }

    /**
     * Why stunnerd would refuse the rendered config, for the problems of a config that fails validation: the
     * renderer rendered what the operator renders, and knows it will be refused.
     */
    void explainRejection(String hint) {
        rejectionHints.add(hint);
    }

    List<String> rejectionHints() {
        return rejectionHints;
    }

    List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    List<String> problems() {
        return problems;
    }
}
