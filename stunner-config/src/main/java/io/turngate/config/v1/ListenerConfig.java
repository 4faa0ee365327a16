package io.turngate.config.v1;

import java.util.List;

/**
 * One {@code listeners[]} entry: an independent TURN server (STUNner semantics). The listener binds the wildcard
 * address on {@code port}; {@code address} is the IP advertised in XOR-RELAYED-ADDRESS (stunner-compat §1c.6).
 *
 * @param name          required, operator form {@code <ns>/<gateway>/<listener>}
 * @param protocol      default TURN-UDP
 * @param publicAddress informational ({@code public_address}); may be empty
 * @param publicPort    informational ({@code public_port}); 0 = unset
 * @param address       relay address to advertise, default {@code 0.0.0.0} (= pick one of this host's addresses)
 * @param port          1..65535, default 3478
 * @param cert          base64 PEM certificate (TLS/DTLS), may be empty
 * @param key           base64 PEM key (TLS/DTLS), may be empty
 * @param routes        cluster names, sorted
 */
public record ListenerConfig(String name, ListenerProtocol protocol, String publicAddress, int publicPort,
                             String address, int port, String cert, String key, List<String> routes) {
    public ListenerConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /**
     * True when a change from {@code other} to this needs the listener's sockets restarted (§1f). turngate reloads
     * the certificate of a TURN-TLS or TURN-DTLS listener in place (new connections and handshakes get the new one,
     * established ones keep theirs), so a {@code cert} or {@code key} change restarts none of them (stunnerd
     * restarts them all; the other protocols have no certificate).
     */
    public boolean needsRestartFrom(ListenerConfig other) {
        return other == null
                || protocol != other.protocol
                || port != other.port
                || !java.util.Objects.equals(address, other.address)
                || !protocol.needsCertificate() && !certificateEquals(other);
    }

    /** Whether {@code cert} and {@code key} are the same as {@code other}'s. */
    public boolean certificateEquals(ListenerConfig other) {
        return java.util.Objects.equals(cert, other.cert) && java.util.Objects.equals(key, other.key);
    }

    @Override
    public String toString() {
        return "ListenerConfig[name=" + name + ", protocol=" + protocol + ", public=" + publicAddress + ":" + publicPort
                + ", address=" + address + ", port=" + port + ", cert=" + (cert == null || cert.isEmpty() ? "" : "<SECRET>")
                + ", key=" + (key == null || key.isEmpty() ? "" : "<SECRET>") + ", routes=" + routes + "]";
    }
}
