package io.turngate.config.v1;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpEndpointTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://:8086              | 0.0.0.0   | 8086 | /",
            "http://:8080/metrics      | 0.0.0.0   | 8080 | /metrics",
            "http://0.0.0.0:8080/metrics | 0.0.0.0 | 8080 | /metrics",
            "http://127.0.0.1          | 127.0.0.1 | 7777 | /",
            "http://                   | 0.0.0.0   | 7777 | /",
            "HTTP://[::1]:9000/x?y=1   | ::1       | 9000 | /x",
            "http://host.example:1/    | host.example | 1 | /",
    })
    void parses(String url, String host, int port, String path) {
        assertEquals(new HttpEndpoint(host, port, path), HttpEndpoint.parse(url, 7777));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:8086", ":8086", "https://x", "http://:0", "http://:99999", "http://:80a",
            "http://::1:80", "http://[::1", "http://u:p@host"})
    void rejects(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpEndpoint.parse(url, 8086));
        assertTrue(e.getMessage().contains("(expected: "), e.getMessage());
    }
}
