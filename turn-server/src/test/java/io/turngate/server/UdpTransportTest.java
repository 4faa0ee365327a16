package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.relay.ChannelData;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The UDP transport ({@link ListenerSocketHandler}) in an {@link EmbeddedChannel}: datagrams in with
 * {@code writeInbound}, answers out with {@code readOutbound}, for everything that needs no relay socket: the
 * RFC 7983 demultiplexing, STUN to the dispatcher and the answer back to the sender through its {@link UdpClient},
 * and the drops the transport counts itself.
 */
class UdpTransportTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final ListenerRuntime listener;
    private final EmbeddedChannel ch;

    UdpTransportTest() throws Exception {
        StunnerConfig cfg = TestGateways.config(SERVER.getPort(), "127.0.0.1");
        ListenerConfig l = cfg.listeners().get(0);
        RequestAuthenticator auth = new RequestAuthenticator(cfg.auth(),
                StatelessNonce.withRandomSecret(System::currentTimeMillis, 3_600_000L), System::currentTimeMillis);
        Services services = new Services(auth, new SelfAddresses(), System::nanoTime, Transport.NIO, false,
                SourceRateLimiter.unlimited(), 0, 0);
        listener = new ListenerRuntime(l, InetAddress.getByName("127.0.0.1"), RoutePolicy.compile(cfg, l, Map.of()),
                services);
        ListenerSocketHandler handler = new ListenerSocketHandler(listener, services);
        listener.handlers.add(handler);
        ch = new EmbeddedChannel(handler);
    }

    @AfterEach
    void nothingLeft() {
        assertFalse(ch.finish(), "every datagram the transport sent was read");
    }

    private ListenerStats stats() {
        return new ListenerStats(listener.totals());
    }

    private void receive(ByteBuf datagram) {
        ch.writeInbound(new DatagramPacket(datagram, SERVER, CLIENT));
    }

    private static ByteBuf stun(int method, StunClass cls, StunAttribute... attrs) {
        return StunCodec.encode(StunMessage.of(method, cls, TransactionId.random(), attrs), ByteBufAllocator.DEFAULT,
                null, false);
    }

    private ReceivedStun answer() throws Exception {
        DatagramPacket out = ch.readOutbound();
        assertNotNull(out, "no answer");
        try {
            assertEquals(CLIENT, out.recipient(), "answered to the sender");
            return StunCodec.decode(out.content());
        } finally {
            out.release();
        }
    }

    @Test
    void bindingDatagramIsAnsweredToItsSenderWithItsAddress() throws Exception {
        receive(stun(StunMethod.BINDING, StunClass.REQUEST));
        ReceivedStun r = answer();
        assertEquals(StunClass.SUCCESS_RESPONSE, r.message().messageClass());
        assertEquals(CLIENT, r.message().attribute(XorMappedAddress.class).address());
        assertEquals(1, stats().rxPackets());
        assertEquals(1, stats().txPackets());
    }

    @Test
    void allocateWithoutCredentialsIsChallengedWith401() throws Exception {
        receive(stun(StunMethod.ALLOCATE, StunClass.REQUEST, new RequestedTransport(RequestedTransport.UDP)));
        assertEquals(401, answer().message().attribute(ErrorCodeAttribute.class).code());
        assertEquals(1, stats().refusals(Refusal.AUTH_MISSING_INTEGRITY));
    }

    @Test
    void answersOfOneReadBatchAllGoOut() throws Exception {
        ch.writeInbound(new DatagramPacket(stun(StunMethod.BINDING, StunClass.REQUEST), SERVER, CLIENT),
                new DatagramPacket(stun(StunMethod.BINDING, StunClass.REQUEST), SERVER, CLIENT));
        answer();
        answer();
    }

    @Test
    void channelDataFromASenderWithoutAllocationIsDroppedAndCounted() {
        ByteBuf cd = Unpooled.buffer();
        ChannelData.writeHeader(cd, 0x4000, 4);
        cd.writeInt(42);
        receive(cd);
        assertNull(ch.readOutbound());
        assertEquals(1, stats().counter(Counter.NO_ALLOCATION));
    }

    @Test
    void sendIndicationFromASenderWithoutAllocationIsDroppedAndCounted() {
        receive(stun(StunMethod.SEND, StunClass.INDICATION, new XorPeerAddress(new InetSocketAddress("127.0.0.1", 5000)),
                new Data(new byte[] {1, 2, 3})));
        assertNull(ch.readOutbound());
        assertEquals(1, stats().counter(Counter.NO_ALLOCATION));
    }

    @Test
    void datagramThatIsNeitherStunNorChannelDataIsMalformed() {
        receive(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0})); // RTP
        receive(Unpooled.wrappedBuffer(new byte[] {0, 1, 0})); // shorter than any header
        assertNull(ch.readOutbound());
        assertEquals(2, stats().counter(Counter.MALFORMED_DATAGRAMS));
    }

    @Test
    void oversizedDatagramIsDropped() {
        receive(Unpooled.buffer().writeZero(ListenerSocketHandler.MAX_DATAGRAM + 1));
        assertNull(ch.readOutbound());
        assertEquals(1, stats().counter(Counter.OVERSIZED_DATAGRAMS));
    }
}
