# syntax=docker/dockerfile:1
# One image definition for both services: build with --build-arg SERVICE=incident-command or SERVICE=incident-query.
# The build runs inside the image; only Maven Central is needed.
#
# The base images are build arguments; the defaults are the official images. Where no registry is reachable,
# deploy/podman-run builds local equivalents (a Debian base with Maven and a JDK 21+, a Debian base with a jlinked
# runtime) and passes them in: BUILD_IMAGE needs `mvn` and a JDK 21+, RUNTIME_IMAGE a JRE 21+ on the PATH and apt.
# Every module of the reactor must be named below: DockerfileModulesTest fails otherwise.

ARG SERVICE=incident-command
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
ARG SERVICE
WORKDIR /build
# every module's pom, so that Maven can read the whole reactor
COPY pom.xml ./
COPY shared-events/pom.xml shared-events/
COPY audit-verifier/pom.xml audit-verifier/
COPY web-platform/pom.xml web-platform/
COPY test-support/pom.xml test-support/
COPY incident-command/pom.xml incident-command/
COPY incident-query/pom.xml incident-query/
COPY incident-launcher/pom.xml incident-launcher/
COPY incident-bench/pom.xml incident-bench/
COPY shared-events/src shared-events/src
COPY audit-verifier/src audit-verifier/src
COPY web-platform/src web-platform/src
COPY test-support/src test-support/src
COPY ${SERVICE}/src ${SERVICE}/src
# the package also makes the service's CycloneDX SBOM (META-INF/sbom/application.cdx.json in the jar); the
# executable jar is then split into its layers, so that a code change rebuilds only the last one
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl "${SERVICE}" -am package \
 && cp "${SERVICE}"/target/"${SERVICE}"-*-exec.jar /build/app.jar \
 && cp "${SERVICE}"/target/classes/META-INF/sbom/application.cdx.json /build/sbom.cdx.json \
 && java -Djarmode=tools -jar /build/app.jar extract --layers --launcher --destination /build/layers

FROM ${RUNTIME_IMAGE}
ARG SERVICE
# the port the HEALTHCHECK asks; compose gives each service its own (8081 command, 8082 query)
ARG HEALTHCHECK_PORT=8081
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system app \
 && useradd --system --gid app --home-dir /app --no-create-home app \
 && mkdir -p /app/data \
 && chown app:app /app/data
WORKDIR /app
# least changing first: libraries, the launcher, snapshot libraries, then the service's own classes
COPY --from=build --chown=app:app /build/layers/dependencies/ ./
COPY --from=build --chown=app:app /build/layers/spring-boot-loader/ ./
COPY --from=build --chown=app:app /build/layers/snapshot-dependencies/ ./
COPY --from=build --chown=app:app /build/layers/application/ ./
COPY --from=build --chown=app:app /build/sbom.cdx.json /app/sbom/application.cdx.json
USER app
VOLUME /app/data
LABEL org.opencontainers.image.title="${SERVICE}" \
      org.opencontainers.image.description="Incident Tracker: ${SERVICE}"
# glibc gives each thread that allocates its own malloc arena of up to 64 MiB; two keep native memory bounded, and
# the JVM gives freed native memory back every 5 s (TrimNativeHeapInterval, JDK 21.0.1 and later)
ENV MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:TrimNativeHeapInterval=5000 -Ddisable-axoniq-console-message=true" \
    INCIDENT_TRACKER_DATA_DIR=/app/data \
    HEALTHCHECK_URL=http://localhost:${HEALTHCHECK_PORT}/actuator/health/readiness
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=10 \
    CMD curl -fsS -o /dev/null "$HEALTHCHECK_URL" || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
