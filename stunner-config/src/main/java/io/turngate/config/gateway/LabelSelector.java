package io.turngate.config.gateway;

import java.util.List;
import java.util.Map;

/**
 * A Kubernetes {@code LabelSelector} ({@code matchLabels} AND {@code matchExpressions}); an empty selector
 * matches everything, as in Kubernetes.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** One {@code matchExpressions[]} entry: operator {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}. */
    public record Requirement(String key, String operator, List<String> values) {
        public static final String EXPECTED_OPERATORS = "In, NotIn, Exists, DoesNotExist";

        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            switch (operator) {
                case "In": return v != null && values.contains(v);
                case "NotIn": return v == null || !values.contains(v);
                case "Exists": return labels.containsKey(key);
                case "DoesNotExist": return !labels.containsKey(key);
                default: return false;
            }
        }
    }

    /** True when {@code labels} satisfy every matchLabels entry and every expression. */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
