/**
 * STUNner's config discovery service (CDS) as a config source: {@link io.turngate.config.cds.CdsConfigSource}
 * reads one Gateway's dataplane config with a plain {@code GET} or follows it over a WebSocket, the way stunnerd's
 * CDS client does (keepalive pings, read deadline, reconnect forever, zero configs ignored);
 * {@link io.turngate.config.cds.CdsOrigin} turns a config origin into the API's URIs;
 * {@link io.turngate.config.cds.K8sCdsDiscovery} finds the CDS through the Kubernetes API for {@code -c k8s};
 * {@link io.turngate.config.cds.ZeroConfig} is the bootstrap and deletion config. Rules: stunner-compat §1b ("CDS
 * wire details") and §1f; API: STUNner's {@code pkg/config/api/stunner_openapi.yaml}. Threading: a source owns two
 * daemon threads ({@code turngate-cds} for connecting, pinging and deadlines, {@code turngate-cds-config} for
 * parsing and the listener calls) besides the JDK HTTP client's own.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6455">RFC 6455, The WebSocket Protocol</a>
 */
package io.turngate.config.cds;
