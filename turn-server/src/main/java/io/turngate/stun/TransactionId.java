package io.turngate.stun;

import io.netty.buffer.ByteBuf;

import java.security.SecureRandom;

/**
 * The 96-bit STUN transaction ID, RFC 8489 §5, held as two primitives so that equality and hashing need no array.
 *
 * @param high the first 4 bytes of the ID (big-endian)
 * @param low  the last 8 bytes of the ID (big-endian)
 */
public record TransactionId(int high, long low) {

    /** Length of a transaction ID in bytes. */
    public static final int LENGTH = StunConstants.TRANSACTION_ID_LENGTH;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * Reads 12 bytes at the absolute {@code offset} without changing the buffer's indices.
     *
     * @throws IndexOutOfBoundsException if fewer than 12 bytes are available at {@code offset}
     */
    public static TransactionId read(ByteBuf buf, int offset) {
        return new TransactionId(buf.getInt(offset), buf.getLong(offset + 4));
    }

    /** Reads 12 bytes at {@code offset} of a byte array (big-endian). */
    public static TransactionId read(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < LENGTH) {
            throw new IndexOutOfBoundsException("transaction ID at " + offset + ": found " + (bytes.length - offset)
                    + " bytes (expected: " + LENGTH + ")");
        }
        int high = 0;
        for (int i = 0; i < 4; i++) {
            high = (high << 8) | (bytes[offset + i] & 0xFF);
        }
        long low = 0;
        for (int i = 4; i < LENGTH; i++) {
            low = (low << 8) | (bytes[offset + i] & 0xFF);
        }
        return new TransactionId(high, low);
    }

    /** A new random transaction ID from a {@link SecureRandom} (RFC 8489 §5: "cryptographically random"). */
    public static TransactionId random() {
        return new TransactionId(RANDOM.nextInt(), RANDOM.nextLong());
    }

    /** Appends the 12 bytes at the buffer's writer index. */
    public void write(ByteBuf out) {
        out.writeInt(high);
        out.writeLong(low);
    }

    /** Writes the 12 bytes at the absolute {@code offset} without changing the buffer's indices. */
    public void set(ByteBuf out, int offset) {
        out.setInt(offset, high);
        out.setLong(offset + 4, low);
    }

    /** The 12 bytes, big-endian, in a new array. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (high >>> (24 - 8 * i));
        }
        for (int i = 0; i < 8; i++) {
            b[4 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** Lower-case hex, 24 characters. */
    @Override
    public String toString() {
        byte[] b = toBytes();
        char[] c = new char[LENGTH * 2];
        for (int i = 0; i < LENGTH; i++) {
            c[2 * i] = HEX[(b[i] >> 4) & 0xF];
            c[2 * i + 1] = HEX[b[i] & 0xF];
        }
        return new String(c);
    }
}
