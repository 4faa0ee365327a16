package io.turngate.bench.load;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Parses {@code 5s}, {@code 250ms}, {@code 100us}, {@code 2m}, {@code 1h} and bare seconds ({@code 1.5}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        double scaleNanos;
        String number;
        if (v.endsWith("ms")) {
            scaleNanos = 1e6;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            scaleNanos = 1e3;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            scaleNanos = 1e9;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            scaleNanos = 60e9;
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            scaleNanos = 3600e9;
            number = v.substring(0, v.length() - 1);
        } else {
            scaleNanos = 1e9;
            number = v;
        }
        try {
            double n = Double.parseDouble(number);
            if (n < 0 || Double.isNaN(n) || Double.isInfinite(n)) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos((long) (n * scaleNanos));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("duration: found \"" + value
                    + "\" (expected: a non-negative number with unit h, m, s, ms or us, e.g. 5s)");
        }
    }

    static String format(Duration d) {
        return String.format(Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
    }
}
