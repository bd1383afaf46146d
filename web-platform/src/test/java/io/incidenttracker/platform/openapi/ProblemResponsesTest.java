package io.incidenttracker.platform.openapi;

import io.incidenttracker.platform.problem.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The published problem schema and the members that problems carry. */
class ProblemResponsesTest {

    /** RFC 9457's own members. */
    private static final List<String> STANDARD = List.of("type", "title", "status", "detail", "instance");

    @Test
    void theProblemSchemaPublishesEveryMemberAProblemCarriesAndNoOther() {
        OpenAPI api = new OpenAPI().components(new Components());
        new ProblemResponses().customise(api);

        Schema<?> problem = api.getComponents().getSchemas().get(ProblemResponses.SCHEMA);
        List<String> expected = new ArrayList<>(STANDARD);
        expected.addAll(Problems.MEMBERS);
        assertThat(problem.getProperties().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(problem.getRequired()).containsExactlyInAnyOrder("type", "title", "status");
        Problems.MEMBERS.forEach(member -> assertThat(problem.getProperties().get(member).getDescription())
                .as("the schema says when %s is there", member).isNotBlank());
    }
}
