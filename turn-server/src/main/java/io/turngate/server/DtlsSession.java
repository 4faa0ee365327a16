package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.turn.ClientTransport;
import org.bouncycastle.tls.DTLSRecordCallback;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One DTLS session of a TURN-DTLS listener: one client, whose 5-tuple is its sender address (RFC 7350 §4.1, RFC
 * 8656 §2.1). It is two things:
 *
 * <ul>
 *   <li>to Bouncy Castle, the {@link DatagramTransport} under the session's record layer: during the handshake (on
 *       a handshake thread) it reads the client's datagrams from a small queue the event loop fills, and its sends
 *       go to the event loop; once established (on the event loop) it hands the record layer exactly the one
 *       datagram being read, and says "would block" after it, so {@link DTLSTransport#receive} never waits;</li>
 *   <li>to the TURN core, the {@link ClientTransport} of the client: responses, ChannelData and Data indications are
 *       encrypted into one record each and written to the listener socket, flushed at the end of the read batch.</li>
 * </ul>
 *
 * <p>Threading: the state, the record layer after the handshake and every {@link ClientTransport} method belong to
 * the listener's event loop; the handshake thread touches only {@link #inbox}, {@link #aborted} and the
 * {@link DatagramTransport} methods, and hands the established {@link DTLSTransport} over through the event loop's
 * task queue (a happens-before edge).
 */
final class DtlsSession implements ClientTransport, DatagramTransport {
    enum State { HANDSHAKING, ESTABLISHED, CLOSED }

    /** Datagrams of a handshake in flight waiting for the handshake thread (a flight is a few datagrams). */
    static final int INBOX = 16;
    /**
     * Largest record plaintext the session sends (RFC 6347 §4.1.1: at most 2^14). A relayed datagram of
     * {@link io.turngate.relay.UdpRelaySocket#MAX_DATAGRAM} with its ChannelData or Data indication header fits.
     */
    static final int SEND_LIMIT = 1 << 14;
    private static final int RECORD_HEADER = 13;

    /** Thrown to the record layer when the datagram being read is used up (never filled in: no stack trace). */
    static final InterruptedIOException WOULD_BLOCK = new InterruptedIOException("no datagram queued") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final DtlsListenerHandler listener;
    private final InetSocketAddress address;
    final BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(INBOX);
    volatile boolean aborted;
    private volatile boolean recordLayerClosed;
    State state = State.HANDSHAKING;
    /** Handshake: its deadline; established: when a record last came in (both {@code nanoClock}). */
    long deadlineNanos;
    long lastReceivedNanos;
    private DTLSTransport dtls;
    /** The datagram the record layer reads next, on the event loop (established sessions). */
    private byte[] pending;
    private int pendingLength;
    /** Records the record layer accepted during the current {@link #receive}. */
    private int accepted;
    private final DTLSRecordCallback onAccepted = flags -> accepted++;
    /** Set once the session is closing, so the allocation's end does not close it twice. */
    private boolean closing;

    DtlsSession(DtlsListenerHandler listener, InetSocketAddress address) {
        this.listener = listener;
        this.address = address;
    }

    /** The handshake finished: records now go through {@code transport} on the event loop. */
    void established(DTLSTransport transport, long nowNanos) {
        this.dtls = transport;
        this.state = State.ESTABLISHED;
        this.lastReceivedNanos = nowNanos;
    }

    DTLSTransport transport() {
        return dtls;
    }

    boolean closing() {
        return closing;
    }

    void markClosing() {
        closing = true;
    }

    /**
     * Decrypts the records of one datagram ({@code length} bytes of {@code data}) into {@code plain} and hands each
     * plaintext to {@code sink}. Returns the number of records the record layer dropped: Bouncy Castle discards a
     * record that fails authentication (bad MAC), is a replay or belongs to no known epoch silently, as RFC 6347
     * §4.1.2.7 asks, and reports only the accepted ones; the difference is the count.
     *
     * @throws IOException when the record layer failed (a fatal alert received or raised): the session is over
     */
    int receive(byte[] data, int length, byte[] plain, DtlsListenerHandler.PlaintextSink sink) throws IOException {
        pending = data;
        pendingLength = length;
        accepted = 0;
        try {
            while (true) {
                int n;
                try {
                    n = dtls.receive(plain, 0, plain.length, 0, onAccepted);
                } catch (InterruptedIOException wouldBlock) {
                    if (wouldBlock != WOULD_BLOCK) {
                        throw wouldBlock;
                    }
                    break;
                }
                if (recordLayerClosed) {
                    break;
                }
                if (n >= 0) {
                    sink.onPlaintext(this, plain, n);
                }
            }
        } finally {
            pending = null;
        }
        return Math.max(0, records(data, length) - accepted);
    }

    /** Records in a datagram (RFC 6347 §4.1: 13-byte headers with their lengths; a truncated last one counts). */
    static int records(byte[] d, int length) {
        int n = 0;
        for (int at = 0; at + RECORD_HEADER <= length; n++) {
            at += RECORD_HEADER + (((d[at + 11] & 0xFF) << 8) | (d[at + 12] & 0xFF));
        }
        return n;
    }

    // ---------------------------------------------------------------- DatagramTransport (Bouncy Castle's side)

    @Override
    public int getReceiveLimit() {
        return DtlsListenerHandler.MAX_DATAGRAM;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT + 256; // a record's header and cipher expansion on top of the plaintext limit
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (listener.inEventLoop()) {
            byte[] d = pending;
            if (d == null) {
                throw WOULD_BLOCK;
            }
            pending = null;
            int n = Math.min(len, pendingLength);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }
        if (aborted) {
            throw new IOException("DTLS handshake aborted");
        }
        byte[] d;
        try {
            d = inbox.poll(waitMillis <= 0 ? Long.MAX_VALUE : waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS handshake interrupted");
        }
        if (aborted) {
            throw new IOException("DTLS handshake aborted");
        }
        if (d == null) {
            return -1; // Bouncy Castle's timeout: it retransmits its flight or gives up
        }
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        listener.sendRecord(this, buf, off, len);
    }

    /**
     * The record layer closed (a close_notify or fatal alert received or sent): the listener ends the session. The
     * UDP socket is the listener's, shared by every session, and stays open.
     */
    @Override
    public void close() {
        recordLayerClosed = true;
    }

    boolean recordLayerClosed() {
        return recordLayerClosed;
    }

    /** Ends the handshake thread's wait for a datagram (handshake timeout, listener closed). */
    void abortHandshake() {
        aborted = true;
        inbox.clear();
        inbox.offer(new byte[0]);
    }

    // ---------------------------------------------------------------- ClientTransport (the TURN core's side)

    @Override
    public Object fiveTuple() {
        return address;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return address;
    }

    @Override
    public ByteBufAllocator alloc() {
        return listener.alloc();
    }

    @Override
    public void sendResponse(ByteBuf message) {
        try {
            int n = message.readableBytes();
            byte[] out = listener.scratch();
            message.getBytes(message.readerIndex(), out, 0, n);
            listener.encrypt(this, out, n);
        } finally {
            message.release();
        }
    }

    @Override
    public void writeChannelData(int channelNumber, ByteBuf data, int index, int length) {
        ByteBuf out = listener.scratchBuf();
        ChannelData.writeHeader(out, channelNumber, length);
        out.writeBytes(data, index, length);
        listener.encrypt(this, out.array(), out.writerIndex());
    }

    @Override
    public void writeDataIndication(byte[] peerAddress, int peerPort, ByteBuf data, int index, int length) {
        ByteBuf out = listener.scratchBuf();
        Indications.writeDataIndication(out, peerAddress, peerPort, data, index, length);
        listener.encrypt(this, out.array(), out.writerIndex());
    }

    @Override
    public void flush() {
        listener.flushClients();
    }

    /** The allocation went (expired, deleted, listener closed): so does the session, once this event is handled. */
    @Override
    public void allocationClosed() {
        if (!closing) {
            listener.closeLater(this, "allocation closed");
        }
    }

    @Override
    public String toString() {
        return "DtlsSession[" + address + ", " + state + "]";
    }
}
