#!/usr/bin/env bash
# What the JIT and the GC do to the first real traffic after /ready (benchmarks/README.md, issue 13).
#
#   benchmarks/jit-after-ready.sh OUT [RUNS] [ALLOCATIONS] [JAR]
#
# Starts turngate alone on CPU 0 (the stunnerd launcher, -XX:+PrintCompilation, GC and safepoint log), waits for its
# "turngate ready" line, then runs benchmarks/c/turnlat RUNS times on CPU 1: ALLOCATIONS allocations at RATE
# packets/s (default 20k), 2 s warm-up and 5 s measured each. Prints each run's corrected RTT percentiles and its
# stalls (probes late by 5 ms or more, in the wall clock, which gc.log's first decoration also gives), the
# self-warm-up's log line, and compilations / C2 compilations / "made not entrant" (all tiers, and of C2 code) in 5 s
# windows after /ready. Leaves server.log (the compile log), gc.log and each run's JSON in OUT. Needs gcc, libssl-dev,
# python3, taskset. Extra server JVM options: TG_OPTS; extra server flags: TG_ARGS (e.g. "--warm-up-time 6s").
# SERVER=coturn runs the same sequence against a fresh coturn (turnserver, Debian's coturn package) instead, as the
# control: its first runs bound what the generator and the machine add to a cold start (no compile log then).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: jit-after-ready.sh OUT [RUNS] [ALLOCATIONS] [JAR]}
RUNS=${2:-4}
ALLOC=${3:-100}
JAR=${4:-$ROOT/turn-server/target/turngate.jar}
PORT=${PORT:-36678}
RATE=${RATE:-20000}
mkdir -p "$OUT"
make -s -C "$ROOT/benchmarks/c" turnlat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/t.json" <<CONF
{"version":"v1","admin":{"name":"jit-after-ready","loglevel":"all:INFO","healthcheck_endpoint":"","metrics_endpoint":""},
 "auth":{"type":"static","realm":"stunner.l7mp.io","credentials":{"username":"user-1","password":"pass-1"}},
 "listeners":[{"name":"udp","protocol":"TURN-UDP","address":"127.0.0.1","port":$PORT,"routes":["echo"]}],
 "clusters":[{"name":"echo","type":"STATIC","protocol":"UDP","endpoints":["127.0.0.1"]}]}
CONF
if [ "${SERVER:-turngate}" = coturn ]; then # the flags of compare.sh's coturn, on this script's port
  taskset -c 0 turnserver -n --listening-ip=127.0.0.1 --listening-port="$PORT" --relay-ip=127.0.0.1 \
    --realm=stunner.l7mp.io --user=user-1:pass-1 --lt-cred-mech --allow-loopback-peers --no-cli --no-tls --no-dtls \
    --no-tcp-relay --relay-threads=2 --min-port=49152 --max-port=65535 --total-quota=0 --user-quota=0 \
    --db="$TMP/turndb" --pidfile="$TMP/turnserver.pid" --log-file=stdout --simple-log > "$OUT/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do [ -n "$(ss -Hlun "sport = :$PORT" 2>/dev/null)" ] && break; sleep 0.1; done
  [ -n "$(ss -Hlun "sport = :$PORT" 2>/dev/null)" ] || { echo "jit-after-ready.sh: coturn did not bind $PORT" >&2; kill "$PID"; exit 1; }
else
  taskset -c 0 env TURNGATE_JAR="$JAR" \
    TURNGATE_JAVA_OPTS="-XX:+PrintCompilation -Xlog:gc,safepoint:file=$OUT/gc.log:utctime,uptime ${TG_OPTS:-}" \
    sh "$ROOT/turn-server/src/main/sh/stunnerd" -c "$TMP/t.json" --unauthenticated-rate 0 ${TG_ARGS:-} \
    > "$OUT/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 600); do grep -q "turngate ready" "$OUT/server.log" && break; sleep 0.1; done
  grep -q "turngate ready" "$OUT/server.log" || { echo "jit-after-ready.sh: no ready line in 60 s" >&2; kill "$PID"; exit 1; }
fi
t0=$(date +%s%3N)
for r in $(seq "$RUNS"); do
  s=$(( $(date +%s%3N) - t0 ))
  taskset -c 1 "$ROOT/benchmarks/c/turnlat" --server "127.0.0.1:$PORT" --allocations "$ALLOC" --rate "$RATE" \
    --warmup 2s --duration 5s --server-pid "$PID" --label "${SERVER:-turngate}" --json "$OUT/r$r.json" > "$OUT/r$r.txt" 2>&1
  e=$(( $(date +%s%3N) - t0 ))
  echo "run $r: ${s}-${e} ms after ready: $(grep -o 'corrected p50 [^;]*' "$OUT/r$r.txt")"
  grep -o 'stall at .*' "$OUT/r$r.txt" | sed 's/^/  /' || true
done
kill "$PID"; wait "$PID" 2>/dev/null || true
[ "${SERVER:-turngate}" = coturn ] && exit 0
grep -o 'self-warm-up:.*' "$OUT/server.log" || true
python3 - "$OUT/server.log" <<'PY'
import re, sys
# PrintCompilation lines: "<ms since start> <id> <flags> <tier> <method> ..."; the ready line is timed by the
# compile line before it.
ready, comp = None, []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^\s*(\d+)\s+\d+\s+\S*\s*(\d)\s+(\S+)", line)
    if m and "made zombie" not in line:   # the code cache sweeper freeing old code: no compilation
        comp.append((int(m.group(1)), int(m.group(2)), "made not entrant" in line))
    elif "turngate ready" in line and ready is None and comp:
        ready = comp[-1][0]
if ready is None:
    sys.exit("no compile line before the ready line")
end = max(t for t, _, _ in comp)
out = []
for w in range(0, max(5, end - ready) // 1000 + 1, 5):
    c = [x for x in comp if ready + w * 1000 <= x[0] < ready + (w + 5) * 1000]
    out.append(f"{w}-{w + 5}s {len(c)}/{sum(1 for x in c if x[1] == 4 and not x[2])}/{sum(1 for x in c if x[2])}"
               f"/{sum(1 for x in c if x[1] == 4 and x[2])}")
# "made not entrant" of tier 1-3 code is mostly a method moving up a tier; of tier 4 (C2) code it is C2 code thrown
# away: an uncommon trap (a branch or type C2 had compiled as never seen) or a broken class-hierarchy assumption.
print("after /ready, compilations/C2/made not entrant/of them C2 code: " + "  ".join(out))
PY
