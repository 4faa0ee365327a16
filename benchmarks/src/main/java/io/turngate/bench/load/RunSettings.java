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
 */
record RunSettings(InetSocketAddress server, String user, String password, Mode mode, int payload, long ratePps,
                   int windowPerAllocation, int threads, long tickMicros, long lossTimeoutMillis, long rtoMillis,
                   int maxTransmissions, long lifetimeSeconds, boolean gso) {

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

    /** Bytes of one datagram from the client to the server. */
    int clientFrameLength(boolean ipv6Peer) {
        return mode == Mode.CHANNEL ? Wire.CHANNEL_DATA_HEADER + payload : Wire.sendIndicationLength(payload, ipv6Peer);
    }

    @Override
    public String toString() {
        return "RunSettings[server=" + server + ", user=" + user + ", mode=" + mode + ", payload=" + payload
                + ", ratePps=" + ratePps + ", window=" + windowPerAllocation + ", threads=" + threads + "]";
    }
}
