#!/bin/sh
# cloudretro-config.sh STEP: the CloudRetro demo's configuration steps, run by the Jobs beside this file
# (stunner-compat §1h: what the demo's worker-config.sh and coordinator-config.sh do from a laptop, done in the
# cluster). Each step is one container of a Job:
#
#   workers      (kubectl image)  the coordinator's address (COORDINATOR_ADDRESS, else the ingress address of
#                                 coordinator-lb-svc) and the workers' public address (worker-lb-svc) into
#                                 ConfigMap cloudretro-config-w, then restart worker-deployment
#   ice-address  (kubectl image)  the TURN gateways' public addresses into $WORK/public-addresses: the ingress address
#                                 of the gateway's LoadBalancer Service (stunner/udp-gateway), then
#                                 SECONDARY_GATEWAY_ADDRESS when set (the other cluster's gateway)
#   ice-render   (turngate image) `turngate ice-config` over the Gateway API objects in GATEWAY_API_FILE, one -c per
#                                 address: $WORK/ice.env with CLOUD_GAME_WEBRTC_ICESERVERS_<n>_URL/_USERNAME/_CREDENTIAL
#   ice-apply    (kubectl image)  $WORK/ice.env into ConfigMap cloudretro-config-c (a merge patch that also removes
#                                 the ICE-server keys of gateways no longer listed; other keys stay), then restart
#                                 coordinator-deployment
#
# Environment (defaults in brackets): NAMESPACE [cloudretro], GATEWAY [stunner/udp-gateway] (its Service is named
# like it, in its namespace, as the operator renders it), GATEWAY_API_FILE [/gateway-api/gateway-api.yaml],
# WORK [/work], WAIT_SECONDS [600] (how long to wait for a load balancer address), COORDINATOR_ADDRESS,
# SECONDARY_GATEWAY_ADDRESS.
set -eu

NAMESPACE=${NAMESPACE:-cloudretro}
GATEWAY=${GATEWAY:-stunner/udp-gateway}
GATEWAY_API_FILE=${GATEWAY_API_FILE:-/gateway-api/gateway-api.yaml}
WORK=${WORK:-/work}
WAIT_SECONDS=${WAIT_SECONDS:-600}
ICE_PREFIX=CLOUD_GAME_WEBRTC_ICESERVERS_
# coordinator-config.sh looks for a free index among 0..10; CloudRetro itself reads 0..4.
ICE_MAX_INDEX=10

say() {
    echo "cloudretro-config: $*" >&2
}

# lb_address NAMESPACE SERVICE: the Service's first load-balancer ingress IP (else its host name, as on AWS),
# waiting up to WAIT_SECONDS for one to be assigned.
lb_address() {
    waited=0
    while :; do
        addr=$(kubectl -n "$1" get service "$2" -o 'jsonpath={.status.loadBalancer.ingress[0].ip}' 2>/dev/null || true)
        if [ -z "$addr" ]; then
            addr=$(kubectl -n "$1" get service "$2" -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}' 2>/dev/null || true)
        fi
        if [ -n "$addr" ]; then
            say "service $1/$2: load balancer address $addr"
            echo "$addr"
            return 0
        fi
        if [ "$waited" -ge "$WAIT_SECONDS" ]; then
            say "service $1/$2: no load balancer address after ${WAIT_SECONDS}s (expected: status.loadBalancer.ingress[0].ip or .hostname)"
            return 1
        fi
        sleep 5
        waited=$((waited + 5))
    done
}

# json_string VALUE: VALUE as a JSON string (backslash and double quote escaped; ice-config warns about both).
json_string() {
    printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

step_workers() {
    coordinator=${COORDINATOR_ADDRESS:-}
    if [ -z "$coordinator" ]; then
        coordinator=$(lb_address "$NAMESPACE" coordinator-lb-svc)
    fi
    case $coordinator in
        *:*) ;;
        *) coordinator=$coordinator:8000 ;;
    esac
    public=$(lb_address "$NAMESPACE" worker-lb-svc)
    kubectl -n "$NAMESPACE" patch configmap cloudretro-config-w --type merge -p \
        "{\"data\":{\"CLOUD_GAME_WORKER_NETWORK_COORDINATORADDRESS\":$(json_string "$coordinator"),\"CLOUD_GAME_WORKER_NETWORK_PUBLICADDRESS\":$(json_string "$public")}}"
    kubectl -n "$NAMESPACE" rollout restart deployment worker-deployment
}

step_ice_address() {
    lb_address "${GATEWAY%%/*}" "${GATEWAY#*/}" > "$WORK/public-addresses"
    if [ -n "${SECONDARY_GATEWAY_ADDRESS:-}" ]; then
        echo "$SECONDARY_GATEWAY_ADDRESS" >> "$WORK/public-addresses"
    fi
}

step_ice_render() {
    set --
    while read -r address; do
        [ -n "$address" ] || continue
        set -- "$@" -c "$GATEWAY_API_FILE" -g "$GATEWAY" --public-address "$address"
    done < "$WORK/public-addresses"
    if [ $# -eq 0 ]; then
        say "$WORK/public-addresses: no address (expected: one line per gateway)"
        return 1
    fi
    turngate ice-config "$@" > "$WORK/ice.env"
    say "ICE servers: $(grep -c '_URL=' "$WORK/ice.env")"
}

step_ice_apply() {
    data=""
    n=0
    while [ "$n" -le "$ICE_MAX_INDEX" ]; do
        for field in URL USERNAME CREDENTIAL; do
            key=$ICE_PREFIX${n}_$field
            line=$(grep "^$key=" "$WORK/ice.env" || true)
            if [ -n "$line" ]; then
                value=$(json_string "${line#*=}")
            else
                value=null
            fi
            data="$data${data:+,}\"$key\":$value"
        done
        n=$((n + 1))
    done
    kubectl -n "$NAMESPACE" patch configmap cloudretro-config-c --type merge -p "{\"data\":{$data}}"
    kubectl -n "$NAMESPACE" rollout restart deployment coordinator-deployment
}

case ${1:-} in
    workers) step_workers ;;
    ice-address) step_ice_address ;;
    ice-render) step_ice_render ;;
    ice-apply) step_ice_apply ;;
    *)
        echo "usage: cloudretro-config.sh workers|ice-address|ice-render|ice-apply" >&2
        exit 2
        ;;
esac
