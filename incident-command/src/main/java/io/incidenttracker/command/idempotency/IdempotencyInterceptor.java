package io.incidenttracker.command.idempotency;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Runs a command at most once per (principal, Idempotency-Key).
 * <p>
 * It works inside the command's own unit of work and database transaction, with one statement: after the handler
 * has decided, the record of the key and its answer is inserted ({@code ON CONFLICT DO NOTHING}), and it commits
 * together with the command's events. Nothing is written before the handler has loaded the incident, so the
 * transaction's first write (which gives it its PostgreSQL transaction id) comes after the incident's earlier events
 * have committed.
 * <p>
 * A repeat runs the handler on the incident's current state, finds the key taken and rolls everything back, then
 * answers the first answer ({@link AlreadyAnswered}); a repeat whose handler refuses (the first command changed the
 * state it checks) is answered the first answer likewise. A concurrent repeat's insert waits on the record's primary
 * key until the first commits, then finds it taken. A key used for another request is a 422. If the first command
 * fails, everything rolls back and the key stays unused, so a retry runs it again. Commands without a key pass
 * through untouched.
 */
@Component
public class IdempotencyInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

    /** Metadata of a command sent with an Idempotency-Key; set by the HTTP layer, never by callers. */
    public static final String KEY = "idempotencyKey";
    public static final String FINGERPRINT = "idempotencyFingerprint";
    public static final String SUCCESS_STATUS = "idempotencySuccessStatus";

    /** The answer to a command: what a repeat with the same key gets again. */
    public record Outcome(int status, UUID incidentId, long version, boolean replayed) {
    }

    private final JdbcTemplate jdbc;

    /** Axon registers this bean on the command bus as a handler interceptor. */
    public IdempotencyInterceptor(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        MetaData metaData = unitOfWork.getMessage().getMetaData();
        String key = (String) metaData.get(KEY);
        if (key == null) {
            return chain.proceed();
        }
        String principal = String.valueOf(metaData.get("actor"));
        String hash = sha256(String.valueOf(metaData.get(FINGERPRINT)));
        long version;
        try {
            version = (Long) chain.proceed();
        } catch (Exception refused) {
            // the first command may have changed what this repeat's handler checks: a repeat gets the first answer
            Outcome previous;
            try {
                previous = previous(principal, key, hash);
            } catch (DataAccessException unreadable) {
                refused.addSuppressed(unreadable);
                throw refused;
            }
            if (previous != null) {
                throw new AlreadyAnswered(previous);
            }
            throw refused;
        }
        int status = ((Number) metaData.get(SUCCESS_STATUS)).intValue();
        UUID incidentId = UUID.fromString(String.valueOf(metaData.get("incidentId")));
        int claimed = jdbc.update("INSERT INTO idempotency_record (principal, idempotency_key, request_hash, status, "
                + "incident_id, version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                principal, key, hash, status, incidentId, version);
        if (claimed == 0) {
            Outcome previous = previous(principal, key, hash);
            if (previous == null) {
                throw new IllegalStateException("Idempotency record vanished for key " + key);
            }
            throw new AlreadyAnswered(previous);
        }
        return new Outcome(status, incidentId, version, false);
    }

    /** The committed answer to this key, null if there is none; a 422 if the key was used for another request. */
    private Outcome previous(String principal, String key, String hash) {
        List<Outcome> found = jdbc.query("SELECT request_hash, status, incident_id, version FROM idempotency_record "
                        + "WHERE principal = ? AND idempotency_key = ?",
                (rs, row) -> {
                    if (!hash.equals(rs.getString("request_hash"))) {
                        throw new IdempotencyKeyReused(key);
                    }
                    return new Outcome(rs.getInt("status"), rs.getObject("incident_id", UUID.class),
                            rs.getLong("version"), true);
                }, principal, key);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
