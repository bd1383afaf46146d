package io.incidenttracker.platform.security;

/**
 * The roles a caller may hold, the same in both services: a local demo user has one, a JWT names its own in the
 * configured roles claim. Each service's access rules say what each role may call.
 */
public final class Roles {

    public static final String RESPONDER = "RESPONDER";
    public static final String VIEWER = "VIEWER";
    public static final String AUDITOR = "AUDITOR";
    public static final String ADMIN = "ADMIN";

    private Roles() {
    }
}
