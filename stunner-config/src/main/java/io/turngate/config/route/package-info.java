/**
 * Routing as permission, offline and on the hot path: {@link io.turngate.config.route.RouteTable} (what each
 * listener may relay to), {@link io.turngate.config.route.Explain} ("why is my peer denied?") and
 * {@link io.turngate.config.route.PeerAddresses} (IPv4-in-IPv6 canonicalisation and the special-range rule, shared
 * with the server's permission check).
 *
 * <p>Semantics follow STUNner (stunner-compat §1c): a CreatePermission/ChannelBind for peer IP P on listener L is
 * granted iff a cluster named by L's routes contains P (IP only); port ranges are enforced per packet against the
 * first matching cluster in sorted route order. turngate adds one rule: loopback, unspecified, link-local,
 * multicast and broadcast peers need an endpoint naming that range explicitly. References:
 * <a href="https://www.rfc-editor.org/rfc/rfc8656#section-9">RFC 8656 §9 (permissions)</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5">RFC 4291 §2.5.5 (IPv4-embedded IPv6)</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc3056#section-2">RFC 3056 §2 (6to4)</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc6052#section-2.1">RFC 6052 §2.1 (NAT64 well-known prefix)</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc6890">RFC 6890 (special-purpose address registries)</a>.
 *
 * <p>Threading: everything here is stateless or immutable; {@code PeerAddresses} is called concurrently from every
 * listener event loop.
 */
package io.turngate.config.route;
