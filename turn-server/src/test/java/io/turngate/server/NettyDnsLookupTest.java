package io.turngate.server;

import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.config;
import static io.turngate.server.TestGateways.staticAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STRICT_DNS through Netty's resolver: /etc/hosts names resolve, and a gateway admits the resolved peer. */
class NettyDnsLookupTest {
    @Test
    void hostsFileNamesResolve() throws Exception {
        try (NettyDnsLookup lookup = new NettyDnsLookup()) {
            InetAddress[] a = lookup.resolve("localhost");
            assertTrue(Arrays.asList(a).contains(InetAddress.getByName("127.0.0.1")), Arrays.toString(a));
        }
    }

    @Test
    void aStrictDnsClusterAdmitsWhatItsNameResolvesTo() throws Exception {
        int port = TestGateways.freeUdpPort();
        ClusterConfig dns = new ClusterConfig("cluster-a", ClusterType.STRICT_DNS, ClusterProtocol.UDP,
                List.of("localhost"));
        try (Gateway gw = Gateway.start(config(staticAuth(), port, "127.0.0.1", List.of(dns)));
             TestTurnClient c = TestTurnClient.of(port, USER, PASS)) {
            c.allocateOrFail();
            assertTrue(c.createPermission(new InetSocketAddress("127.0.0.1", 9)).isSuccess(),
                    "localhost resolves to 127.0.0.1, which the STRICT_DNS cluster admits by equality");
            assertEquals(403, c.createPermission(new InetSocketAddress("127.0.0.2", 9)).errorCode());
        }
    }
}
