# The local stand-in for eclipse-temurin:21-jre where no image registry is reachable: the Debian base made by
# debootstrap, with a Java runtime that deploy/podman-run makes with jlink from the machine's JDK (21 or newer).
ARG BASE_IMAGE=localhost/debian-base:bookworm
FROM ${BASE_IMAGE}
COPY jre /opt/java/openjdk
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
