package io.turngate.turn.handler;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.plain;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BindingHandler}: RFC 8489 §6.3.1 (no authentication on any listener, stunner-compat §1c.7). */
class BindingHandlerTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    @Test
    void bindingReturnsXorMappedAddressWithoutAuthentication() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.REQUEST, false));
        ReceivedStun r = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, r.message().messageClass());
        assertEquals(ALICE_ADDRESS, r.message().attribute(XorMappedAddress.class).address());
        assertFalse(r.hasIntegrity());
        assertFalse(r.fingerprintPresent());
        assertFalse(fx.finish(alice));
    }

    @Test
    void bindingWithFingerprintIsAnsweredWithFingerprint() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.REQUEST, true));
        assertTrue(response(alice).fingerprintPresent());
        assertFalse(fx.finish(alice));
    }
}
