package io.turngate.stun;

import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StunMessageTest {

    private static XorPeerAddress peer(String ip, int port) throws Exception {
        return new XorPeerAddress(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    /** Duplicate XOR-PEER-ADDRESS: the first one wins (coturn 4.16 #2016). */
    @Test
    void firstAttributeOfATypeWins() throws Exception {
        StunMessage m = StunMessage.of(StunMethod.CREATE_PERMISSION, StunClass.REQUEST, TransactionId.random(),
                peer("192.0.2.1", 1), peer("192.0.2.2", 2));
        assertEquals(peer("192.0.2.1", 1), m.attribute(XorPeerAddress.class));
        assertEquals(List.of(peer("192.0.2.1", 1), peer("192.0.2.2", 2)), m.attributes(XorPeerAddress.class));
        assertNull(m.attribute(UnknownAttribute.class));
        assertTrue(m.has(AttributeType.XOR_PEER_ADDRESS));
    }

    @Test
    void attributesAreCopiedAndImmutable() throws Exception {
        List<StunAttribute> list = new ArrayList<>(List.of(peer("192.0.2.1", 1)));
        StunMessage m = new StunMessage(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random(), list);
        list.clear();
        assertEquals(1, m.attributes().size());
        assertThrows(UnsupportedOperationException.class, () -> m.attributes().clear());
    }

    @Test
    void unknownComprehensionRequiredListsDistinctTypesInOrder() {
        StunMessage m = StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new UnknownAttribute(0x802F, new byte[0]),
                new UnknownAttribute(0x0024, new byte[4]),
                new UnknownAttribute(0x7000, new byte[0]),
                new UnknownAttribute(0x0024, new byte[4]));
        assertEquals(List.of(0x0024, 0x7000), m.unknownComprehensionRequired());
    }

    @Test
    void invalidMethodIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> StunMessage.of(0x1000, StunClass.REQUEST, TransactionId.random()));
        assertThrows(NullPointerException.class, () -> StunMessage.of(1, null, TransactionId.random()));
    }
}
