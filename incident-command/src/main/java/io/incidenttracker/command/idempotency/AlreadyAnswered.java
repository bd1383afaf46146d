package io.incidenttracker.command.idempotency;

import io.incidenttracker.command.idempotency.IdempotencyInterceptor.Outcome;

/**
 * A repeat of a command whose Idempotency-Key is already bound to an answer: thrown so that the repeat's unit of work
 * rolls back (nothing it did is recorded); the HTTP layer answers the first answer it carries.
 */
public class AlreadyAnswered extends RuntimeException {

    private final transient Outcome outcome;

    public AlreadyAnswered(Outcome outcome) {
        super("Already answered", null, false, false);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }
}
