package io.turngate.config.render;

import io.turngate.config.render.RenderStatus.Condition;
import io.turngate.config.render.RenderStatus.RouteGroupKind;

import java.util.List;

/**
 * The operator's status vocabulary, one factory per condition it sets (operator {@code gatewayclass_util.go}
 * {@code setGatewayClassStatusAccepted}, {@code gateway_util.go} {@code initGatewayStatus},
 * {@code setGatewayStatusProgrammed}, {@code setListenerStatus*}, {@code udproute_util.go}
 * {@code setRouteConditionStatus}). Types and reasons are the Gateway API v1 constants; messages are the operator's
 * text, typos included ("sucessfully"), so that a status written by turngate reads like one written by the operator.
 */
final class OperatorConditions {
    static final String TRUE = "True";
    static final String FALSE = "False";
    static final String UNKNOWN = "Unknown";

    static final String ACCEPTED = "Accepted";
    static final String PROGRAMMED = "Programmed";
    static final String CONFLICTED = "Conflicted";
    static final String RESOLVED_REFS = "ResolvedRefs";

    static final String REASON_PENDING = "Pending";
    static final String REASON_INVALID = "Invalid";
    static final String REASON_ADDRESS_NOT_ASSIGNED = "AddressNotAssigned";
    static final String REASON_INVALID_PARAMETERS = "InvalidParameters";
    static final String REASON_PORT_UNAVAILABLE = "PortUnavailable";
    static final String REASON_UNSUPPORTED_PROTOCOL = "UnsupportedProtocol";
    static final String REASON_NO_CONFLICTS = "NoConflicts";
    static final String REASON_PROTOCOL_CONFLICT = "ProtocolConflict";
    static final String REASON_INVALID_CERTIFICATE_REF = "InvalidCertificateRef";
    static final String REASON_NOT_ALLOWED_BY_LISTENERS = "NotAllowedByListeners";
    static final String REASON_NO_MATCHING_PARENT = "NoMatchingParent";
    static final String REASON_BACKEND_NOT_FOUND = "BackendNotFound";
    static final String REASON_INVALID_KIND = "InvalidKind";

    static final String ADDRESS_IP = "IPAddress";
    static final String ADDRESS_HOSTNAME = "Hostname";

    // the operator's critical errors (errors.go): the Gateway status carries their text
    static final String ERR_INVALID_AUTH_TYPE = "invalid authentication type";
    static final String ERR_INVALID_USERNAME_PASSWORD = "missing username and/or password for plaintext authentication";
    static final String ERR_INVALID_SHARED_SECRET = "missing shared-secret for longterm authentication";
    static final String ERR_EXTERNAL_AUTH_CREDENTIALS_NOT_FOUND = "missing or invalid external authentication credentials";
    static final String ERR_RENDERING = "could not render dataplane config";

    /** {@code supportedKinds} of every listener: the Gateway API v1alpha2 and the STUNner v1 UDPRoute. */
    static final List<RouteGroupKind> SUPPORTED_KINDS = List.of(
            new RouteGroupKind(RouteAttachment.GATEWAY_GROUP, "UDPRoute"),
            new RouteGroupKind(GatewayRenderer.STUNNER_GROUP, "UDPRoute"));

    private static final String CONTROLLER = GatewayRenderer.CONTROLLER_NAME;

    private OperatorConditions() {
    }

    // ---- GatewayClass ------------------------------------------------------------------------------------------

    static Condition classAccepted() {
        return new Condition(ACCEPTED, TRUE, ACCEPTED, "GatewayClass is now managed by controller \"" + CONTROLLER + "\"");
    }

    static Condition classInvalidParameters(String error) {
        return new Condition(ACCEPTED, FALSE, REASON_INVALID_PARAMETERS,
                "controller \"" + CONTROLLER + "\" failed to process GatewayClass: " + error);
    }

    // ---- Gateway -----------------------------------------------------------------------------------------------

    static Condition gatewayAccepted() {
        return new Condition(ACCEPTED, TRUE, ACCEPTED, "gateway accepted by controller " + CONTROLLER);
    }

    /** {@code initGatewayStatus(gw, reason)} with a reason: the Gateway is being invalidated. */
    static Condition gatewayPending(String error) {
        return new Condition(ACCEPTED, FALSE, REASON_PENDING, error);
    }

    static Condition gatewayProgrammed() {
        return new Condition(PROGRAMMED, TRUE, PROGRAMMED, "dataplane configuration successfully rendered");
    }

    static Condition gatewayAddressNotAssigned() {
        return new Condition(PROGRAMMED, FALSE, REASON_ADDRESS_NOT_ASSIGNED,
                "no public address found for at least one listener");
    }

    static Condition gatewayInvalid(String error) {
        return new Condition(PROGRAMMED, FALSE, REASON_INVALID,
                "error processing gateway by controller " + CONTROLLER + ": " + error);
    }

    // ---- listeners ---------------------------------------------------------------------------------------------

    static Condition listenerAccepted() {
        return new Condition(ACCEPTED, TRUE, ACCEPTED, "listener accepted");
    }

    static Condition listenerPortUnavailable() {
        return new Condition(ACCEPTED, FALSE, REASON_PORT_UNAVAILABLE, "port unavailable");
    }

    static Condition listenerUnsupportedProtocol() {
        return new Condition(ACCEPTED, FALSE, REASON_UNSUPPORTED_PROTOCOL, "unsupported protocol");
    }

    /** Any other listener error; the operator uses it for every listener of an invalidated Gateway. */
    static Condition listenerPending() {
        return new Condition(ACCEPTED, UNKNOWN, REASON_PENDING, "pending");
    }

    static Condition listenerNoConflicts() {
        return new Condition(CONFLICTED, FALSE, REASON_NO_CONFLICTS, "listener protocol-port available");
    }

    static Condition listenerProtocolConflict() {
        return new Condition(CONFLICTED, TRUE, REASON_PROTOCOL_CONFLICT,
                "multiple listeners specified with the same Listener port and protocol");
    }

    static Condition listenerResolvedRefs() {
        return new Condition(RESOLVED_REFS, TRUE, RESOLVED_REFS, "listener object references sucessfully resolved");
    }

    static Condition listenerInvalidCertificateRef() {
        return new Condition(RESOLVED_REFS, FALSE, REASON_INVALID_CERTIFICATE_REF,
                "at least one certificate reference failed to be successfully resolved");
    }

    // ---- routes ------------------------------------------------------------------------------------------------

    /** {@code parent} is {@code namespace/name} of the parentRef (namespace defaulting to the route's). */
    static Condition routeAccepted(String parent) {
        return new Condition(ACCEPTED, TRUE, ACCEPTED, "parent " + parent + " accepted the route");
    }

    static Condition routeNotAllowedByListeners(String parent) {
        return new Condition(ACCEPTED, FALSE, REASON_NOT_ALLOWED_BY_LISTENERS, "parent " + parent + " rejects the route");
    }

    static Condition routeNoMatchingParent(String parent) {
        return new Condition(ACCEPTED, FALSE, REASON_NO_MATCHING_PARENT, "parent " + parent + " does not exist");
    }

    static Condition routeMasked() {
        return new Condition(ACCEPTED, FALSE, REASON_PENDING, "GwAPI.v1 UDPRoute masked by a STUNnerV1 UDPRoute");
    }

    static Condition routeResolvedRefs() {
        return new Condition(RESOLVED_REFS, TRUE, RESOLVED_REFS, "all backend references successfully resolved");
    }

    /** {@code reason} is {@link #REASON_BACKEND_NOT_FOUND} or {@link #REASON_INVALID_KIND}. */
    static Condition routeUnresolvedRefs(String reason) {
        return new Condition(RESOLVED_REFS, FALSE, reason,
                "at least one backend reference failed to be successfully resolved");
    }
}
