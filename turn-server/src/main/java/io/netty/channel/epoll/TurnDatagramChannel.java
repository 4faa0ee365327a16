package io.netty.channel.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.UnixChannelUtil;
import io.netty.util.UncheckedBooleanSupplier;
import io.turngate.relay.OutboundDatagram;
import io.turngate.relay.ReceivedDatagram;
import io.turngate.relay.RecipientCache;
import io.turngate.relay.SenderCache;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * turngate's UDP socket on Netty's native epoll transport: Netty's {@link EpollDatagramChannel} with a read and a
 * write path that allocate nothing per datagram (issue 13: 0 B per relayed datagram on the event loop). It lives in
 * Netty's package because it needs what the package keeps to itself ({@code recvmmsg}/{@code sendmmsg} on
 * {@link NativeDatagramPacketArray}, the epoll unsafe) and because {@link EpollDatagramChannel} is final; it is
 * turngate's code, built against the Netty version the build pins, and used only where
 * {@link #isAvailable()} says the hooks it needs are there ({@code server.Transport} falls back to Netty's channel).
 *
 * <p>What Netty's channel allocates per datagram, and what this one does instead:
 * <ul>
 *   <li>reading: a {@code DatagramPacket} envelope and the sender's {@code InetSocketAddress} (with its
 *       {@code InetAddress} and their holders, 112 B): here one {@link ReceivedDatagram} per socket carries every
 *       datagram, and the sender comes from a {@link SenderCache} keyed by the raw address {@code recvmmsg} wrote;
 *   <li>writing: the envelope the handler made, and in {@code NativeDatagramPacket.init} the copy of the
 *       destination's bytes that {@code InetAddress.getAddress()} returns (80 B for a lone datagram, 128 B for a GSO
 *       send with its promise): here the handler writes a recycled {@link OutboundDatagram}, its destination's raw
 *       form comes from a {@link RecipientCache}, and every write goes out through {@code sendmmsg} (one message or
 *       many; UDP GSO sends too, as {@code UDP_SEGMENT} control messages, as Netty does).
 * </ul>
 * The receive batching is Netty's {@code scatteringRead}: slots of {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}
 * bytes in one pooled buffer, one retained slice per datagram (recycled), and the same accounting for the receive
 * allocator, so {@code server.Transport}'s allocator ends a read loop after a batch with free slots as before.
 *
 * <p>Unconnected only: it is bound, never connected. It accepts {@link OutboundDatagram} and, for other writers,
 * Netty's {@link DatagramPacket} (converted, at the old cost). Options: those of every channel, and
 * {@code SO_RCVBUF}, {@code SO_SNDBUF}, {@code SO_REUSEPORT}, {@code MAX_DATAGRAM_PAYLOAD_SIZE}.
 *
 * <p>Threading: Netty's: all I/O and both caches on the channel's event loop.
 */
public final class TurnDatagramChannel extends AbstractEpollChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    /** The fields of {@code NativeDatagramPacket} that JNI reads and writes, private to it. */
    private static final VarHandle COUNT;
    private static final VarHandle SENDER_ADDR;
    private static final VarHandle SENDER_ADDR_LEN;
    private static final VarHandle SENDER_SCOPE_ID;
    private static final VarHandle SENDER_PORT;
    private static final VarHandle RECIPIENT_ADDR;
    private static final VarHandle RECIPIENT_ADDR_LEN;
    private static final VarHandle RECIPIENT_SCOPE_ID;
    private static final VarHandle RECIPIENT_PORT;
    private static final VarHandle SEGMENT_SIZE;
    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        VarHandle[] h = new VarHandle[10];
        Throwable cause = null;
        try {
            Class<?> p = NativeDatagramPacketArray.NativeDatagramPacket.class;
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(p, MethodHandles.lookup());
            h[0] = l.findVarHandle(p, "count", int.class);
            h[1] = l.findVarHandle(p, "senderAddr", byte[].class);
            h[2] = l.findVarHandle(p, "senderAddrLen", int.class);
            h[3] = l.findVarHandle(p, "senderScopeId", int.class);
            h[4] = l.findVarHandle(p, "senderPort", int.class);
            h[5] = l.findVarHandle(p, "recipientAddr", byte[].class);
            h[6] = l.findVarHandle(p, "recipientAddrLen", int.class);
            h[7] = l.findVarHandle(p, "recipientScopeId", int.class);
            h[8] = l.findVarHandle(p, "recipientPort", int.class);
            h[9] = l.findVarHandle(p, "segmentSize", int.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            cause = e;
        }
        COUNT = h[0];
        SENDER_ADDR = h[1];
        SENDER_ADDR_LEN = h[2];
        SENDER_SCOPE_ID = h[3];
        SENDER_PORT = h[4];
        RECIPIENT_ADDR = h[5];
        RECIPIENT_ADDR_LEN = h[6];
        RECIPIENT_SCOPE_ID = h[7];
        RECIPIENT_PORT = h[8];
        SEGMENT_SIZE = h[9];
        UNAVAILABILITY_CAUSE = cause;
    }

    private final Config config;
    private final SenderCache senders;
    private final RecipientCache recipients;
    private final ReceivedDatagram message = new ReceivedDatagram();
    private final WriteFiller filler = new WriteFiller();
    /** Slices and senders of one {@code recvmmsg} batch, taken out of the shared native array before any handler runs. */
    private ByteBuf[] slices = new ByteBuf[16];
    private InetSocketAddress[] from = new InetSocketAddress[16];

    /**
     * A socket of {@code family} ({@code null}: the system's default, dual-stack where IPv6 is available) that caches
     * up to {@code maxAddresses} senders and destinations.
     */
    public TurnDatagramChannel(SocketProtocolFamily family, int maxAddresses) {
        super(null, LinuxSocket.newSocketDgram(family), false, EpollIoOps.EPOLLERR);
        int initial = Math.min(16, maxAddresses);
        this.senders = new SenderCache(initial, maxAddresses);
        this.recipients = new RecipientCache(initial, maxAddresses);
        this.config = new Config(this);
    }

    /** Whether this channel can run here: epoll, {@code recvmmsg}/{@code sendmmsg}, and Netty's fields found. */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why {@link #isAvailable()} is false, or {@code null}. */
    public static Throwable unavailabilityCause() {
        if (!Epoll.isAvailable()) {
            return Epoll.unavailabilityCause();
        }
        if (UNAVAILABILITY_CAUSE != null) {
            return UNAVAILABILITY_CAUSE;
        }
        if (!Native.IS_SUPPORTING_RECVMMSG || !Native.IS_SUPPORTING_SENDMMSG) {
            return new UnsupportedOperationException("recvmmsg(2) or sendmmsg(2) is not supported");
        }
        return null;
    }

    /** Senders this socket has cached (the table on this channel's event loop). */
    public SenderCache senderCache() {
        return senders;
    }

    /** Destinations this socket has cached. */
    public RecipientCache recipientCache() {
        return recipients;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && active;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    protected AbstractEpollUnsafe newUnsafe() {
        return new Unsafe();
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        super.doRegister(promise);
        promise.addListener(f -> {
            if (f.isSuccess() && isRegistered()) {
                submitCurrentOps(); // connection-less: reading starts with the registration (as Netty's channel)
            }
        });
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) localAddress;
            if (a.getAddress().isAnyLocalAddress() && a.getAddress() instanceof Inet4Address
                    && socket.family() == SocketProtocolFamily.INET6) {
                localAddress = new InetSocketAddress(Native.INET6_ANY, a.getPort());
            }
        }
        super.doBind(localAddress);
        active = true;
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException("TurnDatagramChannel is never connected");
    }

    // ------------------------------------------------------------------------------------------------ write path

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof OutboundDatagram) {
            OutboundDatagram d = (OutboundDatagram) msg;
            checkRecipient(d.recipient());
            ByteBuf content = d.content();
            if (UnixChannelUtil.isBufferCopyNeededForWrite(content)) {
                d.content(newDirectBuffer(content)); // releases the heap content
            }
            return d;
        }
        if (msg instanceof DatagramPacket) {
            DatagramPacket p = (DatagramPacket) msg;
            checkRecipient(p.recipient());
            ByteBuf content = p.content();
            int segmentSize = p instanceof io.netty.channel.unix.SegmentedDatagramPacket
                    ? ((io.netty.channel.unix.SegmentedDatagramPacket) p).segmentSize() : 0;
            // The packet's reference count is its content's: the new message owns the content from here on.
            return OutboundDatagram.of(UnixChannelUtil.isBufferCopyNeededForWrite(content) ? newDirectBuffer(content)
                    : content, p.recipient(), segmentSize, null);
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected: OutboundDatagram, DatagramPacket)");
    }

    private static void checkRecipient(InetSocketAddress to) {
        if (to == null) {
            throw new UnsupportedOperationException("a datagram without a recipient on an unconnected socket");
        }
        if (to.isUnresolved()) {
            throw new java.nio.channels.UnresolvedAddressException();
        }
    }

    /**
     * Netty's datagram write loop, with every write a {@code sendmmsg(2)} of the flushed messages (one or many):
     * a partial send leaves the rest for the next round, {@code EAGAIN} for {@code EPOLLOUT}, and an error drops the
     * message it belongs to and goes on with the next (a datagram socket writes to many destinations; Netty #2665).
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int budget = maxMessagesPerWrite();
        while (budget > 0) {
            Object msg = in.current();
            if (msg == null) {
                break;
            }
            if (((OutboundDatagram) msg).content().readableBytes() == 0) { // sendmmsg cannot carry an empty slot
                in.remove();
                budget--;
                continue;
            }
            NativeDatagramPacketArray array = ((NativeArrays) registration().attachment()).cleanDatagramPacketArray();
            filler.start(array, budget);
            in.forEachFlushedMessage(filler);
            int count = array.count();
            if (count == 0) { // a buffer the native array cannot take (too many components): drop it, never spin
                in.remove(new IOException("datagram of " + ((OutboundDatagram) msg).content().readableBytes()
                        + " bytes in a buffer that sendmmsg cannot take"));
                budget--;
                continue;
            }
            try {
                int sent = socket.sendmmsg(array.packets(), 0, count);
                if (sent == 0) {
                    break; // EAGAIN: the kernel's send buffer is full
                }
                for (int i = 0; i < sent; i++) {
                    in.remove();
                }
                budget -= sent;
            } catch (IOException e) {
                budget--;
                ((OutboundDatagram) in.current()).failed(e);
                in.remove(e);
            }
        }
        if (in.isEmpty()) {
            clearFlag(Native.EPOLLOUT);
        } else {
            setFlag(Native.EPOLLOUT);
        }
    }

    /** Puts flushed {@link OutboundDatagram}s into the native array, with their destinations' raw form. */
    private final class WriteFiller implements ChannelOutboundBuffer.MessageProcessor {
        private NativeDatagramPacketArray array;
        private int budget;

        void start(NativeDatagramPacketArray array, int budget) {
            this.array = array;
            this.budget = budget;
        }

        @Override
        public boolean processMessage(Object msg) {
            OutboundDatagram d = (OutboundDatagram) msg;
            ByteBuf buf = d.content();
            int length = buf.readableBytes();
            int index = array.count();
            if (length == 0 || !array.addWritable(buf, buf.readerIndex(), length)) {
                return false; // an empty one, or the array is full: send what is there
            }
            NativeDatagramPacketArray.NativeDatagramPacket p = array.packets()[index];
            InetSocketAddress to = d.recipient();
            int slot = recipients.slot(to);
            System.arraycopy(recipients.addresses(), slot * RecipientCache.ADDRESS_BYTES, (byte[]) RECIPIENT_ADDR.get(p),
                    0, RecipientCache.ADDRESS_BYTES);
            RECIPIENT_ADDR_LEN.set(p, RecipientCache.ADDRESS_BYTES);
            RECIPIENT_SCOPE_ID.set(p, recipients.scope(slot));
            RECIPIENT_PORT.set(p, to.getPort());
            int segmentSize = d.segmentSize();
            // As Netty: UDP_SEGMENT only when there is more than one segment.
            SEGMENT_SIZE.set(p, segmentSize > 0 && length > segmentSize ? segmentSize : 0);
            return --budget > 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ read path

    final class Unsafe extends AbstractEpollUnsafe {
        @Override
        void epollInReady() {
            Config config = config();
            if (shouldBreakEpollInReady(config)) {
                clearEpollIn0();
                return;
            }
            EpollRecvByteAllocatorHandle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(config);
            Throwable exception = null;
            try {
                try {
                    do {
                        ByteBuf buf = allocHandle.allocate(config.getAllocator());
                        if (read(allocHandle, buf, pipeline)) {
                            readPending = false;
                        } else {
                            break;
                        }
                    } while (allocHandle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
                } catch (Throwable t) {
                    exception = t;
                }
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (exception != null) {
                    pipeline.fireExceptionCaught(exception);
                }
            } finally {
                if (shouldStopReading(config)) {
                    clearEpollIn();
                }
            }
        }

        /**
         * One {@code recvmmsg(2)} into {@code buf}: as Netty's {@code scatteringRead}, except that each datagram goes
         * to the pipeline in the socket's one {@link ReceivedDatagram} with a cached sender.
         */
        private boolean read(EpollRecvByteAllocatorHandle allocHandle, ByteBuf buf, ChannelPipeline pipeline)
                throws IOException {
            int fired = 0;
            int received = 0;
            try {
                int size = config.maxDatagramPayloadSize;
                int writable = buf.writableBytes();
                if (size <= 0 || size > writable) {
                    size = writable;
                }
                int slots = writable / size;
                NativeDatagramPacketArray array = ((NativeArrays) registration().attachment()).cleanDatagramPacketArray();
                int start = buf.writerIndex();
                int offset = start;
                for (int i = 0; i < slots && array.addWritable(buf, offset, size); i++) {
                    offset += size;
                }
                allocHandle.attemptedBytesRead(offset - start);
                NativeDatagramPacketArray.NativeDatagramPacket[] packets = array.packets();
                received = socket.recvmmsg(packets, 0, array.count());
                if (received == 0) {
                    allocHandle.lastBytesRead(-1);
                    return false;
                }
                if (slices.length < received) {
                    slices = new ByteBuf[received];
                    from = new InetSocketAddress[received];
                }
                // The native array is shared by the loop's channels and a handler may flush one: take everything
                // out of it before the first datagram goes to the pipeline (as Netty does).
                for (int i = 0; i < received; i++) {
                    NativeDatagramPacketArray.NativeDatagramPacket p = packets[i];
                    from[i] = senders.get((byte[]) SENDER_ADDR.get(p), (int) SENDER_ADDR_LEN.get(p),
                            (int) SENDER_PORT.get(p), (int) SENDER_SCOPE_ID.get(p));
                    slices[i] = buf.retainedSlice(start + i * size, (int) COUNT.get(p));
                }
                buf.writerIndex(start + received * size);
                // Netty's accounting: every filled slot counts as full, so a batch with free slots ends the loop.
                allocHandle.lastBytesRead(Math.max(1, received * size));
                allocHandle.incMessagesRead(received);
                while (fired < received) {
                    ByteBuf slice = slices[fired];
                    InetSocketAddress sender = from[fired];
                    slices[fired] = null;
                    from[fired] = null;
                    fired++;
                    pipeline.fireChannelRead(message.set(slice, sender));
                }
                return true;
            } finally {
                buf.release();
                for (int i = fired; i < received; i++) { // only when something threw before they were delivered
                    if (slices[i] != null) {
                        slices[i].release();
                        slices[i] = null;
                    }
                    from[i] = null;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ options

    /** Netty's channel options plus the four socket options turngate sets on its UDP sockets. */
    public static final class Config extends EpollChannelConfig {
        private volatile int maxDatagramPayloadSize;

        Config(TurnDatagramChannel channel) {
            super(channel);
        }

        @SuppressWarnings("unchecked")
        @Override
        public <T> T getOption(ChannelOption<T> option) {
            try {
                if (option == ChannelOption.SO_RCVBUF) {
                    return (T) Integer.valueOf(socket().getReceiveBufferSize());
                }
                if (option == ChannelOption.SO_SNDBUF) {
                    return (T) Integer.valueOf(socket().getSendBufferSize());
                }
                if (option == EpollChannelOption.SO_REUSEPORT) {
                    return (T) Boolean.valueOf(socket().isReusePort());
                }
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            if (option == EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
                return (T) Integer.valueOf(maxDatagramPayloadSize);
            }
            return super.getOption(option);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            validate(option, value);
            try {
                if (option == ChannelOption.SO_RCVBUF) {
                    socket().setReceiveBufferSize((Integer) value);
                } else if (option == ChannelOption.SO_SNDBUF) {
                    socket().setSendBufferSize((Integer) value);
                } else if (option == EpollChannelOption.SO_REUSEPORT) {
                    socket().setReusePort((Boolean) value);
                } else if (option == EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
                    int size = (Integer) value;
                    if (size < 0) {
                        throw new IllegalArgumentException("MAX_DATAGRAM_PAYLOAD_SIZE: " + size + " (expected: >= 0)");
                    }
                    maxDatagramPayloadSize = size;
                } else {
                    return super.setOption(option, value);
                }
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            return true;
        }
    }
}
