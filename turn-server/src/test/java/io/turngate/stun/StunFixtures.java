package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The project's own test vectors (classpath {@code /vectors/}, format in {@code vectors/README.md}), plus buffer
 * helpers that always release what they allocate (tests run with paranoid leak detection).
 */
public final class StunFixtures {

    /** Pooled, so that paranoid leak detection tracks every buffer the tests allocate. */
    public static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    /** Transaction ID used by {@link #message}. */
    public static final TransactionId TID = new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL);

    /** The RFC 5769 sections that have a vector. */
    public static final List<String> RFC5769_SECTIONS = List.of("2.1", "2.2", "2.3", "2.4");

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");
    private static final Map<String, List<byte[]>> VECTORS = new HashMap<>();

    private StunFixtures() {
    }

    /** An RFC 5769 vector by section, e.g. {@code "2.1"}: {@code /vectors/rfc5769/2.1.hex}. */
    public static byte[] rfc5769(String section) {
        List<byte[]> messages = vectors("rfc5769/" + section + ".hex");
        if (messages.size() != 1) {
            throw new IllegalStateException("rfc5769/" + section + ".hex: " + messages.size()
                    + " messages (expected: 1)");
        }
        return messages.get(0);
    }

    /** The four messages of the Chrome/coturn Allocate capture: {@code /vectors/captures/chrome-allocate.hex}. */
    public static List<byte[]> chromeAllocateCapture() {
        List<byte[]> out = vectors("captures/chrome-allocate.hex");
        if (out.size() != 4) {
            throw new IllegalStateException("Chrome capture: found " + out.size() + " messages (expected: 4)");
        }
        return out;
    }

    /**
     * The messages of one vector file under {@code /vectors/}: {@code #} comments run to the end of the line, a line
     * starting with {@code ---} separates messages, everything else is hex digits and white space.
     */
    public static synchronized List<byte[]> vectors(String name) {
        List<byte[]> cached = VECTORS.computeIfAbsent(name, StunFixtures::readVectors);
        List<byte[]> copy = new ArrayList<>(cached.size());
        for (byte[] b : cached) {
            copy.add(b.clone());
        }
        return copy;
    }

    private static List<byte[]> readVectors(String name) {
        String resource = "/vectors/" + name;
        List<String> lines;
        try (InputStream in = StunFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        List<byte[]> out = new ArrayList<>();
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("---")) {
                flush(resource, hex, out);
                continue;
            }
            int comment = line.indexOf('#');
            String digits = (comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", "");
            if (!HEX.matcher(digits).matches()) {
                throw new IllegalStateException(resource + " line " + (i + 1) + ": \"" + line.strip()
                        + "\" (expected: hex digits, white space and # comments)");
            }
            hex.append(digits);
        }
        flush(resource, hex, out);
        if (out.isEmpty()) {
            throw new IllegalStateException(resource + ": no message (expected: at least one)");
        }
        return List.copyOf(out);
    }

    private static void flush(String resource, StringBuilder hex, List<byte[]> out) {
        if (hex.length() == 0) {
            return;
        }
        if (hex.length() % 2 != 0) {
            throw new IllegalStateException(resource + ": message " + (out.size() + 1) + " has an odd number of hex"
                    + " digits (expected: whole bytes)");
        }
        out.add(ByteBufUtil.decodeHexDump(hex));
        hex.setLength(0);
    }

    /** Decodes {@code bytes} from a pooled buffer, checks the indices were not touched, releases the buffer. */
    public static ReceivedStun decode(byte[] bytes) throws StunCodecException {
        ByteBuf buf = ALLOC.buffer(bytes.length).writeBytes(bytes);
        try {
            ReceivedStun r = StunCodec.decode(buf);
            if (buf.readerIndex() != 0 || buf.writerIndex() != bytes.length) {
                throw new AssertionError("decode changed the buffer indices");
            }
            return r;
        } finally {
            buf.release();
        }
    }

    /** Encodes with {@link #ALLOC} and returns the bytes, releasing the buffer. */
    public static byte[] encode(StunMessage msg, byte[] key, boolean fingerprint) {
        ByteBuf buf = StunCodec.encode(msg, ALLOC, key, fingerprint);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** As {@link #encode}, signed with {@code algorithm}. */
    public static byte[] encodeWith(StunMessage msg, byte[] key, IntegrityAlgorithm algorithm, boolean fingerprint) {
        ByteBuf buf = StunCodec.encode(msg, ALLOC, key, algorithm, fingerprint);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A message with the given type and raw attribute TLVs, length field set. */
    public static byte[] message(int type, byte[]... attributes) {
        int len = 0;
        for (byte[] a : attributes) {
            len += a.length;
        }
        ByteBuf b = ALLOC.heapBuffer();
        try {
            b.writeShort(type).writeShort(len).writeInt(StunConstants.MAGIC_COOKIE);
            TID.write(b);
            for (byte[] a : attributes) {
                b.writeBytes(a);
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** One attribute TLV, value zero-padded to 4 bytes. */
    public static byte[] attr(int type, byte[] value) {
        byte[] out = new byte[4 + ((value.length + 3) & ~3)];
        out[0] = (byte) (type >> 8);
        out[1] = (byte) type;
        out[2] = (byte) (value.length >> 8);
        out[3] = (byte) value.length;
        System.arraycopy(value, 0, out, 4, value.length);
        return out;
    }

    public static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", ""));
    }

    public static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
