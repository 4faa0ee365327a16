package io.turngate.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunFixtures;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The part of the fuzz targets' seed corpus that is made from the test vectors in {@code src/test/resources/vectors/}
 * (RFC 5769 §2.1-2.4 and the Chrome/coturn Allocate exchange pion/turn publishes), plus a few synthetic relay
 * datagrams encoded by the codec. The seeds are binary files in Jazzer's layout,
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}; this test fails when one is missing or differs from
 * what its source gives, so the corpus cannot drift from the vectors. Rewrite them with
 * {@code mvn -pl turn-server -am test -Dtest=SeedCorpusTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dturngate.writeSeeds=true}. Other files in those folders (captures from {@code src/test/fuzz/capture.js}, crash
 * inputs) are not this test's business.
 *
 * <p>Seeds of {@code StunCodecFuzzTest#attribute} are each attribute of each vector message in that target's input
 * layout: 2 bytes type, the message's 12-byte transaction ID, the value without padding.
 */
class SeedCorpusTest {
    private static final Path RESOURCES = Path.of("src", "test", "resources");
    private static final Path DECODE = RESOURCES.resolve("io/turngate/stun/StunCodecFuzzTestInputs/decode");
    private static final Path ATTRIBUTE = RESOURCES.resolve("io/turngate/stun/StunCodecFuzzTestInputs/attribute");
    private static final Path DATAGRAM = RESOURCES.resolve("io/turngate/relay/RelayReadersFuzzTestInputs/datagram");

    @Test
    void theSeedsMadeFromTheVectorsAreInTheCorpus() throws IOException {
        Map<Path, byte[]> seeds = seeds();
        boolean write = Boolean.getBoolean("turngate.writeSeeds");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Path, byte[]> e : seeds.entrySet()) {
            Path f = e.getKey();
            if (write) {
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            } else if (!Files.isRegularFile(f)) {
                problems.add(f + ": missing");
            } else if (!Arrays.equals(Files.readAllBytes(f), e.getValue())) {
                problems.add(f + ": differs from its source");
            }
        }
        assertEquals(List.of(), problems, "seed corpus (rewrite with -Dturngate.writeSeeds=true, see the Javadoc)");
    }

    /** Every seed this test owns, by file. */
    static Map<Path, byte[]> seeds() {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        Map<String, byte[]> messages = new LinkedHashMap<>();
        for (String section : StunFixtures.RFC5769_SECTIONS) {
            messages.put("rfc5769-" + section, StunFixtures.rfc5769(section));
        }
        List<byte[]> chrome = StunFixtures.chromeAllocateCapture();
        for (int i = 0; i < chrome.size(); i++) {
            messages.put("pion-chrome-coturn-allocate-" + (i + 1), chrome.get(i));
        }
        messages.forEach((name, bytes) -> {
            out.put(DECODE.resolve(name), bytes);
            out.put(DATAGRAM.resolve(name), bytes);
            int n = 0;
            for (byte[] attribute : attributeInputs(bytes)) {
                int type = ((attribute[0] & 0xFF) << 8) | (attribute[1] & 0xFF);
                String typeName = AttributeType.name(type).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
                out.put(ATTRIBUTE.resolve(name + "-" + (++n) + "-" + typeName), attribute);
            }
        });
        synthetic().forEach((name, bytes) -> out.put(DATAGRAM.resolve("synthetic-" + name), bytes));
        return out;
    }

    /** The attributes of one message in {@code StunCodecFuzzTest#attribute}'s input layout. */
    static List<byte[]> attributeInputs(byte[] message) {
        List<byte[]> out = new ArrayList<>();
        int pos = 20;
        while (pos + 4 <= message.length) {
            int len = ((message[pos + 2] & 0xFF) << 8) | (message[pos + 3] & 0xFF);
            if (pos + 4 + len > message.length) {
                break;
            }
            byte[] input = new byte[2 + 12 + len];
            input[0] = message[pos];
            input[1] = message[pos + 1];
            System.arraycopy(message, 8, input, 2, 12);
            System.arraycopy(message, pos + 4, input, 14, len);
            out.add(input);
            pos += 4 + ((len + 3) & ~3);
        }
        return out;
    }

    /** Send indications (IPv4 and IPv6 peer, with and without FINGERPRINT) and ChannelData, as clients send them. */
    private static Map<String, byte[]> synthetic() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TransactionId tid = StunFixtures.TID;
        byte[] payload = "hello, peer".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.put("send-indication-ipv4", encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, tid,
                new XorPeerAddress(address("192.0.2.7", 5000)), new Data(payload)), false));
        out.put("send-indication-ipv6-fingerprint", encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, tid,
                new XorPeerAddress(address("2001:db8::7", 5001)), new Data(payload)), true));
        byte[] channelData = new byte[4 + payload.length];
        channelData[0] = 0x40;
        channelData[3] = (byte) payload.length;
        System.arraycopy(payload, 0, channelData, 4, payload.length);
        out.put("channel-data-0x4000", channelData);
        byte[] padded = Arrays.copyOf(channelData, (channelData.length + 3) & ~3);
        padded[1] = 0x01;
        out.put("channel-data-0x4001-padded", padded);
        return out;
    }

    private static byte[] encode(StunMessage m, boolean fingerprint) {
        ByteBuf buf = StunCodec.encode(m, StunFixtures.ALLOC, null, fingerprint);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
