package io.turngate.ice;

import io.turngate.config.v1.Endpoint;
import io.turngate.config.v1.ListenerProtocol;

import java.util.Objects;

/**
 * A TURN URI as RFC 7065 §3.1 writes it, {@code turn:HOST:PORT?transport=udp}: the form WebRTC's
 * {@code RTCIceServer.urls} takes and STUNner's auth service serves (stunner {@code pkg/apis/v1/listener.go}
 * {@code GetListenerURI(rfc7065 = true)}). The scheme and transport come from the listener protocol:
 * <table>
 *   <caption>protocol → URI</caption>
 *   <tr><td>TURN-UDP</td><td>{@code turn:HOST:PORT?transport=udp}</td></tr>
 *   <tr><td>TURN-TCP</td><td>{@code turn:HOST:PORT?transport=tcp}</td></tr>
 *   <tr><td>TURN-TLS</td><td>{@code turns:HOST:PORT?transport=tcp}</td></tr>
 *   <tr><td>TURN-DTLS</td><td>{@code turns:HOST:PORT?transport=udp}</td></tr>
 * </table>
 * The transport is always written, also for UDP where RFC 7065 would let it default.
 */
public final class TurnUri {
    /** The operator's relay-address-discovery placeholder; not an address a client can use. */
    public static final String NODE_ADDRESS_PLACEHOLDER = "__node_address_placeholder";

    private TurnUri() {
    }

    /**
     * The URI for a listener of {@code protocol} reachable at {@code host:port}. A host with a colon (an IPv6
     * literal) is put in brackets, {@code turn:[2001:db8::1]:3478?transport=udp}, as RFC 3986 requires and STUNner
     * main does (Go {@code net.JoinHostPort}); the auth service's STUNner v1.1.0 writes it unbracketed, which
     * clients cannot parse: a deliberate difference.
     */
    public static String of(ListenerProtocol protocol, String host, int port) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        String scheme = protocol == ListenerProtocol.TURN_TLS || protocol == ListenerProtocol.TURN_DTLS ? "turns" : "turn";
        String transport = protocol == ListenerProtocol.TURN_UDP || protocol == ListenerProtocol.TURN_DTLS ? "udp" : "tcp";
        boolean bracket = host.indexOf(':') >= 0 && !host.startsWith("[");
        return scheme + ":" + (bracket ? "[" + host + "]" : host) + ":" + port + "?transport=" + transport;
    }

    /**
     * True when {@code host} tells a client nothing: empty, the node-address placeholder, or an unspecified
     * address ({@code 0.0.0.0}, {@code ::}), which is what an advertised {@code address: $STUNNER_ADDR} becomes
     * when the variable is unset.
     */
    public static boolean isUnspecified(String host) {
        if (host == null || host.isEmpty() || host.equals(NODE_ADDRESS_PLACEHOLDER)) {
            return true;
        }
        byte[] ip = Endpoint.parseIpLiteral(host);
        if (ip == null) {
            return false;
        }
        for (byte b : ip) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
