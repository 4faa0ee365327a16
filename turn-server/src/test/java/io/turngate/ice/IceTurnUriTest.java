package io.turngate.ice;

import io.turngate.config.v1.ListenerProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link TurnUri}: the RFC 7065 URI of each listener protocol, and which hosts tell a client nothing. */
class IceTurnUriTest {

    @ParameterizedTest(name = "{0} {1}:{2} -> {3}")
    @CsvSource({
        "TURN_UDP,  198.51.100.1,     3478,  turn:198.51.100.1:3478?transport=udp",
        "TURN_TCP,  198.51.100.1,     3478,  turn:198.51.100.1:3478?transport=tcp",
        "TURN_TLS,  198.51.100.1,     443,   turns:198.51.100.1:443?transport=tcp",
        "TURN_DTLS, 198.51.100.1,     443,   turns:198.51.100.1:443?transport=udp",
        "TURN_UDP,  turn.example.com, 3478,  turn:turn.example.com:3478?transport=udp",
        "TURN_UDP,  2001:db8::1,      3478,  turn:[2001:db8::1]:3478?transport=udp",
        "TURN_TLS,  [2001:db8::1],    5349,  turns:[2001:db8::1]:5349?transport=tcp",
        "TURN_UDP,  0.0.0.0,          65535, turn:0.0.0.0:65535?transport=udp",
    })
    void uriOfEachProtocol(ListenerProtocol protocol, String host, int port, String uri) {
        assertEquals(uri, TurnUri.of(protocol, host, port));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
        "'',                          true",
        "0.0.0.0,                     true",
        "::,                          true",
        "0:0::0,                      true",
        "::ffff:0.0.0.0,              true",
        "__node_address_placeholder,  true",
        "10.0.0.1,                    false",
        "127.0.0.1,                   false",
        "::1,                         false",
        "lb.example.net,              false",
    })
    void unspecifiedHosts(String host, boolean unspecified) {
        assertEquals(unspecified, TurnUri.isUnspecified(host));
    }
}
