/**
 * Logging over SLF4J and Logback: stunnerd-style level specs ({@code all:INFO,turn:DEBUG}), text or JSON lines
 * ({@code --log-format}), and {@link io.turngate.log.LogLimiter} for every per-packet or per-request line so a flood
 * cannot drown the log. Loggers are thread-safe; the relay hot path never logs.
 */
package io.turngate.log;
