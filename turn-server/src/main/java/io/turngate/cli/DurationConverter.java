package io.turngate.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations on the command line, Go style as stunnerd's users write them ({@code 90s}, {@code 10m}, {@code 1h30m},
 * {@code 500ms}) or plain seconds ({@code 3600}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    static final String EXPECTED = "a duration such as 30s, 10m, 1h30m, 500ms or plain seconds";
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.matches("\\d{1,12}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        Matcher m = PART.matcher(v);
        Duration d = Duration.ZERO;
        int at = 0;
        while (at < v.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "h": d = d.plusHours(n); break;
                case "m": d = d.plusMinutes(n); break;
                case "s": d = d.plusSeconds(n); break;
                default: d = d.plusMillis(n);
            }
            at = m.end();
        }
        if (v.isEmpty() || at != v.length()) {
            throw new CommandLine.TypeConversionException("\"" + value + "\" (expected: " + EXPECTED + ")");
        }
        return d;
    }
}
