/**
 * Getting a stunnerd dataplane config into memory: {@link io.turngate.config.load.ConfigLoader} parses YAML or
 * JSON (optionally inside a Kubernetes ConfigMap), expands {@code $VAR} like Go's {@code os.ExpandEnv} except in
 * {@code auth.credentials} ({@link io.turngate.config.load.EnvSubstitution}), converts {@code v1alpha1}, fills
 * stunnerd's defaults, normalises and validates, reporting every problem as {@code path: value (expected: ...)};
 * it also builds the quick-mode config from a {@code turn:} URI (<a
 * href="https://www.rfc-editor.org/rfc/rfc7065">RFC 7065</a>) and the built-in default.
 * {@link io.turngate.config.load.ConfigJson} writes a config back in STUNner's JSON form (masked for logs), and
 * {@link io.turngate.config.load.ConfigWatcher} follows a config file for {@code -w}. Rules:
 * {@code shared/docs/stunner-compat.md} §1a, §1b, §1f. The loader and writer are stateless and thread-safe;
 * a watcher owns one daemon thread, on which its callbacks run.
 */
package io.turngate.config.load;
