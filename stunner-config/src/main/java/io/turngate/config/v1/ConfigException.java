package io.turngate.config.v1;

import java.util.List;

/**
 * A config was rejected. {@link #problems()} lists every problem found, each as
 * {@code path: value (expected: ...)}, e.g. {@code listeners[1].port: 70000 (expected: 1..65535)}.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid config: " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder("invalid config: ").append(problems.size()).append(" problems");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
