package io.incidenttracker.platform.problem;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem types clients match on, and the shape of a validation problem. */
class ProblemsTest {

    @Test
    void everyTypeIsAUrnOfTheProduct() {
        assertThat(Problems.INVALID_INPUT).hasToString("urn:problem:incident-tracker:invalid-input");
        assertThat(Problems.RULE_VIOLATION).hasToString("urn:problem:incident-tracker:incident-rule-violation");
        assertThat(Problems.REBUILD_IN_PROGRESS).hasToString("urn:problem:incident-tracker:rebuild-in-progress");
        assertThat(Problems.APPLIED_ELSEWHERE)
                .hasToString("urn:problem:incident-tracker:projection-applied-elsewhere");
    }

    @Test
    void everyProblemTypeIsListedInThePublishedErrors() throws Exception {
        String errors = apiDocument();
        List<String> types = new ArrayList<>();
        for (Field field : Problems.class.getFields()) {
            if (field.getType() == URI.class && Modifier.isStatic(field.getModifiers())) {
                types.add(field.get(null).toString());
            }
        }
        assertThat(types).hasSizeGreaterThan(15).allSatisfy(type -> {
            assertThat(type).startsWith("urn:problem:incident-tracker:");
            assertThat(errors).as("docs/api.md names %s", type)
                    .contains("`" + type.substring("urn:problem:incident-tracker:".length()) + "`");
        });
    }

    @Test
    void everyMemberAProblemCarriesIsNamedInThePublishedErrors() throws Exception {
        String api = apiDocument();
        int start = api.indexOf("\n## Errors\n");
        assertThat(start).as("docs/api.md has a section Errors").isNotNegative();
        int end = api.indexOf("\n## ", start + 1);
        String errors = api.substring(start, end < 0 ? api.length() : end);
        assertThat(Problems.MEMBERS).isNotEmpty().allSatisfy(member -> assertThat(errors)
                .as("docs/api.md's errors name %s", member).contains("`" + member));
    }

    /** docs/api.md, the published API document. */
    private static String apiDocument() throws Exception {
        // the module's tests run in its own directory, beside the project's docs
        return Files.readString(Path.of("..", "docs", "api.md"));
    }

    @Test
    void aStatusWithoutASpecificProblemGetsTheTypeOfItsKind() {
        assertThat(Problems.typeFor(HttpStatus.BAD_REQUEST)).isEqualTo(Problems.INVALID_INPUT);
        assertThat(Problems.typeFor(HttpStatus.UNAUTHORIZED)).isEqualTo(Problems.UNAUTHENTICATED);
        assertThat(Problems.typeFor(HttpStatus.FORBIDDEN)).isEqualTo(Problems.FORBIDDEN);
        assertThat(Problems.typeFor(HttpStatus.NOT_FOUND)).isEqualTo(Problems.NOT_FOUND);
        assertThat(Problems.typeFor(HttpStatus.BAD_GATEWAY)).isEqualTo(Problems.INTERNAL);
        assertThat(Problems.typeFor(HttpStatus.METHOD_NOT_ALLOWED))
                .hasToString("urn:problem:incident-tracker:http-405");
    }

    @Test
    void anInvalidRequestListsEachFieldAndNamesTheFirstInItsMessage() {
        InvalidRequest invalid = new InvalidRequest(List.of(new FieldProblem("If-Match", "must be quoted"),
                new FieldProblem("occurredAt", "must not lie in the future")));
        assertThat(invalid).hasMessage("If-Match must be quoted");

        ProblemDetail problem = Problems.invalid(invalid.getMessage(), invalid.errors());
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getType()).isEqualTo(Problems.INVALID_INPUT);
        assertThat(problem.getProperties()).containsEntry("errors", invalid.errors());
    }

    @Test
    void withoutATitleAProblemIsTitledWithTheReasonPhrase() {
        assertThat(Problems.of(HttpStatus.CONFLICT, Problems.NO_CHECKPOINT, "none yet").getTitle())
                .isEqualTo("Conflict");
    }
}
