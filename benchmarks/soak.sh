#!/usr/bin/env bash
# Soak and leak check of turngate (benchmarks/README.md, "Soak and leak check"): starts turngate from the built jar
# with -w on a generated config, holds N allocations streaming ChannelData at a fixed total rate to an echo peer on
# 127.0.0.1, rewrites the config and churns allocations all along, reads heap after GC, RSS, fds, threads and loss
# every interval, prints a table, writes soak.json and exits 1 unless the figures are flat.
#
#   benchmarks/soak.sh [--ci] [--no-build] [Soak options: --allocations 10000 --rate 20000 --duration 30m
#                       --churn 100 --reload-every 30s --report-every 1m --warmup 1m --out DIR ...; --help lists all]
#
#   --ci        the short version run by .ci/run: 2 minutes, 1,000 allocations, 2,000 probes/s, churn 20/s, config
#               rewritten every 10 s, readings every 15 s after a 60 s warm-up, the server under Netty's paranoid
#               leak detection; fails on a leak of descriptors, threads or buffers (LEAK: in its log), on lost
#               allocations, unapplied reloads or loss over 1 %. The heap is reported, not judged (2 minutes are too
#               short for the thirds rule). Options after --ci override its values.
#   --no-build  do not build a missing jar (CI: mvn verify has built both)
#
# Stops only the turngate it started (the Java side holds its process handle). Sends traffic only to 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GEN_JAR=benchmarks/target/benchmarks.jar
TG_JAR=turn-server/target/turngate.jar
GEN_JAVA_OPTS=${GEN_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled}

BUILD=1
ARGS=()
ALLOCATIONS=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --ci)
      ALLOCATIONS=1000
      ARGS+=(--allocations 1000 --rate 2000 --churn 20 --duration 2m --reload-every 10s --report-every 15s
        --warmup 60s --max-loss 1 --fail-on fds,threads,loss,allocations,reloads,leaks
        --server-java-opts "-Dio.netty.leakDetection.level=paranoid" --out benchmarks/target/soak-ci)
      shift ;;
    --no-build) BUILD=0; shift ;;
    --allocations) ALLOCATIONS=$2; ARGS+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; ARGS+=(--help); shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

command -v java > /dev/null || { echo "soak.sh: java not found (expected: a JDK 17 on PATH)" >&2; exit 2; }
if [ ! -f "$GEN_JAR" ] || [ ! -f "$TG_JAR" ]; then
  if [ "$BUILD" = 1 ]; then
    echo "== building (mvn package -DskipTests)"
    mvn -B -q -DskipTests package -pl benchmarks -am
  else
    echo "soak.sh: $GEN_JAR or $TG_JAR missing (expected: mvn package or mvn verify first)" >&2; exit 2
  fi
fi

# Open files (a limit per process): the generator holds one socket per allocation, the server one relay socket per
# allocation, each with the churn in flight and a few hundred of its own on top; both inherit this shell's limit. The
# soft limit is raised; the hard one cannot be from here.
NEED_FILES=$((ALLOCATIONS + 1024))
HARD_FILES=$(ulimit -Hn)
if [ "$HARD_FILES" != unlimited ] && [ "$HARD_FILES" -lt "$NEED_FILES" ]; then
  echo "soak.sh: open files: need about $NEED_FILES, found a hard limit of $HARD_FILES (expected: ulimit -Hn of at" \
    "least $NEED_FILES, or fewer --allocations)" >&2
  exit 2
fi
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$NEED_FILES" ]; then ulimit -Sn "$HARD_FILES"; fi

# shellcheck disable=SC2086
exec java $GEN_JAVA_OPTS -cp "$GEN_JAR" io.turngate.bench.load.Soak --jar "$TG_JAR" "${ARGS[@]}"
