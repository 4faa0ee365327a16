/**
 * Writes the statuses of each render ({@link io.turngate.config.render.RenderStatus}) back to the Kubernetes API as
 * STUNner's gateway operator does: Gateway, GatewayClass and UDPRoute (both API groups) status subresources, only
 * where a status changed, from the leader replica only.
 *
 * <ul>
 *   <li>{@link io.turngate.config.k8s.status.KubernetesStatusPublisher}: what a Kubernetes config source calls after
 *       each render ({@code publish}); leader election over a Lease, background writes, retries.</li>
 *   <li>{@link io.turngate.config.k8s.status.StatusWriter}: one synchronous pass over a status, no election.</li>
 *   <li>{@link io.turngate.config.k8s.status.StatusListener} / {@link io.turngate.config.k8s.status.StatusEvent}:
 *       where writes, RBAC denials (verb and resource) and leadership changes are reported; stunner-config has no
 *       logging framework, {@code StatusListener.LOGGING} uses {@link java.lang.System.Logger}.</li>
 * </ul>
 *
 * <p>Sources: {@code l7mp/stunner-gateway-operator} {@code internal/updater} (status updates: read, compare, write
 * the status subresource, retry on conflict) and {@code main.go} (leader election), read at commit 0e1f157;
 * Kubernetes {@code coordination.k8s.io/v1} Lease; fabric8 kubernetes-client {@code LeaderElector}.
 */
package io.turngate.config.k8s.status;
