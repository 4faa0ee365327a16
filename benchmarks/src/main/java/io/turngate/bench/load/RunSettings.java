package io.turngate.bench.load;

import java.net.InetSocketAddress;

/**
 * Resolved, immutable settings of one load-generator run, shared read-only by every {@link Worker}.
 *
 * @param server            the TURN server's UDP address
 * @param user              long-term credential user name
 * @param password          long-term credential password (never logged)
 * @param mode              how probes travel to the server
 * @param payload           probe (application payload) size in bytes
 * @param ratePps           total probes per second towards the server, or 0 for as fast as possible
 * @param windowPerAllocation probes in flight per allocation when {@code ratePps == 0}
 * @param threads           event loops (workers)
 * @param tickMicros        pacing tick of the fixed-rate mode
 * @param lossTimeoutMillis after this long without an echo, an allocation's in-flight probes count as lost
 * @param rtoMillis         first retransmission timeout of control requests (RFC 8489 §6.2.1)
 * @param maxTransmissions  transmissions of one control request before it fails
 * @param lifetimeSeconds   LIFETIME requested in Allocate, or 0 for the server's default
 * @param gso               send consecutive datagrams to one destination as one UDP_SEGMENT (GSO) write
 * @param transport         how the clients reach the server (the relay side is always UDP)
 */
record RunSettings(InetSocketAddress server, String user, String password, Mode mode, int payload, long ratePps,
                   int windowPerAllocation, int threads, long tickMicros, long lossTimeoutMillis, long rtoMillis,
                   int maxTransmissions, long lifetimeSeconds, boolean gso, Transport transport) {

    /** Linux UDP_MAX_SEGMENTS: datagrams one GSO write may carry. */
    static final int GSO_MAX_SEGMENTS = 64;
    /** Largest UDP payload over IPv4: one GSO write carries at most this many bytes. */
    static final int GSO_MAX_BYTES = 65_507;

    /** Datagrams of {@code frameLength} bytes that fit into one GSO write. */
    static int gsoSegments(int frameLength) {
        return Math.max(1, Math.min(GSO_MAX_SEGMENTS, GSO_MAX_BYTES / frameLength));
    }

    /** How probes are carried between the client and the server. */
    enum Mode {
        /** ChannelBind, then ChannelData both ways (RFC 8656 §11-12). */
        CHANNEL,
        /** CreatePermission, then Send and Data indications (RFC 8656 §9-10). */
        SEND
    }

    /** The client's transport to the server (RFC 8656 §3.1); allocations always relay over UDP. */
    enum Transport {
        /** One connected UDP socket per allocation. */
        UDP,
        /** One TCP connection per allocation (RFC 8656 §3.1, ChannelData padded, §12.5). */
        TCP,
        /** One TLS-over-TCP connection per allocation (RFC 8656 §3.1). */
        TLS;

        /** True for TCP and TLS: STUN and ChannelData are framed on a byte stream. */
        boolean isStream() {
            return this != UDP;
        }

        /** The option value and JSON name: udp, tcp or tls. */
        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Bytes of one message from the client to the server. On a stream, ChannelData is padded to a multiple of 4
     * (RFC 8656 §12.5); over UDP it is not. A Send indication is always padded (RFC 8489 §14).
     */
    int clientFrameLength(boolean ipv6Peer) {
        if (mode == Mode.SEND) {
            return Wire.sendIndicationLength(payload, ipv6Peer);
        }
        return Wire.CHANNEL_DATA_HEADER + (transport.isStream() ? Wire.pad4(payload) : payload);
    }

    @Override
    public String toString() {
        return "RunSettings[server=" + server + ", user=" + user + ", mode=" + mode + ", payload=" + payload
                + ", ratePps=" + ratePps + ", window=" + windowPerAllocation + ", threads=" + threads + ", transport="
                + transport.id() + "]";
    }
}
