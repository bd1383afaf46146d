package io.incidenttracker.query.web;

/** A request parameter that is well-formed but not acceptable (or not with another); answered as a 400 problem. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
