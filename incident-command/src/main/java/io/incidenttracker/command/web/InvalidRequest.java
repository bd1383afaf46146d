package io.incidenttracker.command.web;

import java.util.List;

/** Input that passed JSON binding but breaks a rule of the API (a path slug, a time in the future, a bad header). */
public class InvalidRequest extends RuntimeException {

    private final List<FieldProblem> errors;

    public InvalidRequest(String field, String message) {
        this(List.of(new FieldProblem(field, message)));
    }

    public InvalidRequest(List<FieldProblem> errors) {
        super(errors.isEmpty() ? "invalid request" : errors.get(0).field() + " " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    /** One entry of a problem's {@code errors} list. */
    public record FieldProblem(String field, String message) {
    }
}
