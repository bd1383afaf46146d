# syntax=docker/dockerfile:1
# One image definition for both services: build with --build-arg SERVICE=incident-command or SERVICE=incident-query.
# The build runs inside the image; only Maven Central is needed.

ARG SERVICE=incident-command

FROM maven:3.9-eclipse-temurin-21 AS build
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
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl "${SERVICE}" -am package \
 && cp "${SERVICE}"/target/"${SERVICE}"-*-exec.jar /build/app.jar

FROM eclipse-temurin:21-jre
ARG SERVICE
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system app \
 && useradd --system --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build --chown=app:app /build/app.jar /app/app.jar
USER app
LABEL org.opencontainers.image.title="${SERVICE}" \
      org.opencontainers.image.description="Incident Tracker: ${SERVICE}"
# glibc gives each thread that allocates its own malloc arena of up to 64 MiB; two keep native memory bounded
ENV MALLOC_ARENA_MAX=2
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Ddisable-axoniq-console-message=true"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
