package io.incidenttracker.command.idempotency;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.UnitOfWork;
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
 * It works inside the command's own unit of work and database transaction: the key is claimed by inserting its
 * record before the handler runs, and the record commits together with the command's events, while the incident is
 * still locked. A concurrent repeat blocks on the record's primary key until the first commits, then answers the
 * first answer. If the command fails, everything rolls back and the key stays unused, so a retry runs it again.
 * Commands without a key pass through untouched.
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
        int claimed = jdbc.update("INSERT INTO idempotency_record (principal, idempotency_key, request_hash) "
                + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", principal, key, hash);
        if (claimed == 0) {
            return previous(principal, key, hash);
        }
        long version = (Long) chain.proceed();
        int status = ((Number) metaData.get(SUCCESS_STATUS)).intValue();
        UUID incidentId = UUID.fromString(String.valueOf(unitOfWork.getMessage().getMetaData().get("incidentId")));
        jdbc.update("UPDATE idempotency_record SET status = ?, incident_id = ?, version = ? "
                + "WHERE principal = ? AND idempotency_key = ?", status, incidentId, version, principal, key);
        return new Outcome(status, incidentId, version, false);
    }

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
        if (found.isEmpty()) {
            throw new IllegalStateException("Idempotency record vanished for key " + key);
        }
        return found.get(0);
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
