package io.turngate.config.v1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {
    private static byte[] ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal).getAddress();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1                | 10.0.0.1",
            "1.2.3.4/16              | 1.2.0.0/16",
            "1.2.3.4/32              | 1.2.3.4",
            "0.0.0.0/0               | 0.0.0.0/0",
            "10.0.0.0/8:<10000-20000>| 10.0.0.0/8:<10000-20000>",
            "198.51.100.7:<5000-5000>| 198.51.100.7:<5000-5000>",
            "10.0.0.1:<1-65535>      | 10.0.0.1",
            "2001:db8::/32:<1-2>     | 2001:db8::/32:<1-2>",
            "2001:DB8:0:0:0:0:0:1    | 2001:db8::1",
            "2001:db8:abcd::5/48     | 2001:db8:abcd::/48",
            "::/0                    | ::/0",
            "::1                     | ::1",
            "fd00::7/64:<3478-3479>  | fd00::/64:<3478-3479>",
    })
    void parsesToCanonicalForm(String in, String canonical) {
        Endpoint e = Endpoint.parse(in);
        assertEquals(canonical, e.toString());
        assertNull(Endpoint.expectedFor(in));
        assertEquals(e, Endpoint.parse(canonical), "canonical form parses back to the same endpoint");
    }

    @Test
    void plainIpIsHostPrefixWithAllPorts() throws Exception {
        Endpoint e = Endpoint.parse("10.0.0.1");
        assertEquals(32, e.prefixLength());
        assertTrue(e.isIpv4());
        assertFalse(e.hasPortRange());
        assertTrue(e.containsAddress(ip("10.0.0.1")));
        assertFalse(e.containsAddress(ip("10.0.0.2")));
        assertTrue(e.containsPort(1));
        assertTrue(e.containsPort(65535));
    }

    @Test
    void prefixMatchesItsNetworkOnly() throws Exception {
        Endpoint e = Endpoint.parse("1.2.3.4/16");
        assertTrue(e.containsAddress(ip("1.2.255.255")));
        assertTrue(e.containsAddress(ip("1.2.0.0")));
        assertFalse(e.containsAddress(ip("1.3.0.0")));
        Endpoint odd = Endpoint.parse("10.0.0.0/13");
        assertTrue(odd.containsAddress(ip("10.7.255.255")));
        assertFalse(odd.containsAddress(ip("10.8.0.0")));
    }

    @Test
    void portRangeIsInclusive() {
        Endpoint e = Endpoint.parse("10.0.0.0/8:<10000-20000>");
        assertTrue(e.hasPortRange());
        assertEquals(10000, e.minPort());
        assertEquals(20000, e.maxPort());
        assertTrue(e.containsPort(10000));
        assertTrue(e.containsPort(20000));
        assertFalse(e.containsPort(9999));
        assertFalse(e.containsPort(20001));
    }

    @Test
    void ipv6WithRange() throws Exception {
        Endpoint e = Endpoint.parse("2001:db8::/32:<1-2>");
        assertFalse(e.isIpv4());
        assertEquals(32, e.prefixLength());
        assertTrue(e.containsAddress(ip("2001:db8:ffff::1")));
        assertFalse(e.containsAddress(ip("2001:db9::1")));
        assertTrue(e.containsPort(2));
        assertFalse(e.containsPort(3));
    }

    @Test
    void familiesNeverCrossMatch() throws Exception {
        assertFalse(Endpoint.parse("0.0.0.0/0").containsAddress(ip("::1")));
        assertFalse(Endpoint.parse("::/0").containsAddress(ip("127.0.0.1")));
        assertTrue(Endpoint.parse("::/0").containsAddress(ip("2001:db8::1")));
        assertTrue(Endpoint.parse("0.0.0.0/0").containsAddress(ip("203.0.113.9")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1/33         | ip[/len][:<lo-hi>] with len 0..32",
            "::1/129             | ip[/len][:<lo-hi>] with len 0..128",
            "10.0.0.1:<9000-8000>| ip[/len][:<lo-hi>] with 0 <= lo <= hi <= 65535",
            "10.0.0.1:<1-70000>  | ip[/len][:<lo-hi>] with 0 <= lo <= hi <= 65535",
            "10.0.0.1:<1-99999999999>| ip[/len][:<lo-hi>] with 0 <= lo <= hi <= 65535",
            "10.0.0.1:8080       | ip[/len][:<lo-hi>]",
            "1.2.3.4:<1-2        | ip[/len][:<lo-hi>]",
            "256.1.1.1           | ip[/len][:<lo-hi>]",
            "01.2.3.4            | ip[/len][:<lo-hi>]",
            "1.2.3               | ip[/len][:<lo-hi>]",
            "foo                 | ip[/len][:<lo-hi>]",
            "10.0.0.1/           | ip[/len][:<lo-hi>]",
            "10.0.0.1/-1         | ip[/len][:<lo-hi>]",
            "10.0.0.1/a          | ip[/len][:<lo-hi>]",
            "[::1]               | ip[/len][:<lo-hi>]",
            "fe80::1%eth0        | ip[/len][:<lo-hi>]",
            "1::2::3             | ip[/len][:<lo-hi>]",
    })
    void rejectsWithExpectedText(String in, String expected) {
        assertEquals(expected, Endpoint.expectedFor(in));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(in));
        assertTrue(e.getMessage().endsWith("(expected: " + expected + ")"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsEmpty(String in) {
        assertNotNull(Endpoint.expectedFor(in));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(in));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0:0:0:0:0:0:0:0      | ::",
            "0:0:0:0:0:0:0:1      | ::1",
            "1:0:0:0:0:0:0:0      | 1::",
            "2001:db8:0:0:1:0:0:1 | 2001:db8::1:0:0:1",
            "2001:0:0:1:0:0:0:1   | 2001:0:0:1::1",
            "2001:db8:0:1:1:1:1:1 | 2001:db8:0:1:1:1:1:1",
            "2001:0DB8:00AB:0:0:0:0:FFFF | 2001:db8:ab::ffff",
    })
    void formatsIpv6LikeRfc5952(String in, String out) throws Exception {
        assertEquals(out, Endpoint.formatIp(ip(in)));
    }

    @Test
    void formatsIpv4Unsigned() {
        assertEquals("255.0.128.1", Endpoint.formatIp(new byte[] {(byte) 255, 0, (byte) 128, 1}));
    }

    @Test
    void ipLiteralParsingNeverResolvesNames() {
        assertNull(Endpoint.parseIpLiteral("localhost"));
        assertNull(Endpoint.parseIpLiteral("example.com"));
        assertNull(Endpoint.parseIpLiteral("dead"));
        assertEquals(4, Endpoint.parseIpLiteral("127.0.0.1").length);
        assertEquals(16, Endpoint.parseIpLiteral("::1").length);
    }

    @Test
    void equalityIgnoresHostBits() {
        assertEquals(Endpoint.parse("1.2.3.4/16"), Endpoint.parse("1.2.0.0/16"));
        assertEquals(Endpoint.parse("1.2.3.4/16").hashCode(), Endpoint.parse("1.2.0.0/16").hashCode());
        assertFalse(Endpoint.parse("1.2.0.0/16").equals(Endpoint.parse("1.2.0.0/16:<1-2>")));
    }
}
