package io.incidenttracker.command.idempotency;

/** The same Idempotency-Key came back with another request: refused with 422, nothing recorded. */
public class IdempotencyKeyReused extends RuntimeException {

    public IdempotencyKeyReused(String key) {
        super("The Idempotency-Key '" + key + "' was already used for a different request");
    }
}
