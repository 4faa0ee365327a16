package io.turngate.server;

/**
 * The bounds of a TURN-DTLS listener (RFC 7350), each one a cost an unauthenticated client can make the server pay.
 *
 * @param maxHandshakes          DTLS handshakes in flight per listener (cookie-verified, not finished); a
 *                               ClientHello beyond it is dropped and counted ({@link Counter#DTLS_HANDSHAKES_REFUSED}),
 *                               and the client's retransmission may find room later. Each handshake in flight holds
 *                               one thread of the listener's handshake pool ({@link DtlsListenerHandler})
 *                               ({@code --dtls-max-handshakes}).
 * @param handshakeTimeoutMillis how long a handshake may take from the verified ClientHello to the client's Finished
 *                               ({@link Counter#DTLS_HANDSHAKE_TIMEOUTS}, {@code --dtls-handshake-timeout})
 * @param idleMillis             how long an established session without an allocation lives without receiving a
 *                               record (a session with an allocation lives as long as the allocation)
 *                               ({@code --dtls-idle-timeout})
 * @param maxSessions            DTLS sessions (established or handshaking) per listener, 0 = no limit: the same
 *                               {@code --max-connections-per-listener} as a TCP/TLS listener's connections, since a
 *                               DTLS session is what a TURN-DTLS listener counts as its connection
 *                               ({@code stunner_listener_connections}); a cookie-verified ClientHello over it starts
 *                               no handshake ({@link Counter#DTLS_SESSION_LISTENER_LIMIT})
 * @param maxSessionsPerSource   DTLS sessions per client IP address on one listener, 0 = no limit
 *                               ({@code --max-connections-per-ip}, as for TCP/TLS;
 *                               {@link Counter#DTLS_SESSION_SOURCE_LIMIT}). Checked after the cookie exchange, so a
 *                               spoofed address cannot use up another's share.
 */
public record DtlsLimits(int maxHandshakes, long handshakeTimeoutMillis, long idleMillis, int maxSessions,
                         int maxSessionsPerSource) {
    /**
     * Handshakes in flight per listener. A handshake takes one round trip after the cookie exchange and a few
     * milliseconds of signing, so 32 serves hundreds of new sessions per second while it bounds the threads that
     * clients which stop half-way can hold to 32 for {@link #HANDSHAKE_TIMEOUT_MILLIS_DEFAULT}.
     */
    public static final int MAX_HANDSHAKES_DEFAULT = 32;
    /** RFC 6347 §4.2.4.1 suggests giving up after retransmissions of about a minute; a server needs less. */
    public static final long HANDSHAKE_TIMEOUT_MILLIS_DEFAULT = 10_000;
    /** A client that allocated nothing 30 s after its handshake (a 401 round trip is one RTT) is not coming back. */
    public static final long IDLE_MILLIS_DEFAULT = 30_000;

    public DtlsLimits {
        if (maxHandshakes < 1 || handshakeTimeoutMillis < 1 || idleMillis < 1) {
            throw new IllegalArgumentException("DTLS limits must be positive: " + maxHandshakes + ", "
                    + handshakeTimeoutMillis + " ms, " + idleMillis + " ms");
        }
        if (maxSessions < 0 || maxSessionsPerSource < 0) {
            throw new IllegalArgumentException("DTLS session limits: " + maxSessions + ", " + maxSessionsPerSource
                    + " (expected: 0 or more)");
        }
    }

    /** The handshake bounds with the session caps of {@link StreamLimits#defaults()}. */
    public DtlsLimits(int maxHandshakes, long handshakeTimeoutMillis, long idleMillis) {
        this(maxHandshakes, handshakeTimeoutMillis, idleMillis, StreamLimits.MAX_CONNECTIONS_DEFAULT,
                StreamLimits.MAX_CONNECTIONS_PER_SOURCE_DEFAULT);
    }

    public static DtlsLimits defaults() {
        return new DtlsLimits(MAX_HANDSHAKES_DEFAULT, HANDSHAKE_TIMEOUT_MILLIS_DEFAULT, IDLE_MILLIS_DEFAULT);
    }

    /** These bounds with the session caps {@code perListener} and {@code perSource} (0 = no limit). */
    public DtlsLimits withSessions(int perListener, int perSource) {
        return new DtlsLimits(maxHandshakes, handshakeTimeoutMillis, idleMillis, perListener, perSource);
    }
}
