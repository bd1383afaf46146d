package io.incidenttracker.events;

import java.util.regex.Pattern;

/** Rules for identifiers that callers choose. */
public final class Identifiers {

    /** {@code systemId} and {@code serviceId}: lower-case slugs such as {@code app-booking} or {@code telephony}. */
    public static final String SLUG_REGEX = "^[a-z0-9][a-z0-9._-]{0,63}$";

    /** MITRE ATT&amp;CK technique ids such as {@code T1486} or sub-techniques such as {@code T1566.001}. */
    public static final String TECHNIQUE_REGEX = "^T[0-9]{4}(\\.[0-9]{3})?$";

    /**
     * Principal ids, for example an incident commander: a login name or a directory id such as {@code ciso-duty} or
     * {@code u:4711}. No {@code @} and no spaces, so that neither an e-mail address nor a person's name fits:
     * events carry no personal data.
     */
    public static final String PRINCIPAL_REGEX = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

    private static final Pattern SLUG = Pattern.compile(SLUG_REGEX);
    private static final Pattern PRINCIPAL = Pattern.compile(PRINCIPAL_REGEX);
    private static final Pattern TECHNIQUE = Pattern.compile(TECHNIQUE_REGEX);

    private Identifiers() {
    }

    public static boolean isSlug(String value) {
        return value != null && SLUG.matcher(value).matches();
    }

    public static boolean isPrincipal(String value) {
        return value != null && PRINCIPAL.matcher(value).matches();
    }

    public static boolean isTechnique(String value) {
        return value != null && TECHNIQUE.matcher(value).matches();
    }
}
