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
 * <p>Statuses ({@link io.turngate.config.render.GatewayRenderer#renderWithStatus},
 * {@link io.turngate.config.render.RenderStatus}) are the operator's ({@code gateway_util.go},
 * {@code gatewayclass_util.go}, {@code udproute_util.go}, {@code render_pipeline.go}): same condition types,
 * statuses, reasons and messages, and the same choice of objects. Where the operator knows more, or turngate renders
 * differently, the status follows this renderer:
 * <ul>
 *   <li>Gateway {@code status.addresses} and {@code Programmed} follow the public addresses this renderer found,
 *       including through the offline Service fallbacks above; the operator, which reads only the Service it owns,
 *       reports {@code AddressNotAssigned} until it has created that Service.</li>
 *   <li>A Gateway whose rendered config stunnerd would refuse (a TURN-TLS/DTLS listener without certificate in
 *       Terminate mode, TLS passthrough) is invalidated ({@code Accepted=False Pending}, {@code Programmed=False
 *       Invalid}, the problem as message), as the operator invalidates a Gateway it cannot render; the operator
 *       reports it accepted and serves a config its dataplane refuses.</li>
 *   <li>A missing {@code Dataplane} object invalidates nothing (turngate is the dataplane); the operator sets its
 *       GatewayClass {@code Accepted=False InvalidParameters}.</li>
 *   <li>{@code attachedRoutes} counts routes; the operator counts matching parentRefs, so a route naming the
 *       Gateway twice counts twice there.</li>
 *   <li>A route whose parentRefs all name Gateways of a class whose GatewayConfig is missing gets the normal parent
 *       statuses; the operator's invalidation pass writes them for the parents of that class only (the same
 *       conditions).</li>
 *   <li>A GatewayClass of the STUNner controller with a malformed {@code parametersRef} (missing, wrong group or
 *       kind, empty name or namespace) gets no status at all, as in the operator, which skips it; one whose
 *       GatewayConfig does not exist gets {@code Accepted=False InvalidParameters}.</li>
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
