package io.incidenttracker.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image build copies every module's pom (Maven reads the whole reactor before it builds one module, and stops at
 * "Child module ... does not exist" otherwise), and compose builds every service the image can be built for.
 */
class DockerfileModulesTest {

    static final Path ROOT = OperationsDashboard.projectRoot();

    @Test
    void theDockerfileCopiesThePomOfEveryModuleOfTheBuild() throws Exception {
        List<String> modules = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(ROOT.resolve("pom.xml"))).results().map(m -> m.group(1)).toList();
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));

        assertThat(modules).contains("incident-command", "incident-query", "incident-bench");
        assertThat(modules).allSatisfy(module -> assertThat(dockerfile)
                .as("Dockerfile copies %s/pom.xml", module)
                .containsPattern("(?m)^COPY " + Pattern.quote(module + "/pom.xml") + " " + Pattern.quote(module) + "/$"));
    }

    @Test
    void theDockerfileTakesItsBaseImagesAsBuildArgumentsDefaultingToTheOfficialOnes() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21",
                "ARG RUNTIME_IMAGE=eclipse-temurin:21-jre", "FROM ${BUILD_IMAGE} AS build", "FROM ${RUNTIME_IMAGE}",
                "HEALTHCHECK ", "USER app");
    }
}
