# The local stand-in for maven:3.9-eclipse-temurin-21 where no image registry is reachable: the Debian base made by
# debootstrap, with the JDK (21 or newer) and the Maven installation that deploy/podman-run copies into the context.
ARG BASE_IMAGE=localhost/debian-base:bookworm
FROM ${BASE_IMAGE}
COPY jdk /opt/java/openjdk
COPY maven /opt/maven
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/opt/maven/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow"
