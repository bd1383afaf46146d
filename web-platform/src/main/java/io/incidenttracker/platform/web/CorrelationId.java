package io.incidenttracker.platform.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The correlation id that ties a request to what it caused (the events a command records, the log lines of a
 * failure): the caller's {@code X-Correlation-Id} when it is well-formed, otherwise a new one.
 */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    private static final int MAX_LENGTH = 64;

    private CorrelationId() {
    }

    /** The caller's correlation id if it is well-formed, otherwise a new one. */
    public static String of(String header) {
        return wellFormed(header) ? header : newId();
    }

    /** 1 to 64 characters, each a letter or digit of ASCII, or one of {@code . _ : -}. */
    static boolean wellFormed(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an identifier, not a secret, so it needs to be
     * unique, not unpredictable; {@link UUID#randomUUID()} would make every request of every thread take the one
     * lock of the system's secure generator.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(most, least).toString();
    }
}
