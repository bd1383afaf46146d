package io.incidenttracker.platform.problem;

/** One entry of a validation problem's {@code errors} list: the field (or parameter, or header) and what is wrong. */
public record FieldProblem(String field, String message) {
}
