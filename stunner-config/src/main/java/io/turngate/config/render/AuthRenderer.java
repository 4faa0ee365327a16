package io.turngate.config.render;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.gateway.Secret;
import io.turngate.config.gateway.SecretRef;
import io.turngate.config.v1.Defaults;

import java.util.Optional;

/**
 * {@code auth} from the GatewayConfig (operator {@code auth_render.go}, stunner-compat §1d/§2): type
 * {@code plaintext|static} → {@code static} with {@code username}/{@code password};
 * {@code ephemeral|timewindowed|longterm} → {@code ephemeral} with {@code secret}. {@code authRef} (a Secret with
 * keys {@code type}, {@code username}, {@code password}, {@code secret} or {@code sharedSecret}; namespace defaulting
 * to the GatewayConfig's) overrides all inline auth. Missing credentials are a problem of the GatewayConfig: the
 * operator invalidates every Gateway of the class. Credential values never appear in messages.
 */
final class AuthRenderer {
    private static final String EXPECTED_TYPES = "plaintext, static, ephemeral, timewindowed, longterm";

    private AuthRenderer() {
    }

    /** Canonical dataplane type for an operator-level alias, or {@code null}. */
    static String canonicalType(String t) {
        switch (t) {
            case "static": case "plaintext": return "static";
            case "ephemeral": case "timewindowed": case "longterm": return "ephemeral";
            default: return null;
        }
    }

    /** Renders {@code auth}; on a problem records it in {@code ctx} and returns {@code null}. */
    static ObjectNode render(RenderContext ctx) {
        GatewayConfig gc = ctx.gatewayConfig;
        String where = gc.origin() + ": gatewayconfig " + gc.key() + ": ";
        ObjectNode auth = JsonNodeFactory.instance.objectNode();
        ObjectNode creds = JsonNodeFactory.instance.objectNode();
        String realm = gc.realm() == null || gc.realm().isEmpty() ? Defaults.REALM : gc.realm();
        String type;
        if (gc.authRef() != null) {
            SecretRef ref = gc.authRef();
            if (!ref.isSecret()) {
                ctx.problem(where + "spec.authRef " + ref + " (expected: a core Secret reference)",
                        OperatorConditions.ERR_EXTERNAL_AUTH_CREDENTIALS_NOT_FOUND);
                return null;
            }
            String ns = ref.namespaceOr(gc.metadata().namespace());
            Optional<Secret> s = ctx.resources.secret(ns, ref.name());
            if (s.isEmpty()) {
                ctx.problem(where + "spec.authRef: Secret " + ns + "/" + ref.name() + " not found in the input"
                        + " (expected: a Secret with keys type, username and password, or type and secret)",
                        OperatorConditions.ERR_EXTERNAL_AUTH_CREDENTIALS_NOT_FOUND);
                return null;
            }
            Secret secret = s.get();
            String hint = secret.string("type");
            String raw = hint == null ? "static" : hint.trim();
            type = canonicalType(raw);
            String sw = where + "spec.authRef: secret " + secret.key() + ": ";
            if (type == null) {
                ctx.problem(sw + "type \"" + raw + "\" (expected: " + EXPECTED_TYPES + ")",
                        OperatorConditions.ERR_INVALID_AUTH_TYPE);
                return null;
            }
            if (type.equals("static")) {
                String user = secret.string("username");
                String pass = secret.string("password");
                if (user == null || pass == null) {
                    ctx.problem(sw + (user == null ? "username" : "password") + " missing (expected: keys username"
                            + " and password for auth type " + raw + ")", OperatorConditions.ERR_INVALID_USERNAME_PASSWORD);
                    return null;
                }
                creds.put("username", user);
                creds.put("password", pass);
            } else {
                String sec = secret.string("secret");
                if (sec == null) {
                    sec = secret.string("sharedSecret");
                }
                if (sec == null) {
                    ctx.problem(sw + "secret missing (expected: key secret or sharedSecret for auth type " + raw + ")",
                            OperatorConditions.ERR_INVALID_SHARED_SECRET);
                    return null;
                }
                creds.put("secret", sec);
            }
        } else {
            String raw = gc.authType() == null || gc.authType().isEmpty() ? "plaintext" : gc.authType();
            type = canonicalType(raw);
            if (type == null) {
                ctx.problem(where + "spec.authType \"" + raw + "\" (expected: " + EXPECTED_TYPES + ")",
                        OperatorConditions.ERR_INVALID_AUTH_TYPE);
                return null;
            }
            if (type.equals("static")) {
                if (gc.userName() == null || gc.password() == null) {
                    ctx.problem(where + "spec." + (gc.userName() == null ? "userName" : "password")
                            + " missing (expected: userName and password for authType " + raw + ", or an authRef Secret)",
                            OperatorConditions.ERR_INVALID_USERNAME_PASSWORD);
                    return null;
                }
                creds.put("username", gc.userName());
                creds.put("password", gc.password());
            } else {
                if (gc.sharedSecret() == null) {
                    ctx.problem(where + "spec.sharedSecret missing (expected: sharedSecret for authType " + raw
                            + ", or an authRef Secret)", OperatorConditions.ERR_INVALID_SHARED_SECRET);
                    return null;
                }
                creds.put("secret", gc.sharedSecret());
            }
        }
        auth.put("type", type);
        auth.put("realm", realm);
        auth.set("credentials", creds);
        return auth;
    }
}
