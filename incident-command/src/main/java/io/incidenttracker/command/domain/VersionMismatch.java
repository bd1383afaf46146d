package io.incidenttracker.command.domain;

/** The caller's {@code If-Match} version is not the incident's current version; nothing was appended. 412. */
public class VersionMismatch extends RuntimeException {

    private final long expected;
    private final long actual;

    public VersionMismatch(long expected, long actual) {
        super("The incident is at version " + actual + ", not " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
