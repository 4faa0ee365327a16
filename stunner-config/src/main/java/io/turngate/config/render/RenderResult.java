package io.turngate.config.render;

import java.util.List;

/**
 * Everything one {@link GatewayRenderer#renderWithStatus} call produces: the configs of the Gateways that could be
 * rendered, the problems of those that could not, and the statuses the operator would write back for all of them.
 * A failed Gateway does not hold back the others (the operator renders each Gateway on its own, too).
 *
 * @param gateways the rendered Gateways, sorted by {@code namespace/name}
 * @param problems for the Gateways that could not be rendered (missing credentials, a config stunnerd refuses), the
 *                 same problems {@link GatewayRenderer#renderAll} throws; empty when every Gateway rendered
 * @param status   the statuses to write back ({@code io.turngate.config.k8s.status.KubernetesStatusPublisher})
 */
public record RenderResult(List<RenderedGateway> gateways, List<String> problems, RenderStatus status) {
    public RenderResult {
        gateways = List.copyOf(gateways);
        problems = List.copyOf(problems);
    }

    /** True when every Gateway of an accepted class was rendered. */
    public boolean complete() {
        return problems.isEmpty();
    }
}
