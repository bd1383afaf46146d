package io.incidenttracker.command.idempotency;

import io.incidenttracker.command.web.InvalidRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs a command at most once per (principal, Idempotency-Key).
 * <p>
 * The key is claimed by inserting its record in the same database transaction in which the command appends its
 * events; the command handling joins that transaction. A concurrent repeat blocks on the record's primary key until
 * the first commits, then reads its answer. If the command fails, the transaction rolls back and the key stays
 * unused, so a retry runs the command again.
 */
@Component
public class IdempotentExecutor {

    /** The answer to a command: what a repeat with the same key gets again. */
    public record Outcome(int status, UUID incidentId, long version, boolean replayed) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public IdempotentExecutor(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /**
     * @param key         the caller's Idempotency-Key, or null to run the command plainly
     * @param fingerprint what identifies "the same request": method, path, relevant headers and the bound body
     * @param command     runs the command and answers its outcome
     */
    public Outcome execute(String principal, String key, String fingerprint, Supplier<Outcome> command) {
        if (key == null) {
            return command.get();
        }
        if (key.isEmpty() || key.length() > 200) {
            throw new InvalidRequest("Idempotency-Key", "must have 1 to 200 characters");
        }
        String hash = sha256(fingerprint);
        return transaction.execute(status -> {
            int claimed = jdbc.update("INSERT INTO idempotency_record (principal, idempotency_key, request_hash) "
                    + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", principal, key, hash);
            if (claimed == 0) {
                return previous(principal, key, hash);
            }
            Outcome outcome = command.get();
            jdbc.update("UPDATE idempotency_record SET status = ?, incident_id = ?, version = ? "
                            + "WHERE principal = ? AND idempotency_key = ?",
                    outcome.status(), outcome.incidentId(), outcome.version(), principal, key);
            return outcome;
        });
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
