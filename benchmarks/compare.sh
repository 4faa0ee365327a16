#!/usr/bin/env bash
# Side-by-side relay benchmark on loopback: turngate and coturn with the same credentials and routes, the
# generator and the servers pinned to different cores, the same load matrix against both, one table with the
# ratio turngate/coturn measured in the same run. See benchmarks/README.md.
#
#   benchmarks/compare.sh [--only turngate|coturn] [--out DIR] [--duration 5s] [--quick] [--no-build]
#                         [--server-cpu 0] [--generator-cpu 1] [--coturn-relay-threads N] [--big N]
#                         [--repeat N]   (run the traffic matrix N times, alternating; the report shows the median)
#                         [--rtt-only]   (only the fixed-rate latency runs, N times with --repeat)
#                         [--metrics-ab] (turngate twice: metrics endpoint on and scraped every second, and off)
#                         [--baseline JAR] (also an older turngate.jar, label "baseline", before/after in one run)
#                         [--transports udp,tcp,tls] (client transports; default udp. TCP and TLS add 1 and 100
#                                        allocations x 100 B as fast as possible and the fixed-rate RTT run)
#                         [--tls-version 1.3|1.2] (TLS cases; default 1.3, or 1.2 for both when coturn has no 1.3)
#                         [--idle-tcp N] [--idle-hold 30s] [--idle-only] (memory of N idle TCP connections, one
#                                        allocation each, on freshly started servers)
#                         [--latency-matrix] (only the latency matrix: fixed rates x allocation counts, 100 B, N
#                                        rounds, default 10 (--repeat), alternating; RTT corrected for coordinated
#                                        omission) [--rates 5000,20000,50000] [--allocations 1,100,1000,10000]
#                                        [--c-generator] (the matrix's runs with benchmarks/c/turnlat, one C thread,
#                                        instead of the Java generator; built with make, needs gcc and libssl-dev)
#                         [--cold-start] (fresh servers, the first --cold-duration after /ready (coturn: its port)
#                                        in 1 s windows: turngate, turngate --no-warm-up, coturn) [--cold-repeat 3]
#                                        [--cold-rate 20000] [--cold-allocations 100] [--cold-duration 30s]
#
# Stops only the processes it started (trap on EXIT). Sends traffic only to 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ONLY=both
OUT=""
DURATION=5s
WARMUP=5s
RUN_WARMUP=1s
# ...and in each TCP/TLS as-fast-as-possible run: the generator is a fresh JVM every run, and its TLS client (the JDK's
# SSLEngine) ramps for seconds while it compiles: against either server, 25k forwarded packets/s in its first second,
# 430k in its ninth (measured here, 100 allocations over TLS). With 1 s the window measured mostly that ramp.
STREAM_RUN_WARMUP=6s
C_GEN=0
RTT_RATE=20000
BIG=10000
QUICK=0
REPEAT=1
RTT_ONLY=0
METRICS_AB=0
BASELINE_JAR=""
SCRAPE_EVERY=1
BUILD=1
SERVER_CPU=0
GEN_CPU=1
COTURN_RELAY_THREADS=2
USER_NAME=user-1
USER_PASS=pass-1
REALM=stunner.l7mp.io
GEN_JAVA_OPTS=${GEN_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled}
TURNGATE_JAVA_OPTS=${TURNGATE_JAVA_OPTS:-}
# How turngate's JVM is started: "launcher" (default) runs the shipped launcher, turn-server/src/main/sh/stunnerd (the
# image's entry point), so the JVM options measured are the ones that ship (Serial GC, heap at most half the memory);
# "java" runs plain `java $TURNGATE_JAVA_OPTS -jar`, the JVM's own defaults (G1 here), as compare.sh did before
# 2026-12-01. TURNGATE_JAVA_OPTS reaches the JVM either way (the launcher appends it to its own options).
TURNGATE_LAUNCH=${TURNGATE_LAUNCH:-launcher}
LAUNCHER=$ROOT/turn-server/src/main/sh/stunnerd
# The generator owns its core: spinning in epoll_wait spares the servers the cost of waking it up.
GEN_FLAGS=${GEN_FLAGS:---busy-poll}
# ...except in the fixed-rate latency runs: a spinning generator delays the softirq work (ksoftirqd) of its own core,
# which added milliseconds to the RTT tail of both servers alike (p90 ~800 us instead of ~170 us, measured here).
RTT_GEN_FLAGS=${RTT_GEN_FLAGS:-}

TRANSPORTS=udp
TLS_VERSION=1.3
IDLE_TCP=0
IDLE_HOLD=""
IDLE_ONLY=0
MATRIX=0
MATRIX_RATES=5000,20000,50000
MATRIX_ALLOCATIONS=1,100,1000,10000
# Inside each matrix run, before its measured window: the generator is a fresh JVM every run.
MATRIX_RUN_WARMUP=2s
REPEAT_SET=0
COLD=0
COLD_REPEAT=3
COLD_RATE=20000
COLD_ALLOCATIONS=100
COLD_DURATION=30s

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --server-cpu) SERVER_CPU=$2; shift 2 ;;
    --generator-cpu) GEN_CPU=$2; shift 2 ;;
    --coturn-relay-threads) COTURN_RELAY_THREADS=$2; shift 2 ;;
    --big) BIG=$2; shift 2 ;;
    --repeat) REPEAT=$2; REPEAT_SET=1; shift 2 ;;
    --rtt-only) RTT_ONLY=1; shift ;;
    --metrics-ab) METRICS_AB=1; ONLY=turngate; shift ;;
    --baseline) BASELINE_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --transports) TRANSPORTS=$2; shift 2 ;;
    --tls-version) TLS_VERSION=$2; shift 2 ;;
    --idle-tcp) IDLE_TCP=$2; shift 2 ;;
    --idle-hold) IDLE_HOLD=$2; shift 2 ;;
    --idle-only) IDLE_ONLY=1; shift ;;
    --latency-matrix) MATRIX=1; shift ;;
    --c-generator) C_GEN=1; shift ;;
    --rates) MATRIX_RATES=$2; shift 2 ;;
    --allocations) MATRIX_ALLOCATIONS=$2; shift 2 ;;
    --cold-start) COLD=1; shift ;;
    --cold-repeat) COLD_REPEAT=$2; shift 2 ;;
    --cold-rate) COLD_RATE=$2; shift 2 ;;
    --cold-allocations) COLD_ALLOCATIONS=$2; shift 2 ;;
    --cold-duration) COLD_DURATION=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare.sh: unknown option: $1 (expected: see --help)" >&2; usage 2 ;;
  esac
done
case "$TURNGATE_LAUNCH" in launcher|java) ;; *) echo "compare.sh: TURNGATE_LAUNCH: found '$TURNGATE_LAUNCH' (expected: launcher or java)" >&2; exit 2 ;; esac
case "$ONLY" in both|turngate|coturn) ;; *) echo "compare.sh: --only: found '$ONLY' (expected: turngate or coturn)" >&2; exit 2 ;; esac
if [ "$QUICK" = 1 ]; then DURATION=2s; WARMUP=2s; RUN_WARMUP=500ms; STREAM_RUN_WARMUP=2s; MATRIX_RUN_WARMUP=1s; BIG=1000; fi
[ "$MATRIX" = 1 ] && [ "$REPEAT_SET" = 0 ] && REPEAT=10
is_count() { case "$1" in ''|*[!0-9]*) return 1 ;; *) [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] ;; esac; }
is_count "$REPEAT" 1 1000 || { echo "compare.sh: --repeat: found '$REPEAT' (expected: 1..1000)" >&2; exit 2; }
IFS=',' read -r -a RATES <<< "$MATRIX_RATES"
IFS=',' read -r -a ALLOCS <<< "$MATRIX_ALLOCATIONS"
for r in "${RATES[@]}"; do
  is_count "$r" 1 10000000 || { echo "compare.sh: --rates: found '$r' (expected: a comma-separated list of probes/s, e.g. 5000,20000)" >&2; exit 2; }
done
MATRIX_MAX_ALLOC=0
for n in "${ALLOCS[@]}"; do
  is_count "$n" 1 10000 || { echo "compare.sh: --allocations: found '$n' (expected: a comma-separated list of 1..10000)" >&2; exit 2; }
  [ "$n" -gt "$MATRIX_MAX_ALLOC" ] && MATRIX_MAX_ALLOC=$n
done
is_count "$COLD_REPEAT" 1 100 || { echo "compare.sh: --cold-repeat: found '$COLD_REPEAT' (expected: 1..100)" >&2; exit 2; }
is_count "$COLD_RATE" 1 10000000 || { echo "compare.sh: --cold-rate: found '$COLD_RATE' (expected: probes/s, 1 or more)" >&2; exit 2; }
is_count "$COLD_ALLOCATIONS" 1 10000 || { echo "compare.sh: --cold-allocations: found '$COLD_ALLOCATIONS' (expected: 1..10000)" >&2; exit 2; }
# --cold-start alone starts no server up front: each cold run starts its own.
COLD_ONLY=0
[ "$COLD" = 1 ] && [ "$MATRIX" = 0 ] && [ "$IDLE_ONLY" = 0 ] && COLD_ONLY=1
IDLE_HOLD=${IDLE_HOLD:-$( [ "$QUICK" = 1 ] && echo 5s || echo 30s )}

# Client transports: UDP always runs (the warm-up and the handshake cases use it); tcp and tls add their cases.
EXTRA_TRANSPORTS=()
IFS=',' read -r -a _asked <<< "$TRANSPORTS"
for t in "${_asked[@]}"; do
  case "$t" in
    udp) ;;
    tcp|tls) [[ " ${EXTRA_TRANSPORTS[*]:-} " == *" $t "* ]] || EXTRA_TRANSPORTS+=("$t") ;;
    *) echo "compare.sh: --transports: found '$t' (expected: a comma-separated list of udp, tcp, tls)" >&2; exit 2 ;;
  esac
done
case "$TLS_VERSION" in 1.3|1.2) ;; *) echo "compare.sh: --tls-version: found '$TLS_VERSION' (expected: 1.3 or 1.2)" >&2; exit 2 ;; esac
case "$IDLE_TCP" in ''|*[!0-9]*) echo "compare.sh: --idle-tcp: found '$IDLE_TCP' (expected: a number of connections, 1..10000)" >&2; exit 2 ;; esac
if [ "$IDLE_TCP" -gt 10000 ]; then echo "compare.sh: --idle-tcp: found $IDLE_TCP (expected: 1..10000)" >&2; exit 2; fi
if [ "$IDLE_ONLY" = 1 ] && [ "$IDLE_TCP" = 0 ]; then IDLE_TCP=10000; fi
WANT_TCP=0; WANT_TLS=0
for t in "${EXTRA_TRANSPORTS[@]:-}"; do [ "$t" = tcp ] && WANT_TCP=1; [ "$t" = tls ] && WANT_TLS=1; done
[ "$IDLE_TCP" -gt 0 ] && WANT_TCP=1

SERVERS=()
if [ "$METRICS_AB" = 1 ]; then
  SERVERS=(metrics-on metrics-off) # two turngates; the report's ratio is on/off
else
  [ "$ONLY" != coturn ] && SERVERS+=(turngate)
  [ "$ONLY" != turngate ] && SERVERS+=(coturn)
  [ -n "$BASELINE_JAR" ] && SERVERS+=(baseline)
fi
if [ -n "$BASELINE_JAR" ] && [ ! -f "$BASELINE_JAR" ]; then
  echo "compare.sh: --baseline: $BASELINE_JAR not found (expected: a turngate.jar)" >&2; exit 2
fi

for tool in java taskset ss $( [ "$METRICS_AB" = 1 ] || [ "$COLD" = 1 ] && echo curl ) $( [ "$WANT_TLS" = 1 ] && echo openssl base64 ); do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not found (expected: on PATH)" >&2; exit 2; }
done
if [ "$ONLY" != turngate ] && ! command -v turnserver >/dev/null; then
  echo "compare.sh: turnserver not found (expected: Debian package coturn; apt-get install coturn)" >&2; exit 2
fi
NCPU=$(nproc --all)
if [ "$NCPU" -lt 2 ] || [ "$SERVER_CPU" = "$GEN_CPU" ]; then
  echo "compare.sh: WARNING: generator and server share a core ($NCPU CPUs); results will be lower" >&2
fi

# Open files: a server holds one relay socket per allocation, and over TCP one connection more (measured with
# coturn: 2,036 descriptors for 1,000 idle TCP allocations); the generator one socket or connection per allocation.
# The soft limit is raised for the processes this script starts; the hard limit cannot be raised from here.
NEED_FILES=$((BIG + 512))
[ "$MATRIX" = 1 ] && [ $((MATRIX_MAX_ALLOC + 512)) -gt "$NEED_FILES" ] && NEED_FILES=$((MATRIX_MAX_ALLOC + 512))
[ "$COLD" = 1 ] && [ $((COLD_ALLOCATIONS + 512)) -gt "$NEED_FILES" ] && NEED_FILES=$((COLD_ALLOCATIONS + 512))
[ "$IDLE_TCP" -gt 0 ] && [ $((2 * IDLE_TCP + 512)) -gt "$NEED_FILES" ] && NEED_FILES=$((2 * IDLE_TCP + 512))
HARD_FILES=$(ulimit -Hn)
if [ "$HARD_FILES" != unlimited ] && [ "$HARD_FILES" -lt "$NEED_FILES" ]; then
  echo "compare.sh: open files: need about $NEED_FILES per server (one relay socket per allocation, and one connection" \
    "more per TCP allocation), found a hard limit of $HARD_FILES (expected: ulimit -Hn of at least $NEED_FILES, e.g." \
    "LimitNOFILE= or docker run --ulimit nofile=65536; or at most --idle-tcp $(( (HARD_FILES - 512) / 2 )) here)" >&2
  exit 2
fi
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$NEED_FILES" ]; then
  ulimit -Sn "$HARD_FILES"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/benchmarks/target/compare-$STAMP}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/turngate-compare.XXXXXX)
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true # turngate drains on the first signal ...
      for _ in $(seq 10); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill "$p" 2>/dev/null || true # ... and exits at once on the second
      for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ---------------------------------------------------------------------------------------------------
GEN_JAR=$ROOT/benchmarks/target/benchmarks.jar
TG_JAR=$ROOT/turn-server/target/turngate.jar
if [ "$BUILD" = 1 ] && { [ ! -f "$GEN_JAR" ] || { [ "$ONLY" != coturn ] && [ ! -f "$TG_JAR" ]; }; }; then
  echo "== building (mvn package -DskipTests)"
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl benchmarks -am)
fi
[ -f "$GEN_JAR" ] || { echo "compare.sh: $GEN_JAR missing (expected: mvn package)" >&2; exit 2; }
if [ "$ONLY" != coturn ] && [ ! -f "$TG_JAR" ]; then
  echo "compare.sh: $TG_JAR missing (expected: mvn package)" >&2; exit 2
fi

free_udp_port() { # first port >= $1 with no UDP socket bound to it
  local p=$1
  while [ -n "$(ss -Hlun "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
  echo "$p"
}

wait_udp_port() { # pid port seconds
  local i
  for i in $(seq $(($3 * 10))); do
    kill -0 "$1" 2>/dev/null || return 1
    [ -n "$(ss -Hlun "sport = :$2" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  return 1
}

declare -A PORT PID TCP_PORT TLS_PORT

wait_tcp_port() { # pid port seconds
  local i
  for i in $(seq $(($3 * 10))); do
    kill -0 "$1" 2>/dev/null || return 1
    [ -n "$(ss -Hltn "sport = :$2" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  return 1
}

free_port_pair() { # first port >= $1 with neither a UDP nor a TCP socket on it (TURN-UDP and TURN-TCP share it)
  local p=$1
  while [ -n "$(ss -Hlun "sport = :$p" 2>/dev/null)$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
  echo "$p"
}

# TLS: one self-signed certificate (ECDSA P-256, valid 1 day) made now, for both servers. The key stays in $TMP, which
# is deleted on exit; neither it nor the certificate is copied to $OUT or printed.
CERT_B64=""
KEY_B64=""
if [ "$WANT_TLS" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=turn-bench.invalid \
    -keyout "$TMP/bench-key.pem" -out "$TMP/bench-cert.pem" > "$TMP/openssl.log" 2>&1 \
    || { echo "compare.sh: openssl could not make a self-signed certificate:" >&2; cat "$TMP/openssl.log" >&2; exit 1; }
  CERT_B64=$(base64 -w0 < "$TMP/bench-cert.pem")
  KEY_B64=$(base64 -w0 < "$TMP/bench-key.pem")
fi
GEN_TLS_PROTOCOLS=TLSv$TLS_VERSION

free_tcp_port() { # first port >= $1 with no TCP socket listening on it
  local p=$1
  while [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
  echo "$p"
}

# The generator's clients all come from 127.0.0.1: turngate's per-source limits would meter the benchmark, so they
# are off here: unauthenticated answers (401s) for the Allocate handshakes, and TCP/TLS connections per source IP
# (default 500) for the idle-connection run. A --baseline jar gets BASELINE_ARGS, none by default, since an older jar
# may have neither limit (and then refuses the flags); set BASELINE_ARGS="$TURNGATE_ARGS" for a jar that has them,
# or its Allocate handshakes are metered at 200 a second.
TURNGATE_ARGS=${TURNGATE_ARGS:---unauthenticated-rate 0 --max-connections-per-ip 0}
start_turngate() { start_turngate_as turngate 0 "$TG_JAR" "$TURNGATE_ARGS"; }
start_baseline() { start_turngate_as baseline 0 "$BASELINE_JAR" "${BASELINE_ARGS:-}"; }
start_metrics-on() { start_turngate_as metrics-on 1 "$TG_JAR" "$TURNGATE_ARGS"; }
start_metrics-off() { start_turngate_as metrics-off 0 "$TG_JAR" "$TURNGATE_ARGS"; }
# Cold start only: the same turngate without its self-warm-up (turngate's default is --warm-up).
start_turngate-nowarm() { start_turngate_as turngate-nowarm 0 "$TG_JAR" "$TURNGATE_ARGS --no-warm-up"; }

declare -A HEALTH_PORT READY_MS START_MS

start_turngate_as() { # name metrics(0|1) jar args
  local name=$1 metrics=$2 jar=$3 args=$4 port mport="" endpoint="" tlsport="" health=""
  port=$(free_port_pair 34800)
  if [ "$COLD" = 1 ]; then # /ready tells when a cold turngate is up (after its self-warm-up)
    HEALTH_PORT[$name]=$(free_tcp_port 38180)
    health="http://127.0.0.1:${HEALTH_PORT[$name]}"
  fi
  [ "$WANT_TLS" = 1 ] && tlsport=$(free_tcp_port $((port + 2)))
  if [ "$metrics" = 1 ]; then
    mport=$(free_tcp_port 38080)
    endpoint="http://127.0.0.1:$mport/metrics"
  fi
  turngate_config "$port" "$tlsport" "$endpoint" "$CERT_B64" "$KEY_B64" "$health" > "$TMP/$name.json"
  # The copy in $OUT has the certificate and the key left out.
  turngate_config "$port" "$tlsport" "$endpoint" "(left out)" "(left out)" "$health" > "$OUT/$name-stunnerd.conf"
  START_MS[$name]=$(date +%s%3N)
  # shellcheck disable=SC2086
  local launch=(java $TURNGATE_JAVA_OPTS -jar "$jar")
  if [ "$TURNGATE_LAUNCH" = launcher ]; then launch=(env TURNGATE_JAR="$jar" TURNGATE_JAVA_OPTS="$TURNGATE_JAVA_OPTS" sh "$LAUNCHER"); fi
  # taskset, env and sh exec the JVM in turn, so $! is the JVM's pid.
  taskset -c "$SERVER_CPU" "${launch[@]}" -c "$TMP/$name.json" $args >> "$OUT/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_udp_port "$pid" "$port" 60 || { echo "compare.sh: $name did not bind $port (see $OUT/$name.log)" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
  PORT[$name]=$port
  PID[$name]=$pid
  if [ -n "$health" ]; then
    local i code=""
    for i in $(seq 1200); do # 120 s
      kill -0 "$pid" 2>/dev/null || break
      code=$(curl -s -o /dev/null -w '%{http_code}' "$health/ready" 2>/dev/null || true)
      [ "$code" = 200 ] && break
      sleep 0.1
    done
    [ "$code" = 200 ] || { echo "compare.sh: $name: /ready did not say 200 within 120 s (see $OUT/$name.log)" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
    READY_MS[$name]=$(date +%s%3N)
    echo "   $name ready $(( READY_MS[$name] - START_MS[$name] )) ms after start ($health/ready said 200)"
  fi
  echo "== $name pid $pid on 127.0.0.1:$port (cpu $SERVER_CPU): $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | sed "s|$TMP/$name.json|$OUT/$name-stunnerd.conf|")"
  stream_listeners "$name" "$pid" "$port" "$tlsport"
  if [ -n "$mport" ]; then
    # A Prometheus that scrapes every $SCRAPE_EVERY s (harsher than the usual 15-60 s); the scrape work lands on the
    # server's own core, as it would in a pod.
    for _ in $(seq 200); do curl -fs -o /dev/null "$endpoint" && break; sleep 0.1; done
    ( while kill -0 "$pid" 2>/dev/null; do curl -fs -o /dev/null "$endpoint" || true; sleep "$SCRAPE_EVERY"; done ) &
    PIDS+=("$!")
    echo "   metrics at $endpoint, scraped every ${SCRAPE_EVERY}s"
  fi
}

turngate_config() { # udp-and-tcp-port tls-port(or "") metrics-endpoint cert-b64 key-b64 [health-endpoint]
  local listeners
  listeners="{\"name\": \"udp-bench\", \"protocol\": \"TURN-UDP\", \"address\": \"127.0.0.1\", \"port\": $1, \"routes\": [\"loopback-echo\"]}"
  [ "$WANT_TCP" = 1 ] && listeners+=",
                {\"name\": \"tcp-bench\", \"protocol\": \"TURN-TCP\", \"address\": \"127.0.0.1\", \"port\": $1, \"routes\": [\"loopback-echo\"]}"
  [ -n "$2" ] && listeners+=",
                {\"name\": \"tls-bench\", \"protocol\": \"TURN-TLS\", \"address\": \"127.0.0.1\", \"port\": $2, \"routes\": [\"loopback-echo\"],
                 \"cert\": \"$4\", \"key\": \"$5\"}"
  cat <<CONF
{
  "version": "v1",
  "admin": {"name": "turngate-bench", "loglevel": "all:WARN", "healthcheck_endpoint": "${6:-}", "metrics_endpoint": "$3"},
  "auth": {"type": "static", "realm": "$REALM", "credentials": {"username": "$USER_NAME", "password": "$USER_PASS"}},
  "listeners": [$listeners],
  "clusters": [{"name": "loopback-echo", "type": "STATIC", "protocol": "UDP", "endpoints": ["127.0.0.1"]}]
}
CONF
}

# Records the TCP and TLS ports of a started server. A listener not bound within 10 s is reported and that server's
# cases on it are skipped (a turngate without TURN-TCP/TLS says so in its log and serves UDP only).
stream_listeners() { # name pid tcp-port tls-port(or "")
  local name=$1 pid=$2
  if [ "$WANT_TCP" = 1 ]; then
    if wait_tcp_port "$pid" "$3" 10; then TCP_PORT[$name]=$3; echo "   TURN-TCP on 127.0.0.1:$3"
    else echo "compare.sh: WARNING: $name does not listen on TCP port $3: its TCP cases are skipped (see $OUT/$name.log)" >&2; fi
  fi
  if [ -n "$4" ]; then
    if wait_tcp_port "$pid" "$4" 10; then TLS_PORT[$name]=$4; echo "   TURN-TLS on 127.0.0.1:$4"
    else echo "compare.sh: WARNING: $name does not listen on TLS port $4: its TLS cases are skipped (see $OUT/$name.log)" >&2; fi
  fi
}

start_coturn() {
  local port tlsport=""
  port=$(free_port_pair 34900)
  # TURN-TCP is served on the UDP port (coturn's default); TURN-TLS on a port of its own when TLS cases run.
  local tlsflags=(--no-tls)
  if [ "$WANT_TLS" = 1 ]; then
    tlsport=$(free_tcp_port $((port + 2)))
    tlsflags=(--tls-listening-port="$tlsport" --cert="$TMP/bench-cert.pem" --pkey="$TMP/bench-key.pem")
  fi
  local flags=(-n --listening-ip=127.0.0.1 --listening-port="$port" --relay-ip=127.0.0.1
    --realm="$REALM" --user="$USER_NAME:$USER_PASS" --lt-cred-mech --allow-loopback-peers
    --no-cli "${tlsflags[@]}" --no-dtls --no-tcp-relay --relay-threads="$COTURN_RELAY_THREADS"
    --min-port=49152 --max-port=65535 --total-quota=0 --user-quota=0
    --db="$TMP/turndb" --pidfile="$TMP/turnserver.pid" --log-file=stdout --simple-log)
  echo "turnserver ${flags[*]}" | sed "s/$USER_NAME:$USER_PASS/$USER_NAME:***/" > "$OUT/coturn-flags.txt"
  START_MS[coturn]=$(date +%s%3N)
  taskset -c "$SERVER_CPU" turnserver "${flags[@]}" >> "$OUT/coturn.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_udp_port "$pid" "$port" 30 || { echo "compare.sh: coturn did not bind $port (see $OUT/coturn.log)" >&2; exit 1; }
  READY_MS[coturn]=$(date +%s%3N) # coturn has no /ready: its port answering is its start
  [ "$COLD" = 1 ] || sleep 0.5
  PORT[coturn]=$port
  PID[coturn]=$pid
  echo "== coturn $(turnserver --version 2>/dev/null | head -1) pid $pid on 127.0.0.1:$port (cpu $SERVER_CPU): $(cat "$OUT/coturn-flags.txt")"
  grep -m1 -A1 'Due to the open files' "$OUT/coturn.log" 2>/dev/null | tail -1 | sed 's/^/   coturn: /' || true
  stream_listeners coturn "$pid" "$port" "$tlsport"
  # coturn before 4.6.2 offers TLS 1.2 at most (coturn#1171); then both servers' TLS cases run TLS 1.2, so the
  # comparison stays like for like.
  if [ "$WANT_TLS" = 1 ] && [ "$TLS_VERSION" = 1.3 ] && [ -n "${TLS_PORT[coturn]:-}" ] \
      && ! openssl s_client -connect "127.0.0.1:$tlsport" -tls1_3 < /dev/null > "$TMP/tls13-probe.log" 2>&1; then
    GEN_TLS_PROTOCOLS=TLSv1.2
    echo "compare.sh: NOTE: this coturn does not offer TLS 1.3 (coturn#1171, added in 4.6.2): the TLS cases of both servers run TLSv1.2" >&2
  fi
}

stop_server() { # name: stops one server this script started, as cleanup does
  local p=${PID[$1]}
  kill "$p" 2>/dev/null || true # turngate drains on the first signal ...
  for _ in $(seq 10); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill "$p" 2>/dev/null || true # ... and exits at once on the second
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  # Forget it, so the trap on EXIT never signals a later process that got the same PID.
  local keep=() q
  for q in "${PIDS[@]:-}"; do [ -n "$q" ] && [ "$q" != "$p" ] && keep+=("$q"); done
  PIDS=("${keep[@]:-}")
  unset "PID[$1]"
}

run() { # server name allocations payload rate duration [extra args...]; TRANSPORT=udp|tcp|tls (default udp)
  local s=$1 name=$2 n=$3 payload=$4 rate=$5 dur=$6 t=${TRANSPORT:-udp} port
  shift 6
  local json="$OUT/$name-$s.json"
  case "$t" in
    udp) port=${PORT[$s]} ;;
    tcp) port=${TCP_PORT[$s]:-} ;;
    tls) port=${TLS_PORT[$s]:-}; set -- --tls-protocols "$GEN_TLS_PROTOCOLS" "$@" ;;
  esac
  if [ -z "$port" ]; then
    echo "-- $s: $n allocations x $payload B over $t: skipped ($s has no $t listener)"
    return 0
  fi
  echo "-- $s: $n allocations x $payload B over $t, rate ${rate/#0/max}, $dur"
  # shellcheck disable=SC2086
  taskset -c "$GEN_CPU" java $GEN_JAVA_OPTS -cp "$GEN_JAR" io.turngate.bench.load.LoadGenerator \
    --server "127.0.0.1:$port" --transport "$t" --user "$USER_NAME" --pass "$USER_PASS" --allocations "$n" \
    --payload "$payload" --rate "$rate" --duration "$dur" --server-pid "${PID[$s]}" --label "$s" \
    --json "$json" $GEN_FLAGS "$@" 2> >(grep -v '^\[' >&2) | sed 's/^/   /' || echo "   (run failed: status $?)"
}

# The C generator (benchmarks/c/turnlat): fixed-rate UDP ChannelData, one thread, RTT corrected from each probe's
# slot; writes the same JSON schema, so the reports read it alike.
TURNLAT=$ROOT/benchmarks/c/turnlat
run_c() { # server name allocations rate duration warmup
  local s=$1 name=$2 n=$3 rate=$4 dur=$5 warm=$6
  echo "-- $s: $n allocations x 100 B over udp, rate $rate, $dur (turnlat)"
  taskset -c "$GEN_CPU" "$TURNLAT" --server "127.0.0.1:${PORT[$s]}" --user "$USER_NAME" --pass "$USER_PASS" \
    --allocations "$n" --payload 100 --rate "$rate" --duration "$dur" --warmup "$warm" --server-pid "${PID[$s]}" \
    --label "$s" --json "$OUT/$name-$s.json" | sed 's/^/   /' || echo "   (run failed: status $?)"
}
if [ "$C_GEN" = 1 ]; then
  make -s -C "$ROOT/benchmarks/c" turnlat || { echo "compare.sh: --c-generator: benchmarks/c/turnlat does not build (needs gcc and OpenSSL 3 headers: apt-get install gcc libssl-dev)" >&2; exit 1; }
fi

[ "$COLD_ONLY" = 1 ] || for s in "${SERVERS[@]}"; do "start_$s"; done
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $NCPU"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "pinning: servers on cpu $SERVER_CPU, generator on cpu $GEN_CPU"
  echo "generator java opts: $GEN_JAVA_OPTS; flags: $GEN_FLAGS (latency runs: ${RTT_GEN_FLAGS:-none}); in-run warm-up $RUN_WARMUP (TCP/TLS as fast as possible: $STREAM_RUN_WARMUP)"
  echo "client transports: udp${EXTRA_TRANSPORTS[*]:+ ${EXTRA_TRANSPORTS[*]}}$( [ "$WANT_TLS" = 1 ] && echo "; TLS: $GEN_TLS_PROTOCOLS, a self-signed ECDSA P-256 certificate made at run time")"
  [ "$IDLE_TCP" -gt 0 ] && echo "idle: $IDLE_TCP TCP connections, one allocation each, held $IDLE_HOLD on freshly started servers"
  echo "open files: soft limit $(ulimit -Sn), hard limit $(ulimit -Hn)"
  [ "$MATRIX" = 1 ] && echo "latency matrix: rates ${RATES[*]} probes/s x allocations ${ALLOCS[*]}, 100 B, $REPEAT rounds of $DURATION (after $MATRIX_RUN_WARMUP inside each run), RTT corrected for coordinated omission; generator: $( [ "$C_GEN" = 1 ] && echo "turnlat (C, one thread)" || echo "LoadGenerator (Java)")"
  [ "$COLD" = 1 ] && echo "cold start: $COLD_REPEAT rounds, $COLD_ALLOCATIONS allocations x 100 B at $COLD_RATE probes/s for $COLD_DURATION on freshly started servers, 1 s windows from /ready (coturn: its port bound)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

if [ "$IDLE_ONLY" = 0 ] && [ "$COLD_ONLY" = 0 ]; then
echo "== warm-up ($WARMUP each, not counted)"
for s in "${SERVERS[@]}"; do run "$s" warmup 100 100 0 "$WARMUP" > /dev/null; done
for t in "${EXTRA_TRANSPORTS[@]:-}"; do
  [ -n "$t" ] || continue
  for s in "${SERVERS[@]}"; do TRANSPORT=$t run "$s" "warmup-$t" 100 100 0 "$WARMUP" > /dev/null; done
done

# The latency matrix: every cell in every round, the servers alternating per cell, so a slow minute of the machine
# hits both. 100 B probes over UDP, channel mode, RTT corrected for coordinated omission (rttCorrectedMicros).
[ "$MATRIX" = 1 ] && for round in $(seq "$REPEAT"); do
  echo "== latency matrix, round $round/$REPEAT ($DURATION each after $MATRIX_RUN_WARMUP)"
  for rate in "${RATES[@]}"; do
    for n in "${ALLOCS[@]}"; do
      for s in "${SERVERS[@]}"; do
        if [ "$C_GEN" = 1 ]; then
          run_c "$s" "lat-${n}x100-${rate}pps-r$round" "$n" "$rate" "$DURATION" "$MATRIX_RUN_WARMUP"
          continue
        fi
        # --progress 0 as in the RTT runs below: no histogram copies on the generator's loop during the window.
        GEN_FLAGS="$RTT_GEN_FLAGS" run "$s" "lat-${n}x100-${rate}pps-r$round" "$n" 100 "$rate" "$DURATION" \
          --warmup "$MATRIX_RUN_WARMUP" --concurrency 256 --progress 0
      done
    done
  done
done

[ "$MATRIX" = 1 ] || for round in $(seq "$REPEAT"); do
  [ "$RTT_ONLY" = 1 ] || echo "== throughput matrix, round $round/$REPEAT ($DURATION each, as fast as possible)"
  [ "$RTT_ONLY" = 1 ] || for n in 1 100; do
    for payload in 100 1200; do
      for s in "${SERVERS[@]}"; do
        run "$s" "max-${n}x${payload}-r$round" "$n" "$payload" 0 "$DURATION" --warmup "$RUN_WARMUP"
      done
    done
  done
  # TCP and TLS: 1 and 100 allocations x 100 B, one connection per allocation.
  [ "$RTT_ONLY" = 1 ] || for t in "${EXTRA_TRANSPORTS[@]:-}"; do
    [ -n "$t" ] || continue
    for n in 1 100; do
      for s in "${SERVERS[@]}"; do
        TRANSPORT=$t run "$s" "max-${n}x100-$t-r$round" "$n" 100 0 "$DURATION" --warmup "$STREAM_RUN_WARMUP"
      done
    done
  done
  echo "== latency at a fixed $RTT_RATE probes/s, round $round/$REPEAT"
  for t in udp "${EXTRA_TRANSPORTS[@]:-}"; do
    [ -n "$t" ] || continue
    suffix=$( [ "$t" = udp ] || echo "-$t" )
    for s in "${SERVERS[@]}"; do
      # --progress 0: a progress line copies the RTT histograms on the generator's loop every second (its lines
      # are not shown here anyway), a pause of its own in the measured tail.
      TRANSPORT=$t GEN_FLAGS="$RTT_GEN_FLAGS" run "$s" "rtt-100x100$suffix-r$round" 100 100 "$RTT_RATE" "$DURATION" \
        --warmup "$RUN_WARMUP" --progress 0
    done
  done
done

[ "$RTT_ONLY" = 1 ] || [ "$MATRIX" = 1 ] || echo "== $BIG live allocations: RSS and Allocate handshakes/s"
[ "$RTT_ONLY" = 1 ] || [ "$MATRIX" = 1 ] || for s in "${SERVERS[@]}"; do GEN_FLAGS="" run "$s" "alloc-$BIG" "$BIG" 100 0 0 --concurrency 256 --handshake-warmup 1000; done
fi

# Idle TCP connections: each server is started afresh, so its RSS before the first connection is that of a server
# that has served nothing yet, and the difference is what N idle connections with one allocation each cost.
if [ "$IDLE_TCP" -gt 0 ]; then
  echo "== $IDLE_TCP idle TCP connections, one allocation each, held $IDLE_HOLD: server RSS before and after"
  for s in "${SERVERS[@]}"; do
    if [ "$IDLE_ONLY" = 0 ]; then stop_server "$s"; "start_$s"; fi
    TRANSPORT=tcp GEN_FLAGS="" run "$s" "idle-tcp-$IDLE_TCP" "$IDLE_TCP" 100 0 0 --concurrency 256 --hold "$IDLE_HOLD" \
      --handshake-timeout 300s
  done
fi

# Cold start: each server freshly started for every round, the generator run as soon as turngate's /ready says 200
# (coturn: as soon as its port is bound), no warm-up of any kind before the measured window, 1 s windows of the
# corrected RTT counted from that moment. turngate twice: with its self-warm-up (the default) and with --no-warm-up.
# The generator is a fresh JVM in every run, for every server alike: coturn's timeline bounds its own cold start.
if [ "$COLD" = 1 ]; then
  COLD_SERVERS=()
  [ "$ONLY" != coturn ] && COLD_SERVERS+=(turngate turngate-nowarm)
  [ "$ONLY" != turngate ] && COLD_SERVERS+=(coturn)
  for round in $(seq "$COLD_REPEAT"); do
    echo "== cold start, round $round/$COLD_REPEAT: $COLD_ALLOCATIONS allocations x 100 B at $COLD_RATE probes/s, $COLD_DURATION from ready"
    for s in "${COLD_SERVERS[@]}"; do
      if [ -n "${PID[$s]:-}" ] && kill -0 "${PID[$s]}" 2>/dev/null; then stop_server "$s"; fi
      "start_$s"
      GEN_FLAGS="$RTT_GEN_FLAGS" run "$s" "cold-${COLD_ALLOCATIONS}x100-${COLD_RATE}pps-r$round" "$COLD_ALLOCATIONS" 100 \
        "$COLD_RATE" "$COLD_DURATION" --timeline 1s --timeline-origin-ms "${READY_MS[$s]}" --progress 0
      stop_server "$s"
    done
  done
fi

rm -f "$OUT"/warmup*.json
java -cp "$GEN_JAR" io.turngate.bench.load.HtmlReport "$OUT"/*.json -o "$OUT/report.html" --markdown \
  --title "turngate vs coturn, $(date -u +%Y-%m-%d)" | tee "$OUT/summary.md"
echo "== results: $OUT (report.html, summary.md, *.json)"
