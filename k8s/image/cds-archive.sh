#!/bin/sh
# cds-archive.sh LAUNCHER JAR ARCHIVE [TURNGATE ARGS...]: makes ARCHIVE, the class-data sharing archive of
# turngate's classes, with a training run: the launcher (turn-server/src/main/sh/stunnerd) starts turngate on JAR
# with -XX:ArchiveClassesAtExit and --exit-when-ready, so the run loads what a real start loads (config, listeners,
# the self-warm-up's relay and control plane, the admin server) and exits 0 once /ready would turn 200; the JVM writes
# the archive at exit. The launcher uses ARCHIVE from then on (TURNGATE_CDS_ARCHIVE, default JAR's path with .jsa):
# the gateway reaches /ready about 0.5 s sooner (benchmarks/README.md).
#
# The Dockerfile runs it in the image's last stage, where the jar and the runtime have their final paths (an archive
# records the class path and the jar's size and time, and is skipped when they differ). RuntimeImageIT runs it on the
# jlinked runtime. The runtime needs the JDK's base archive (jlink --generate-cds-archive, in jlink-runtime.sh).
# Without TURNGATE ARGS turngate runs on its built-in default config (UDP 3478, health checks on 8086).
# JAVA_HOME selects the runtime, as for the launcher.
set -eu
if [ $# -lt 3 ]; then
    echo "usage: cds-archive.sh LAUNCHER JAR ARCHIVE [TURNGATE ARGS...]" >&2
    exit 2
fi
launcher=$1
jar=$2
archive=$3
shift 3
rm -f "$archive"
# -Xlog:cds=error: the dump's warnings about classes CDS cannot take (picocli's pre-Java-6 classes, Logback's unused
# SMTP appender) are expected and not errors; those classes load as usual at run time.
TURNGATE_JAR=$jar TURNGATE_JAVA_OPTS="-XX:ArchiveClassesAtExit=$archive -Xlog:cds=error ${TURNGATE_JAVA_OPTS:-}" \
    sh "$launcher" --exit-when-ready "$@"
if [ ! -s "$archive" ]; then
    echo "cds-archive.sh: the training run exited 0 but wrote no archive at $archive" >&2
    exit 1
fi
echo "cds-archive.sh: $archive ($(wc -c < "$archive") bytes)" >&2
