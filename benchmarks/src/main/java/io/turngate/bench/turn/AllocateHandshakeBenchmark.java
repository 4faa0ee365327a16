package io.turngate.bench.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.turngate.auth.LongTermCredentials;
import io.turngate.config.load.ConfigLoader;
import io.turngate.server.Gateway;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorRelayedAddress;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full allocation life cycle against an in-process {@link Gateway} over loopback, as a browser does it
 * (RFC 8656 §7.2, §8.2 with the long-term credential mechanism, RFC 8489 §9.2):
 * Allocate → 401 with REALM and NONCE → authenticated Allocate → success (the gateway binds a relay socket) →
 * Refresh with LIFETIME 0 → success (the relay socket is closed). One operation is the three round trips, measured
 * from the client: the client's own encoding and decoding, the kernel's loopback path and the gateway's work
 * (nonce HMAC, MESSAGE-INTEGRITY, relay socket bind and close, responses). JMH's {@code -prof gc} counts
 * allocations of all threads, so B/op covers client and gateway together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocateHandshakeBenchmark {
    private static final String USER = "user-1";
    private static final String PASSWORD = "pass-1";
    private static final String REALM = "stunner.l7mp.io";
    private static final int TRANSMISSIONS = 5;

    private Gateway gateway;
    private DatagramSocket client;
    private InetSocketAddress server;
    private byte[] key;
    private final DatagramPacket in = new DatagramPacket(new byte[2048], 2048);

    @Setup
    public void setUp() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        gateway = Gateway.start(ConfigLoader.parse("{\"version\": \"v1\","
                + " \"admin\": {\"name\": \"bench\", \"loglevel\": \"all:WARN\"},"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"" + REALM + "\","
                + "   \"credentials\": {\"username\": \"" + USER + "\", \"password\": \"" + PASSWORD + "\"}},"
                + " \"listeners\": [{\"name\": \"bench/udp\", \"protocol\": \"TURN-UDP\", \"address\": \"127.0.0.1\","
                + "   \"port\": " + port + ", \"routes\": [\"bench/peers\"]}],"
                + " \"clusters\": [{\"name\": \"bench/peers\", \"type\": \"STATIC\", \"endpoints\": [\"127.0.0.1\"]}]}",
                Map.of()));
        server = new InetSocketAddress("127.0.0.1", port);
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.setSoTimeout(500);
        key = LongTermCredentials.key(USER, REALM, PASSWORD);
        handshake(); // fails loudly if the gateway does not answer as expected
        if (gateway.allocationCount() != 0) {
            throw new IllegalStateException("set-up: the allocation was not deleted by Refresh 0");
        }
    }

    @TearDown
    public void tearDown() {
        client.close();
        gateway.close();
    }

    /** Allocate (401) → Allocate with credentials → Refresh 0; returns the relayed port. */
    @Benchmark
    public int handshake() throws IOException, StunCodecException {
        StunMessage challenge = exchange(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP)), null);
        ErrorCodeAttribute error = challenge.attribute(ErrorCodeAttribute.class);
        if (error == null || error.code() != 401) {
            throw new IllegalStateException("expected 401, got " + challenge);
        }
        String nonce = challenge.attribute(Nonce.class).value();
        StunMessage allocated = exchange(authenticated(StunMethod.ALLOCATE, nonce,
                new RequestedTransport(RequestedTransport.UDP)), key);
        XorRelayedAddress relayed = allocated.attribute(XorRelayedAddress.class);
        if (allocated.messageClass() != StunClass.SUCCESS_RESPONSE || relayed == null) {
            throw new IllegalStateException("expected an Allocate success, got " + allocated);
        }
        StunMessage refreshed = exchange(authenticated(StunMethod.REFRESH, nonce, new Lifetime(0)), key);
        if (refreshed.messageClass() != StunClass.SUCCESS_RESPONSE) {
            throw new IllegalStateException("expected a Refresh success, got " + refreshed);
        }
        return relayed.address().getPort();
    }

    private static StunMessage authenticated(int method, String nonce, StunAttribute attribute) {
        List<StunAttribute> attrs = new ArrayList<>(4);
        attrs.add(attribute);
        attrs.add(new Username(USER));
        attrs.add(new Realm(REALM));
        attrs.add(new Nonce(nonce));
        return new StunMessage(method, StunClass.REQUEST, TransactionId.random(), attrs);
    }

    /** Sends {@code req} (retransmitted on a 500 ms timeout) and returns the response with its transaction id. */
    private StunMessage exchange(StunMessage req, byte[] integrityKey) throws IOException, StunCodecException {
        ByteBuf encoded = StunCodec.encode(req, UnpooledByteBufAllocator.DEFAULT, integrityKey, true);
        DatagramPacket out;
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            out = new DatagramPacket(bytes, bytes.length, server);
        } finally {
            encoded.release();
        }
        for (int attempt = 0; attempt < TRANSMISSIONS; attempt++) {
            client.send(out);
            try {
                while (true) {
                    in.setLength(in.getData().length);
                    client.receive(in);
                    StunMessage resp = StunCodec.decode(Unpooled.wrappedBuffer(in.getData(), 0, in.getLength())).message();
                    if (resp.transactionId().equals(req.transactionId())) {
                        return resp;
                    }
                }
            } catch (SocketTimeoutException e) {
                // retransmit
            }
        }
        throw new IOException("no response from " + server + " after " + TRANSMISSIONS + " transmissions of " + req);
    }
}
