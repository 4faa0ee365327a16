package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Test vectors read at run time from {@code <shared>/fixtures/rfc5769.md} (never copied into the project), plus
 * buffer helpers that always release what they allocate (tests run with paranoid leak detection).
 */
public final class StunFixtures {

    /** Pooled, so that paranoid leak detection tracks every buffer the tests allocate. */
    public static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    /** Transaction ID used by {@link #message}. */
    public static final TransactionId TID = new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL);

    private static final Pattern HEX_LINE = Pattern.compile("^[0-9a-fA-F]{40,}$");
    private static Map<String, byte[]> contiguous;
    private static List<byte[]> chrome;

    private StunFixtures() {
    }

    /** The shared folder: system property {@code turngate.shared} (set by surefire), else {@code ../../shared}. */
    public static Path shared() {
        String p = System.getProperty("turngate.shared");
        return p != null ? Path.of(p) : Path.of("..", "..", "shared");
    }

    /** An RFC 5769 vector by section, e.g. {@code "2.1"}. */
    public static byte[] rfc5769(String section) {
        String prefix = "RFC 5769 §" + section;
        for (Map.Entry<String, byte[]> e : contiguousHex().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getValue().clone();
            }
        }
        throw new IllegalStateException("no vector for " + prefix + " in rfc5769.md; headings: "
                + contiguousHex().keySet());
    }

    /** The four messages of the Chrome/coturn Allocate capture ("Extra fixture B"). */
    public static synchronized List<byte[]> chromeAllocateCapture() {
        if (chrome == null) {
            List<byte[]> out = new ArrayList<>();
            boolean inSection = false;
            boolean inBlock = false;
            for (String line : lines()) {
                if (line.startsWith("## ")) {
                    inSection = line.contains("Chrome");
                    continue;
                }
                if (!inSection) {
                    continue;
                }
                if (line.startsWith("```")) {
                    inBlock = !inBlock;
                    continue;
                }
                if (inBlock && HEX_LINE.matcher(line.trim()).matches()) {
                    out.add(ByteBufUtil.decodeHexDump(line.trim()));
                }
            }
            if (out.size() != 4) {
                throw new IllegalStateException("Chrome capture: found " + out.size() + " messages (expected: 4)");
            }
            chrome = List.copyOf(out);
        }
        List<byte[]> copy = new ArrayList<>();
        for (byte[] b : chrome) {
            copy.add(b.clone());
        }
        return copy;
    }

    /** Heading (without "#") → bytes of the "Contiguous hex:" block under it. */
    private static synchronized Map<String, byte[]> contiguousHex() {
        if (contiguous == null) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            String heading = null;
            boolean expectHex = false;
            for (String line : lines()) {
                String t = line.trim();
                if (t.startsWith("#")) {
                    heading = t.replaceFirst("^#+\\s*", "");
                    expectHex = false;
                } else if (t.equals("Contiguous hex:")) {
                    expectHex = true;
                } else if (expectHex && !t.isEmpty()) {
                    String hex = t.replace("`", "");
                    if (!HEX_LINE.matcher(hex).matches()) {
                        throw new IllegalStateException("not hex under '" + heading + "': " + t);
                    }
                    out.put(heading, ByteBufUtil.decodeHexDump(hex));
                    expectHex = false;
                }
            }
            contiguous = out;
        }
        return contiguous;
    }

    private static List<String> lines() {
        Path file = shared().resolve("fixtures").resolve("rfc5769.md");
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
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
