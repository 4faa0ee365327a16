package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.turngate.stun.StunFixtures.ALLOC;
import static io.turngate.stun.StunFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransactionIdTest {

    private static final byte[] BYTES = hex("b7e7a701bc34d686fa87dfae");

    @Test
    void readsAtAbsoluteOffsetWithoutMovingIndices() {
        ByteBuf buf = ALLOC.buffer();
        try {
            buf.writeShort(0x1234).writeBytes(BYTES);
            TransactionId id = TransactionId.read(buf, 2);
            assertEquals(new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL), id);
            assertEquals(0, buf.readerIndex());
            assertEquals(14, buf.writerIndex());
            assertEquals(id, TransactionId.read(BYTES, 0));
        } finally {
            buf.release();
        }
    }

    @Test
    void writeAndToBytesAreBigEndian() {
        TransactionId id = new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL);
        assertArrayEquals(BYTES, id.toBytes());
        assertEquals("b7e7a701bc34d686fa87dfae", id.toString());
        ByteBuf buf = ALLOC.buffer();
        try {
            id.write(buf);
            assertEquals(12, buf.readableBytes());
            byte[] out = new byte[12];
            buf.getBytes(0, out);
            assertArrayEquals(BYTES, out);
        } finally {
            buf.release();
        }
    }

    @Test
    void randomIdsDiffer() {
        Set<TransactionId> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(TransactionId.random());
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void shortArrayIsRejected() {
        assertThrows(IndexOutOfBoundsException.class, () -> TransactionId.read(new byte[11], 0));
    }
}
