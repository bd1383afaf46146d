package io.incidenttracker.query.audit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** The checkpoint table: insert and read, never change. */
public class CheckpointStore {

    private static final String COLUMNS = "tree_size, root_hash, signed_at, checkpoint, signature, public_key";
    private static final RowMapper<SignedCheckpoint> ROW = (rs, i) -> new SignedCheckpoint(
            rs.getLong(1), rs.getBytes(2), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4),
            rs.getBytes(5), rs.getBytes(6));

    private final JdbcTemplate jdbc;

    public CheckpointStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(SignedCheckpoint checkpoint) {
        jdbc.update("INSERT INTO audit_checkpoint (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    checkpoint.treeSize(), checkpoint.rootHash(), checkpoint.signedAt().atOffset(ZoneOffset.UTC),
                    checkpoint.checkpoint(), checkpoint.signature(), checkpoint.publicKey());
    }

    /** The latest checkpoint: the one signed last. */
    public Optional<SignedCheckpoint> latest() {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_checkpoint ORDER BY id DESC LIMIT 1", ROW)
                .stream().findFirst();
    }

    /** Every checkpoint, smallest tree first. */
    public List<SignedCheckpoint> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_checkpoint ORDER BY tree_size, id", ROW);
    }

    /** Checkpoints signed after the one with this tree size, oldest first. */
    public List<SignedCheckpoint> largerThan(long treeSize) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_checkpoint WHERE tree_size > ? ORDER BY id", ROW,
                          treeSize);
    }

    /** Serializes signing across instances for the rest of the transaction. */
    public void lockForSigning() {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext('audit_checkpoint_signing'))", Object.class);
    }
}
