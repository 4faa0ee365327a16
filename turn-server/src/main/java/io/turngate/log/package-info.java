/**
 * Logging: stunnerd-style level specs ({@code all:INFO,turn:DEBUG}) over {@code java.util.logging}. Loggers are
 * thread-safe; nothing on the relay hot path logs.
 */
package io.turngate.log;
