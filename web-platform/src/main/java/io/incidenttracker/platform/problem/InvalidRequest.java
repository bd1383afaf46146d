package io.incidenttracker.platform.problem;

import java.util.List;

/**
 * Input that passed binding but breaks a rule of the API (a path slug, a time in the future, a bad header, two
 * parameters that exclude each other); answered as a 400 problem listing the fields. Its message is the first
 * field and what is wrong with it.
 */
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
}
