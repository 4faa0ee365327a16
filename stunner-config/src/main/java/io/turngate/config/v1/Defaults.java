package io.turngate.config.v1;

/** stunnerd's defaults and environment variable names, in one place (STUNner {@code pkg/apis/v1/default.go}). */
public final class Defaults {
    private Defaults() {
    }

    public static final String API_VERSION = "v1";
    public static final String API_VERSION_V1ALPHA1 = "v1alpha1";
    public static final String ADMIN_NAME = "default-stunnerd";
    public static final String LOG_LEVEL = "all:INFO";
    public static final String REALM = "stunner.l7mp.io";
    public static final String LISTENER_ADDRESS = "0.0.0.0";
    public static final int PORT = 3478;
    public static final int METRICS_PORT = 8080;
    public static final int HEALTH_CHECK_PORT = 8086;
    /** Absent {@code healthcheck_endpoint} means this; an explicit empty string disables health checking. */
    public static final String HEALTH_CHECK_ENDPOINT = "http://:8086";
    public static final String OFFLOAD_ENGINE = "None";

    public static final String ENV_ADDR = "STUNNER_ADDR";
    public static final String ENV_PORT = "STUNNER_PORT";
    public static final String ENV_PUBLIC_PORT = "STUNNER_PUBLIC_PORT";
    public static final String ENV_NAME = "STUNNER_NAME";
    public static final String ENV_NAMESPACE = "STUNNER_NAMESPACE";
    public static final String ENV_CONFIG_ORIGIN = "STUNNER_CONFIG_ORIGIN";
}
