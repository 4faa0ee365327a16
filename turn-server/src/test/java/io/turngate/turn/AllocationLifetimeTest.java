package io.turngate.turn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 8656 §7.2/§8.2 "desired lifetime": min(requested, 3600), but never below the 600 s default. */
class AllocationLifetimeTest {
    @Test
    void noLifetimeRequestedGetsTheDefault() {
        assertEquals(600, Allocation.grantLifetime(-1));
    }

    @Test
    void shortRequestsGetTheDefault() {
        assertEquals(600, Allocation.grantLifetime(0));
        assertEquals(600, Allocation.grantLifetime(30));
        assertEquals(600, Allocation.grantLifetime(600));
    }

    @Test
    void longerRequestsAreGrantedUpToTheMaximum() {
        assertEquals(777, Allocation.grantLifetime(777)); // turnutils_uclient's request
        assertEquals(3600, Allocation.grantLifetime(3600));
        assertEquals(3600, Allocation.grantLifetime(4_294_967_295L));
    }
}
