package io.turngate.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP answer of an admin endpoint: status, content type, body, extra headers.
 *
 * @param headers extra response headers (e.g. {@code Allow}); may be empty
 */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    public static HttpAnswer of(int status, String contentType, String body) {
        return new HttpAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** {@code {"status":N,"message":"..."}} plus a newline, stunnerd's error and readiness body. */
    public static HttpAnswer status(int status, String message) {
        return of(status, JSON, "{\"status\":" + status + ",\"message\":" + Json.quote(message) + "}\n");
    }

    /** A plain-text error naming what was wrong (unknown path, bad query value, ...). */
    public static HttpAnswer error(int status, String message) {
        return new HttpAnswer(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("X-Content-Type-Options", "nosniff"));
    }
}
