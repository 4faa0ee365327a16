#!/bin/sh
# jlink-runtime.sh JAR OUT: writes to OUT a Java runtime with just the modules the turngate jar needs, for the image
# (the Dockerfile runs it in its build stage; RuntimeImageIT runs it on the built jar to start turngate on the
# result, so a module missing here fails a test instead of a pod).
#
# jdeps finds the modules that the jar's classes name; these are added because they are only looked up at run time:
#   jdk.crypto.ec     elliptic-curve TLS (HTTPS to the Kubernetes API, TURN over TLS/DTLS)
#   jdk.naming.dns    JNDI DNS, which the DNS resolver uses to find the name servers
#   jdk.management    com.sun.management, for the process and JVM metrics
#   jdk.unsupported   sun.misc.Unsafe, for Netty's fast buffers
#   jdk.zipfs         reading resources inside jars through a file system
# --generate-cds-archive writes the runtime's own class-data sharing archive of the JDK's classes (lib/server/
# classes.jsa, as a full JDK has): the JVM starts faster with it, and k8s/image/cds-archive.sh needs it as the base
# of turngate's archive.
# JDK tools come from JAVA_HOME when set, else from PATH.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: jlink-runtime.sh JAR OUT" >&2
    exit 2
fi
jar=$1
out=$2
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
release=$("${bin}java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
modules=$("${bin}jdeps" --ignore-missing-deps --multi-release "$release" --print-module-deps "$jar")
extra=jdk.crypto.ec,jdk.naming.dns,jdk.management,jdk.unsupported,jdk.zipfs
echo "jlink-runtime.sh: modules $modules,$extra" >&2
"${bin}jlink" --add-modules "$modules,$extra" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --generate-cds-archive \
    --output "$out"
