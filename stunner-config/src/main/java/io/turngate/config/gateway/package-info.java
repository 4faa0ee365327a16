/**
 * The Gateway API / STUNner resource subset that STUNner's gateway operator reads, as lenient immutable records,
 * and {@link io.turngate.config.gateway.GatewayResources}, which loads them from multi-document YAML/JSON files
 * (one file or a directory) the way {@code kubectl apply -f} would see them.
 *
 * <p>Only the fields the operator's renderer consults are modelled; unknown fields are ignored, unknown kinds
 * (Deployment, ConfigMap, ...) are skipped with a debug message, and every malformed field of a known kind is
 * reported as a problem naming the file, the document, the object and the field path, in the form
 * {@code what found (expected: ...)}. Absent optional strings are {@code null}, absent optional integers are
 * {@code null}, absent lists and maps are empty.
 *
 * <p>Specifications: Kubernetes Gateway API v1 ({@code gateway.networking.k8s.io}, GatewayClass, Gateway,
 * v1alpha2 UDPRoute, <a href="https://gateway-api.sigs.k8s.io/reference/spec/">API reference</a>), STUNner's
 * CRDs ({@code stunner.l7mp.io}: GatewayConfig, UDPRoute, StaticService, Dataplane) and core/v1 Service,
 * Secret, Namespace, Node, discovery/v1 EndpointSlice. See {@code shared/docs/stunner-compat.md} §2.
 *
 * <p>Threading: everything here is immutable after loading; no thread owns any state. Loading is done on the
 * caller's thread.
 */
package io.turngate.config.gateway;
