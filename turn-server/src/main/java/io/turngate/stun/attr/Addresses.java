package io.turngate.stun.attr;

import java.net.InetSocketAddress;
import java.util.Objects;

/** Shared checks for the address attributes (package-private). */
final class Addresses {

    private Addresses() {
    }

    static void requireResolved(InetSocketAddress address, String attribute) {
        Objects.requireNonNull(address, attribute);
        if (address.getAddress() == null) {
            throw new IllegalArgumentException(attribute + ": found unresolved " + address
                    + " (expected: an IP address)");
        }
    }
}
