package io.turngate.server;

/**
 * The catalogue of what a listener socket counts besides packets, bytes and refusals (Aeron
 * {@code SystemCounterDescriptor} style): each counter names the Prometheus family it is exported in and its label
 * value there. Storage is per socket ({@link SocketStats}: plain counters owned by its event loop), summed per
 * listener at scrape time; see {@link Gateway#counter} and {@link ListenerStats#counter}. Refusals of requests are
 * counted per {@link io.turngate.turn.Refusal} instead.
 */
public enum Counter {
    MALFORMED_DATAGRAMS(Family.DROPPED_DATAGRAMS, "malformed", "Datagrams that are neither valid STUN nor valid ChannelData"),
    OVERSIZED_DATAGRAMS(Family.DROPPED_DATAGRAMS, "oversized", "Datagrams over the size limit"),
    BAD_FINGERPRINT(Family.DROPPED_DATAGRAMS, "bad_fingerprint", "STUN messages with a FINGERPRINT that does not match"),
    DROPPED_INDICATIONS(Family.DROPPED_DATAGRAMS, "indication",
            "Indications dropped: malformed, unknown method or attributes"),
    DROPPED_RESPONSES(Family.DROPPED_DATAGRAMS, "response",
            "STUN responses received on a listener (turngate sends no requests)"),
    UNKNOWN_METHOD(Family.DROPPED_DATAGRAMS, "unknown_method", "Requests with a method the server does not implement (answered 400)"),
    UNKNOWN_ATTRIBUTE_REQUESTS(Family.DROPPED_DATAGRAMS, "unknown_attribute",
            "Requests with comprehension-required attributes the server does not know (answered 420)"),
    DTLS_NO_SESSION(Family.DROPPED_DATAGRAMS, "dtls_no_session",
            "Datagrams on a TURN-DTLS listener from a sender without a DTLS session that are not a ClientHello"),
    DTLS_BAD_RECORDS(Family.DROPPED_DATAGRAMS, "dtls_bad_record",
            "DTLS records of a session dropped by its record layer: failed authentication (bad MAC), replayed, or of"
                    + " no known epoch (RFC 6347 §4.1.2.6, §4.1.2.7)"),
    DTLS_HANDSHAKE_BACKLOG(Family.DROPPED_DATAGRAMS, "dtls_handshake_backlog",
            "Datagrams dropped because a DTLS handshake in progress had too many unread datagrams"),

    NO_ALLOCATION(Family.RELAY_DROPPED, "no_allocation", "ChannelData or Send indications from a client without an allocation"),
    UNBOUND_CHANNEL(Family.RELAY_DROPPED, "unbound_channel", "ChannelData on a channel number that is not bound"),
    NO_PERMISSION(Family.RELAY_DROPPED, "no_permission", "Datagrams between the relay and a peer without a permission"),
    PEER_PORT_DENIED(Family.RELAY_DROPPED, "port_range",
            "Relayed datagrams dropped by the route's port range check (or a removed endpoint)"),
    SELF_PEER_DENIED(Family.RELAY_DROPPED, "own_port", "Relayed datagrams dropped because the peer is the gateway itself"),
    CLIENT_NOT_WRITABLE(Family.RELAY_DROPPED, "client_not_writable",
            "Datagrams from peers dropped because the client's TCP or TLS connection was full (the client reads too"
                    + " slowly)"),

    ALLOCATIONS_CREATED(Family.ALLOCATION_EVENTS, "created", "Allocations created"),
    ALLOCATIONS_EXPIRED(Family.ALLOCATION_EVENTS, "expired", "Allocations removed at the end of their lifetime"),
    ALLOCATIONS_DELETED(Family.ALLOCATION_EVENTS, "deleted",
            "Allocations deleted by the client (Refresh with LIFETIME 0) or by a listener restart"),
    RELAY_BIND_FAILURES(Family.ALLOCATION_EVENTS, "relay_bind_failed", "Relay sockets that could not be bound"),

    DTLS_HELLO_VERIFY_REQUESTS(Family.DTLS_EVENTS, "hello_verify_request",
            "HelloVerifyRequests sent to ClientHellos without a valid cookie (RFC 6347 §4.2.1; no state is kept)"),
    DTLS_HANDSHAKES_STARTED(Family.DTLS_EVENTS, "handshake_started",
            "DTLS handshakes started (a ClientHello came back with a valid cookie)"),
    DTLS_HANDSHAKES_REFUSED(Family.DTLS_EVENTS, "handshake_refused",
            "Cookie-verified ClientHellos not served: the listener had its maximum of handshakes in flight"),
    DTLS_SESSION_LISTENER_LIMIT(Family.DTLS_EVENTS, "listener_limit",
            "Cookie-verified ClientHellos not served: the listener had its maximum of DTLS sessions"
                    + " (--max-connections-per-listener)"),
    DTLS_SESSION_SOURCE_LIMIT(Family.DTLS_EVENTS, "source_limit",
            "Cookie-verified ClientHellos not served: the client's IP address had its maximum of DTLS sessions"
                    + " (--max-connections-per-ip)"),
    DTLS_HANDSHAKE_TIMEOUTS(Family.DTLS_EVENTS, "handshake_timeout", "DTLS handshakes dropped at their timeout"),
    DTLS_HANDSHAKES_FAILED(Family.DTLS_EVENTS, "handshake_failed",
            "DTLS handshakes that failed (alert, no common cipher suite, bad message)"),
    DTLS_SESSIONS_OPENED(Family.DTLS_EVENTS, "session_opened", "DTLS sessions established"),
    DTLS_SESSIONS_CLOSED(Family.DTLS_EVENTS, "session_closed",
            "Established DTLS sessions closed (allocation gone, idle, close_notify or fatal alert, listener stop)"),

    RATE_LIMITED_ANSWERS(Family.RATE_LIMITED, "", "Unauthenticated error answers (401, 438, 400) not sent: the source address exceeded its rate"),
    HANDLER_ERRORS(Family.HANDLER_ERRORS, "", "Unexpected exceptions caught on an event loop (logged, socket kept)"),

    STREAM_NOT_TURN(Family.STREAM_CLOSED, "not_turn",
            "TCP/TLS connections closed because they sent something that is neither STUN nor ChannelData"),
    STREAM_OVERSIZED_FRAME(Family.STREAM_CLOSED, "oversized_frame",
            "TCP/TLS connections closed because a frame was longer than --max-frame-size"),
    STREAM_FIRST_REQUEST_TIMEOUT(Family.STREAM_CLOSED, "first_request_timeout",
            "TCP/TLS connections closed because no valid STUN message came within --first-request-timeout"),
    STREAM_IDLE_TIMEOUT(Family.STREAM_CLOSED, "idle_timeout",
            "TCP/TLS connections without an allocation closed after --idle-connection-timeout without traffic"),
    STREAM_LISTENER_LIMIT(Family.STREAM_CLOSED, "listener_limit",
            "TCP/TLS connections refused at accept: the listener had --max-connections-per-listener open"),
    STREAM_SOURCE_LIMIT(Family.STREAM_CLOSED, "source_limit",
            "TCP/TLS connections refused at accept: their source IP had --max-connections-per-ip open"),
    TLS_HANDSHAKE_TIMEOUT(Family.STREAM_CLOSED, "tls_handshake_timeout",
            "TLS connections closed because the handshake did not finish within --tls-handshake-timeout"),
    TLS_HANDSHAKE_FAILED(Family.STREAM_CLOSED, "tls_handshake_failed", "TLS connections whose handshake failed");

    /** Prometheus families (name without {@code _total}) and the label that tells their counters apart. */
    public enum Family {
        DROPPED_DATAGRAMS("turngate_dropped_datagrams", "kind",
                "Datagrams received on a listener and dropped or refused before any TURN processing, by kind"),
        RELAY_DROPPED("turngate_relay_dropped", "reason",
                "Datagrams to or from peers dropped on the relay path, by reason"),
        ALLOCATION_EVENTS("turngate_allocation_events", "event", "Allocation life-cycle events"),
        DTLS_EVENTS("turngate_dtls_events", "event", "DTLS handshake and session events of TURN-DTLS listeners"),
        RATE_LIMITED("turngate_rate_limited_answers", "",
                "Unauthenticated error answers (401, 438, 400) not sent: their source address exceeded its rate"),
        HANDLER_ERRORS("turngate_handler_errors", "", "Unexpected exceptions caught on an event loop"),
        STREAM_CLOSED("turngate_stream_connections_closed", "reason",
                "TCP and TLS connections closed or refused by the server to protect a listener, by reason");

        private final String metric;
        private final String label;
        private final String description;

        Family(String metric, String label, String description) {
            this.metric = metric;
            this.label = label;
            this.description = description;
        }

        public String metric() {
            return metric;
        }

        /** The label that distinguishes this family's counters, {@code ""} when it has one counter. */
        public String label() {
            return label;
        }

        public String description() {
            return description;
        }
    }

    private static final Counter[] VALUES = values();

    private final Family family;
    private final String labelValue;
    private final String description;

    Counter(Family family, String labelValue, String description) {
        this.family = family;
        this.labelValue = labelValue;
        this.description = description;
    }

    static int count() {
        return VALUES.length;
    }

    public Family family() {
        return family;
    }

    /** The value of {@link Family#label()} for this counter. */
    public String labelValue() {
        return labelValue;
    }

    public String description() {
        return description;
    }
}
