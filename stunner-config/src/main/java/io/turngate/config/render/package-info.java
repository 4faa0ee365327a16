/**
 * Renders Gateway API / STUNner resources ({@link io.turngate.config.gateway.GatewayResources}) into stunnerd
 * dataplane configs exactly as STUNner's gateway operator does in its default "managed" mode: one
 * {@link io.turngate.config.v1.StunnerConfig} per Gateway of a GatewayClass whose controller is
 * {@code stunner.l7mp.io/gateway-operator} (stunner-compat §2). The rendered JSON is passed through
 * {@link io.turngate.config.load.ConfigLoader#parse} so it is expanded ({@code $STUNNER_ADDR}), validated and
 * normalised exactly like a stunnerd config file. The operator's switches (endpoint discovery, relaying to the
 * ClusterIP) are {@link io.turngate.config.render.RenderOptions}, defaulting to the operator's defaults.
 *
 * <p>Offline differences from the operator (there is no API server to ask), each reported as a warning in
 * {@link io.turngate.config.render.RenderedGateway#warnings()}:
 * <ul>
 *   <li>The Gateway's Service: when no Service is annotated for and owned by the Gateway, a Service named like the
 *       Gateway is taken (the operator adopts it), else the Service the operator would create is assumed (no
 *       load-balancer address yet), so {@code spec.addresses} still gives a public address.</li>
 *   <li>A Service backend that is in the input without a ClusterIP and without endpoints, in an input that holds no
 *       EndpointSlice or Endpoints at all (manifests rather than a cluster dump), becomes the STRICT_DNS cluster
 *       {@code <svc>.<ns>.svc.cluster.local}; the operator would skip it.</li>
 *   <li>An input without EndpointSlices uses the legacy Endpoints object per Service (the operator uses one or the
 *       other by flag); EndpointSlices of addressType FQDN are skipped.</li>
 *   <li>Where the operator's error bookkeeping drops a resolvable backend (after a missing one), drops the whole
 *       cluster (last backend a missing StaticService) or types it after a skipped backend, the backends are
 *       rendered by the documented rules and the difference is a warning.</li>
 *   <li>The first Node with an external address is the first in the input (the operator's is a map's order).</li>
 * </ul>
 *
 * <p>Sources: {@code l7mp/stunner-gateway-operator} {@code internal/renderer} at commit 0e1f157 (read, not
 * copied), Gateway API <a href="https://gateway-api.sigs.k8s.io/reference/spec/">spec</a> (ParentReference,
 * AllowedRoutes). The parity tests ({@code *ParityTest}) restate the operator's renderer test cases.
 *
 * <p>Threading: renderers are stateless apart from the environment map and options given at construction; each
 * call builds its own context, so calls may run concurrently.
 */
package io.turngate.config.render;
