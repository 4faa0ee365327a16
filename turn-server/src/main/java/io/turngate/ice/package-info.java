/**
 * ICE configuration for applications: what a WebRTC client needs to reach the gateway, built from the dataplane
 * configs. {@link io.turngate.ice.IceAuthService} answers the two requests of STUNner's auth service
 * ({@code l7mp/stunner-auth-service}, OpenAPI {@code api/stunner.yaml}): {@code GET /ice} (an
 * {@code RTCConfiguration}) and {@code GET /} (a TURN REST API token). {@link io.turngate.ice.TurnUri} formats RFC
 * 7065 TURN URIs and {@link io.turngate.ice.IceCredentials} the static or time-windowed credentials; both are shared
 * with the {@code turngate ice-config} command.
 *
 * <p>No Netty and no I/O: the HTTP layer passes the path, the decoded query and the current configs in, and writes
 * the {@link io.turngate.ice.IceAuthService.Answer} out. Static functions and immutable values only, safe on any
 * thread. Nothing here logs.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7065">RFC 7065: TURN URIs</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00">TURN REST API draft</a>
 * @see <a href="https://www.w3.org/TR/webrtc/#rtcconfiguration-dictionary">W3C RTCConfiguration</a>
 */
package io.turngate.ice;
