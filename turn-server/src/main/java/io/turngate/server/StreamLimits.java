package io.turngate.server;

/**
 * What bounds a TURN-TCP or TURN-TLS listener (RFC 8656 §3.1 streams; turn-notes' stream attack classes: connection
 * floods, slowloris-style half frames, idle sockets). Every limit applies per listener; 0 turns the connection caps
 * off.
 *
 * @param maxConnections            open connections per listener ({@code --max-connections-per-listener}); a
 *                                  connection over it is closed at once and counted
 * @param maxConnectionsPerSource   open connections per source IP on one listener ({@code --max-connections-per-ip}):
 *                                  high enough for an office NAT, low enough that one host cannot take the listener
 * @param firstRequestTimeoutMillis a connection that sent no valid STUN message (TLS handshake included) within this
 *                                  long is closed ({@code --first-request-timeout})
 * @param idleTimeoutMillis         a connection without an allocation that received nothing for this long is closed
 *                                  ({@code --idle-connection-timeout}); with an allocation, its lifetime governs
 * @param maxFrameBytes             the largest STUN or ChannelData frame accepted on a stream, header included
 *                                  ({@code --max-frame-size}); a longer declared length closes the connection
 * @param tlsHandshakeTimeoutMillis a TLS handshake that did not finish within this long closes the connection
 *                                  ({@code --tls-handshake-timeout})
 */
public record StreamLimits(int maxConnections, int maxConnectionsPerSource, long firstRequestTimeoutMillis,
                           long idleTimeoutMillis, int maxFrameBytes, long tlsHandshakeTimeoutMillis) {
    public static final int MAX_CONNECTIONS_DEFAULT = 20_000;
    public static final int MAX_CONNECTIONS_PER_SOURCE_DEFAULT = 500;
    public static final long FIRST_REQUEST_TIMEOUT_MILLIS_DEFAULT = 10_000;
    public static final long IDLE_TIMEOUT_MILLIS_DEFAULT = 30_000;
    /**
     * 4 KiB: more than the largest datagram turngate relays ({@code UdpRelaySocket.MAX_DATAGRAM}, 1600 bytes) in a
     * Send indication or ChannelData frame, and more than any STUN request a client sends, while a client cannot
     * make the server buffer up to 64 KiB per connection.
     */
    public static final int MAX_FRAME_BYTES_DEFAULT = 4096;
    /** The smallest frame limit: a 1600-byte datagram in a Send indication with every attribute around it. */
    public static final int MAX_FRAME_BYTES_MIN = 2048;
    /** STUN's 16-bit length after a 20-byte header. */
    public static final int MAX_FRAME_BYTES_MAX = 20 + 0xFFFF;
    public static final long TLS_HANDSHAKE_TIMEOUT_MILLIS_DEFAULT = 5_000;

    public StreamLimits {
        if (maxConnections < 0 || maxConnectionsPerSource < 0) {
            throw new IllegalArgumentException("connection limits: " + maxConnections + ", " + maxConnectionsPerSource
                    + " (expected: 0 or more)");
        }
        if (firstRequestTimeoutMillis <= 0 || idleTimeoutMillis <= 0 || tlsHandshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("stream timeouts: " + firstRequestTimeoutMillis + ", "
                    + idleTimeoutMillis + ", " + tlsHandshakeTimeoutMillis + " ms (expected: more than 0)");
        }
        if (maxFrameBytes < MAX_FRAME_BYTES_MIN || maxFrameBytes > MAX_FRAME_BYTES_MAX) {
            throw new IllegalArgumentException("max frame size: " + maxFrameBytes + " (expected: "
                    + MAX_FRAME_BYTES_MIN + ".." + MAX_FRAME_BYTES_MAX + ")");
        }
    }

    public static StreamLimits defaults() {
        return new StreamLimits(MAX_CONNECTIONS_DEFAULT, MAX_CONNECTIONS_PER_SOURCE_DEFAULT,
                FIRST_REQUEST_TIMEOUT_MILLIS_DEFAULT, IDLE_TIMEOUT_MILLIS_DEFAULT, MAX_FRAME_BYTES_DEFAULT,
                TLS_HANDSHAKE_TIMEOUT_MILLIS_DEFAULT);
    }

    public StreamLimits withConnections(int perListener, int perSource) {
        return new StreamLimits(perListener, perSource, firstRequestTimeoutMillis, idleTimeoutMillis, maxFrameBytes,
                tlsHandshakeTimeoutMillis);
    }

    public StreamLimits withTimeouts(long firstRequestMillis, long idleMillis, long tlsHandshakeMillis) {
        return new StreamLimits(maxConnections, maxConnectionsPerSource, firstRequestMillis, idleMillis, maxFrameBytes,
                tlsHandshakeMillis);
    }

    public StreamLimits withMaxFrameBytes(int bytes) {
        return new StreamLimits(maxConnections, maxConnectionsPerSource, firstRequestTimeoutMillis, idleTimeoutMillis,
                bytes, tlsHandshakeTimeoutMillis);
    }
}
