# turngate image: build with Maven, run on a JRE. (Docker is not available on the development machines here, so this
# file is not exercised by CI; `mvn -B -DskipTests package` is the same build step.)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY stunner-config stunner-config
COPY turn-server turn-server
COPY benchmarks benchmarks
RUN mvn -B -q -DskipTests -pl turn-server -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 turngate
COPY --from=build /src/turn-server/target/turngate.jar /app/turngate.jar
USER 10001
EXPOSE 3478/udp
# Same flags as stunnerd: -c FILE (stunnerd.conf or Gateway API YAML), -w to reconcile on change,
# --udp-thread-num for SO_REUSEPORT sockets.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/app/turngate.jar"]
CMD ["-c", "/etc/turngate/stunnerd.conf", "-w"]
