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
#
# Stops only the processes it started (trap on EXIT). Sends traffic only to 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ONLY=both
OUT=""
DURATION=5s
WARMUP=5s
RUN_WARMUP=1s
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
# The generator owns its core: spinning in epoll_wait spares the servers the cost of waking it up.
GEN_FLAGS=${GEN_FLAGS:---busy-poll}
# ...except in the fixed-rate latency runs: a spinning generator delays the softirq work (ksoftirqd) of its own core,
# which added milliseconds to the RTT tail of both servers alike (p90 ~800 us instead of ~170 us, measured here).
RTT_GEN_FLAGS=${RTT_GEN_FLAGS:-}

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
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
    --repeat) REPEAT=$2; shift 2 ;;
    --rtt-only) RTT_ONLY=1; shift ;;
    --metrics-ab) METRICS_AB=1; ONLY=turngate; shift ;;
    --baseline) BASELINE_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare.sh: unknown option: $1 (expected: see --help)" >&2; usage 2 ;;
  esac
done
case "$ONLY" in both|turngate|coturn) ;; *) echo "compare.sh: --only: found '$ONLY' (expected: turngate or coturn)" >&2; exit 2 ;; esac
if [ "$QUICK" = 1 ]; then DURATION=2s; WARMUP=2s; RUN_WARMUP=500ms; BIG=1000; fi

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

for tool in java taskset ss $( [ "$METRICS_AB" = 1 ] && echo curl ); do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not found (expected: on PATH)" >&2; exit 2; }
done
if [ "$ONLY" != turngate ] && ! command -v turnserver >/dev/null; then
  echo "compare.sh: turnserver not found (expected: Debian package coturn; apt-get install coturn)" >&2; exit 2
fi
NCPU=$(nproc --all)
if [ "$NCPU" -lt 2 ] || [ "$SERVER_CPU" = "$GEN_CPU" ]; then
  echo "compare.sh: WARNING: generator and server share a core ($NCPU CPUs); results will be lower" >&2
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

declare -A PORT PID

free_tcp_port() { # first port >= $1 with no TCP socket listening on it
  local p=$1
  while [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
  echo "$p"
}

# The generator's clients all come from 127.0.0.1: turngate's per-source limit of unauthenticated answers (401s)
# would meter the Allocate handshake benchmark, so it is off here (an older --baseline jar has no such limit).
TURNGATE_ARGS=${TURNGATE_ARGS:---unauthenticated-rate 0}
start_turngate() { start_turngate_as turngate 0 "$TG_JAR" "$TURNGATE_ARGS"; }
start_baseline() { start_turngate_as baseline 0 "$BASELINE_JAR" ""; }
start_metrics-on() { start_turngate_as metrics-on 1 "$TG_JAR" "$TURNGATE_ARGS"; }
start_metrics-off() { start_turngate_as metrics-off 0 "$TG_JAR" "$TURNGATE_ARGS"; }

start_turngate_as() { # name metrics(0|1) jar args
  local name=$1 metrics=$2 jar=$3 args=$4 port mport="" endpoint=""
  port=$(free_udp_port 34800)
  if [ "$metrics" = 1 ]; then
    mport=$(free_tcp_port 38080)
    endpoint="http://127.0.0.1:$mport/metrics"
  fi
  cat > "$TMP/$name.json" <<EOF
{
  "version": "v1",
  "admin": {"name": "turngate-bench", "loglevel": "all:WARN", "healthcheck_endpoint": "", "metrics_endpoint": "$endpoint"},
  "auth": {"type": "static", "realm": "$REALM", "credentials": {"username": "$USER_NAME", "password": "$USER_PASS"}},
  "listeners": [{"name": "udp-bench", "protocol": "TURN-UDP", "address": "127.0.0.1", "port": $port,
                 "routes": ["loopback-echo"]}],
  "clusters": [{"name": "loopback-echo", "type": "STATIC", "protocol": "UDP", "endpoints": ["127.0.0.1"]}]
}
EOF
  cp "$TMP/$name.json" "$OUT/$name-stunnerd.conf"
  # shellcheck disable=SC2086
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" java $TURNGATE_JAVA_OPTS -jar "$jar" -c "$TMP/$name.json" $args > "$OUT/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_udp_port "$pid" "$port" 60 || { echo "compare.sh: $name did not bind $port (see $OUT/$name.log)" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
  PORT[$name]=$port
  PID[$name]=$pid
  echo "== $name pid $pid on 127.0.0.1:$port (cpu $SERVER_CPU): java $TURNGATE_JAVA_OPTS -jar $jar -c $OUT/$name-stunnerd.conf $args"
  if [ -n "$mport" ]; then
    # A Prometheus that scrapes every $SCRAPE_EVERY s (harsher than the usual 15-60 s); the scrape work lands on the
    # server's own core, as it would in a pod.
    for _ in $(seq 200); do curl -fs -o /dev/null "$endpoint" && break; sleep 0.1; done
    ( while kill -0 "$pid" 2>/dev/null; do curl -fs -o /dev/null "$endpoint" || true; sleep "$SCRAPE_EVERY"; done ) &
    PIDS+=("$!")
    echo "   metrics at $endpoint, scraped every ${SCRAPE_EVERY}s"
  fi
}

start_coturn() {
  local port
  port=$(free_udp_port 34900)
  local flags=(-n --listening-ip=127.0.0.1 --listening-port="$port" --relay-ip=127.0.0.1
    --realm="$REALM" --user="$USER_NAME:$USER_PASS" --lt-cred-mech --allow-loopback-peers
    --no-cli --no-tls --no-dtls --no-tcp-relay --relay-threads="$COTURN_RELAY_THREADS"
    --min-port=49152 --max-port=65535 --total-quota=0 --user-quota=0
    --db="$TMP/turndb" --pidfile="$TMP/turnserver.pid" --log-file=stdout --simple-log)
  echo "turnserver ${flags[*]}" | sed "s/$USER_NAME:$USER_PASS/$USER_NAME:***/" > "$OUT/coturn-flags.txt"
  taskset -c "$SERVER_CPU" turnserver "${flags[@]}" > "$OUT/coturn.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_udp_port "$pid" "$port" 30 || { echo "compare.sh: coturn did not bind $port (see $OUT/coturn.log)" >&2; exit 1; }
  sleep 0.5
  PORT[coturn]=$port
  PID[coturn]=$pid
  echo "== coturn $(turnserver --version 2>/dev/null | head -1) pid $pid on 127.0.0.1:$port (cpu $SERVER_CPU): $(cat "$OUT/coturn-flags.txt")"
}

run() { # server name allocations payload rate duration [extra args...]
  local s=$1 name=$2 n=$3 payload=$4 rate=$5 dur=$6
  shift 6
  local json="$OUT/$name-$s.json"
  echo "-- $s: $n allocations x $payload B, rate ${rate/#0/max}, $dur"
  # shellcheck disable=SC2086
  taskset -c "$GEN_CPU" java $GEN_JAVA_OPTS -cp "$GEN_JAR" io.turngate.bench.load.LoadGenerator \
    --server "127.0.0.1:${PORT[$s]}" --user "$USER_NAME" --pass "$USER_PASS" --allocations "$n" \
    --payload "$payload" --rate "$rate" --duration "$dur" --server-pid "${PID[$s]}" --label "$s" \
    --json "$json" $GEN_FLAGS "$@" 2> >(grep -v '^\[' >&2) | sed 's/^/   /' || echo "   (run failed: status $?)"
}

for s in "${SERVERS[@]}"; do "start_$s"; done
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $NCPU"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "pinning: servers on cpu $SERVER_CPU, generator on cpu $GEN_CPU"
  echo "generator java opts: $GEN_JAVA_OPTS; flags: $GEN_FLAGS (latency runs: ${RTT_GEN_FLAGS:-none})"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

echo "== warm-up ($WARMUP each, not counted)"
for s in "${SERVERS[@]}"; do run "$s" warmup 100 100 0 "$WARMUP" > /dev/null; done

for round in $(seq "$REPEAT"); do
  [ "$RTT_ONLY" = 1 ] || echo "== throughput matrix, round $round/$REPEAT ($DURATION each, as fast as possible)"
  [ "$RTT_ONLY" = 1 ] || for n in 1 100; do
    for payload in 100 1200; do
      for s in "${SERVERS[@]}"; do
        run "$s" "max-${n}x${payload}-r$round" "$n" "$payload" 0 "$DURATION" --warmup "$RUN_WARMUP"
      done
    done
  done
  echo "== latency at a fixed $RTT_RATE probes/s, round $round/$REPEAT"
  for s in "${SERVERS[@]}"; do
    GEN_FLAGS="$RTT_GEN_FLAGS" run "$s" "rtt-100x100-r$round" 100 100 "$RTT_RATE" "$DURATION" --warmup "$RUN_WARMUP"
  done
done

[ "$RTT_ONLY" = 1 ] || echo "== $BIG live allocations: RSS and Allocate handshakes/s"
[ "$RTT_ONLY" = 1 ] || for s in "${SERVERS[@]}"; do GEN_FLAGS="" run "$s" "alloc-$BIG" "$BIG" 100 0 0 --concurrency 256 --handshake-warmup 1000; done

rm -f "$OUT"/warmup-*.json
java -cp "$GEN_JAR" io.turngate.bench.load.HtmlReport "$OUT"/*.json -o "$OUT/report.html" --markdown \
  --title "turngate vs coturn, $(date -u +%Y-%m-%d)" | tee "$OUT/summary.md"
echo "== results: $OUT (report.html, summary.md, *.json)"
