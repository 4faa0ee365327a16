/**
 * Renders Gateway API / STUNner resources ({@link io.turngate.config.gateway.GatewayResources}) into stunnerd
 * dataplane configs exactly as STUNner's gateway operator does in its default "managed" mode: one
 * {@link io.turngate.config.v1.StunnerConfig} per Gateway of a GatewayClass whose controller is
 * {@code stunner.l7mp.io/gateway-operator} (stunner-compat §2). The rendered JSON is passed through
 * {@link io.turngate.config.load.ConfigLoader#parse} so it is expanded ({@code $STUNNER_ADDR}), validated and
 * normalised exactly like a stunnerd config file.
 *
 * <p>Offline differences from the operator (there is no API server to ask): a Service backend with no
 * EndpointSlice in the input becomes a {@code STRICT_DNS} cluster {@code <svc>.<ns>.svc.cluster.local}; the public
 * address comes from {@code spec.addresses[0]} or a LoadBalancer Service status found in the input; a TLS/DTLS
 * listener without a usable certificate is left out instead of producing a config stunnerd would reject. Every
 * such decision is reported as a warning in {@link io.turngate.config.render.RenderedGateway#warnings()}.
 *
 * <p>Sources: {@code l7mp/stunner-gateway-operator} {@code internal/renderer} (read, not copied), Gateway API
 * <a href="https://gateway-api.sigs.k8s.io/reference/spec/">spec</a> (ParentReference, AllowedRoutes).
 *
 * <p>Threading: renderers are stateless apart from the environment map given at construction; each call builds
 * its own context, so calls may run concurrently.
 */
package io.turngate.config.render;
