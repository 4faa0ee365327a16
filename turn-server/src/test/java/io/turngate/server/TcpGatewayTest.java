package io.turngate.server;

import io.turngate.config.v1.ListenerProtocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** {@link StreamGatewayTestBase} over a TURN-TCP listener. */
class TcpGatewayTest extends StreamGatewayTestBase {
    @Override
    ListenerProtocol protocol() {
        return ListenerProtocol.TURN_TCP;
    }

    @Override
    String[] certAndKey() {
        return new String[] {"", ""};
    }

    @Override
    TestTurnClient open(int port) {
        return TestTurnClient.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TestGateways.USER,
                TestGateways.PASS);
    }
}
