# syntax=docker/dockerfile:1
# turngate image. It runs unchanged where STUNner's stunnerd runs: `stunnerd` is on PATH (the launcher
# turn-server/src/main/sh/stunnerd, also linked as `turngate`), so STUNner's operator can start it from a Dataplane
# (command [stunnerd], args [-w, --udp-thread-num=16]) and turngate's own manifests in k8s/ start it the same way.
#
#   docker build -t turngate:dev .
#
# No container engine runs on the development machines here, so this file is checked by tests instead of built:
# DockerfileTest compares its paths with the Maven build and the launcher, StunnerdLauncherIT runs the launcher with
# the operator's arguments and environment, RuntimeImageIT builds the runtime with k8s/image/jlink-runtime.sh and
# starts turngate on it.

# --- build: the shaded jar, then a Java runtime with just the modules it needs -------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY stunner-config stunner-config
COPY turn-server turn-server
# The root pom lists the benchmarks module; Maven needs its pom to read the reactor, not its sources.
COPY benchmarks/pom.xml benchmarks/pom.xml
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl turn-server -am package
COPY k8s/image/jlink-runtime.sh /usr/local/bin/jlink-runtime.sh
RUN sh /usr/local/bin/jlink-runtime.sh turn-server/target/turngate.jar /opt/java

# --- run: Debian slim (glibc, for Netty's native epoll transport), the runtime, the jar and the launcher -----------
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin turngate
COPY --from=build /opt/java /opt/java
COPY --from=build /src/turn-server/target/turngate.jar /opt/turngate/turngate.jar
COPY --chmod=755 turn-server/src/main/sh/stunnerd /usr/local/bin/stunnerd
RUN ln -s stunnerd /usr/local/bin/turngate
# Class-data sharing for turngate's classes: a training run (start, self-warm-up, ready, exit) writes the archive
# that the launcher then maps at every start (to /ready in about 0.8 s instead of 1.2-1.4 s, measured on one core;
# benchmarks/README.md). Made here, where the jar and the runtime have their final paths, as the archive requires.
COPY k8s/image/cds-archive.sh /usr/local/bin/cds-archive.sh
RUN sh /usr/local/bin/cds-archive.sh /usr/local/bin/stunnerd /opt/turngate/turngate.jar /opt/turngate/turngate.jsa \
    && rm /usr/local/bin/cds-archive.sh
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    TURNGATE_JAR=/opt/turngate/turngate.jar
USER 10001:10001
# TURN (UDP; TCP for TURN-TCP listeners), Prometheus metrics, health checks (/live, /ready, /status).
EXPOSE 3478/udp 3478/tcp 8080 8086
ENTRYPOINT ["stunnerd"]
