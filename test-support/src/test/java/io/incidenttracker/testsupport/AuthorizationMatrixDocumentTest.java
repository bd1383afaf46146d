package io.incidenttracker.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the matrix is read from, what a missing one says, and the rows of the project's own tables. */
class AuthorizationMatrixDocumentTest {

    @Test
    void findsTheDocumentAtTheProjectRootFromAModuleDirectory(@TempDir Path project) throws IOException {
        Path document = project.resolve("docs/security.md");
        Files.createDirectories(document.getParent());
        Files.writeString(document, "# Security\n");
        Path module = Files.createDirectories(project.resolve("incident-query/target"));

        assertThat(AuthorizationMatrix.document(module)).isEqualTo(document);
    }

    @Test
    void aMissingDocumentIsNamedInTheError(@TempDir Path elsewhere) {
        assertThatThrownBy(() -> AuthorizationMatrix.document(elsewhere))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("docs/security.md")
                .hasMessageContaining(elsewhere.toString());
    }

    @Test
    void readsBothServicesTablesOfThisProject() {
        assertThat(AuthorizationMatrix.read("incident-command").rows())
                .containsEntry("POST /api/admin/events/republish",
                        Map.of("anonymous", "401", "viewer", "403", "responder", "403", "auditor", "403",
                                "admin", "ok"));
        assertThat(AuthorizationMatrix.read("incident-query").rows()).containsKey("GET /api/audit/export");
    }

    @Test
    void aServiceWithoutATableIsRefusedByName() {
        assertThatThrownBy(() -> AuthorizationMatrix.read("incident-nothing"))
                .hasMessageContaining("no authorization matrix for incident-nothing");
    }
}
