package io.incidenttracker.query.web;

/** Something the client asked for does not exist; answered as a 404 problem. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String detail) {
        super(detail);
    }
}
