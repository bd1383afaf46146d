package io.incidenttracker.query.webhook;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The subscriptions, their secrets encrypted at rest. */
@Component
public class WebhookSubscriptions {

    private static final String COLUMNS = "subscription_id, url, event_types, description, secret_encrypted, "
            + "previous_secret_encrypted, previous_secret_until, created_at, created_by";

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;

    public WebhookSubscriptions(JdbcTemplate jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** A subscription as stored; its secrets stay encrypted until {@link #signingSecrets} is asked. */
    public record Subscription(UUID id, String url, List<String> eventTypes, String description,
                               byte[] secretEncrypted, byte[] previousSecretEncrypted, Instant previousSecretUntil,
                               Instant createdAt, String createdBy) {
    }

    /** Stores a new subscription with its secret, encrypted. */
    @Transactional
    public Subscription create(String url, List<String> eventTypes, String description, String secret,
                               String createdBy, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("INSERT INTO webhook_subscription (" + COLUMNS + ") "
                    + "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)");
            statement.setObject(1, id);
            statement.setString(2, url);
            statement.setArray(3, connection.createArrayOf("text", eventTypes.toArray()));
            statement.setString(4, description);
            statement.setBytes(5, cipher.encrypt(secret, id.toString()));
            statement.setTimestamp(6, Timestamp.from(now));
            statement.setString(7, createdBy);
            return statement;
        });
        return find(id).orElseThrow();
    }

    public Optional<Subscription> find(UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_subscription WHERE subscription_id = ?", ROWS, id)
                .stream().findFirst();
    }

    public List<Subscription> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_subscription ORDER BY created_at, subscription_id",
                          ROWS);
    }

    /** Deletes a subscription and its delivery log; false when there was none. */
    @Transactional
    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM webhook_subscription WHERE subscription_id = ?", id) == 1;
    }

    /**
     * Replaces the secret; the current one keeps signing next to it until {@code overlapUntil}. A rotation during
     * an overlap drops the oldest secret.
     */
    @Transactional
    public Optional<Subscription> rotate(UUID id, String newSecret, Instant overlapUntil) {
        Optional<Subscription> current = find(id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        jdbc.update("""
                UPDATE webhook_subscription
                   SET previous_secret_encrypted = secret_encrypted, previous_secret_until = ?, secret_encrypted = ?
                 WHERE subscription_id = ?""",
                    Timestamp.from(overlapUntil), cipher.encrypt(newSecret, id.toString()), id);
        return find(id);
    }

    /** The secrets that sign a delivery now: the current one, and the previous one while the rotation overlaps. */
    public List<String> signingSecrets(Subscription subscription, Instant now) {
        List<String> secrets = new ArrayList<>();
        secrets.add(cipher.decrypt(subscription.secretEncrypted(), subscription.id().toString()));
        if (subscription.previousSecretEncrypted() != null && subscription.previousSecretUntil() != null
                && now.isBefore(subscription.previousSecretUntil())) {
            secrets.add(cipher.decrypt(subscription.previousSecretEncrypted(), subscription.id().toString()));
        }
        return secrets;
    }

    private static final RowMapper<Subscription> ROWS = (rs, row) -> new Subscription(
            rs.getObject("subscription_id", UUID.class),
            rs.getString("url"),
            texts(rs.getArray("event_types")),
            rs.getString("description"),
            rs.getBytes("secret_encrypted"),
            rs.getBytes("previous_secret_encrypted"),
            instant(rs, "previous_secret_until"),
            instant(rs, "created_at"),
            rs.getString("created_by"));

    static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
