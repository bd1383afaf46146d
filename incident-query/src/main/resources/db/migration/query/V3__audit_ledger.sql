-- The audit ledger (guarantee 4): every incident event once, in one total order, append-only.
-- An entry's leaf bytes are the RFC 8785 canonical JSON of
--   {index, eventId, incidentId, sequence, type, occurredAt, recordedAt, actor, correlationId, payload}
-- built from these columns (index = ledger_index, payload = the event's JSON exactly as published);
-- leaf_hash = SHA-256(0x00 || leaf bytes), kept so that the tree is rebuilt without re-hashing.
CREATE TABLE audit_entry (
    ledger_index   BIGINT      NOT NULL,
    event_id       TEXT        NOT NULL,
    incident_id    UUID        NOT NULL,
    sequence       BIGINT      NOT NULL,
    event_type     TEXT        NOT NULL,
    occurred_at    TEXT        NOT NULL,
    recorded_at    TEXT        NOT NULL,
    actor          TEXT        NOT NULL,
    correlation_id TEXT,
    payload        TEXT        NOT NULL,
    leaf_hash      BYTEA       NOT NULL,
    appended_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT audit_entry_pk PRIMARY KEY (ledger_index),
    CONSTRAINT audit_entry_event_id_uk UNIQUE (event_id),
    CONSTRAINT audit_entry_index_check CHECK (ledger_index >= 0),
    CONSTRAINT audit_entry_leaf_hash_check CHECK (octet_length(leaf_hash) = 32)
);
CREATE INDEX audit_entry_incident_idx ON audit_entry (incident_id, ledger_index);

-- Signed tree heads. checkpoint is the exact signed text (C2SP tlog-checkpoint: origin, size, base64 root);
-- signature is Ed25519 over it; public_key the raw 32-byte key. Also published to Kafka and to a file.
CREATE TABLE audit_checkpoint (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    tree_size   BIGINT      NOT NULL,
    root_hash   BYTEA       NOT NULL,
    signed_at   TIMESTAMPTZ NOT NULL,
    checkpoint  TEXT        NOT NULL,
    signature   BYTEA       NOT NULL,
    public_key  BYTEA       NOT NULL,
    CONSTRAINT audit_checkpoint_pk PRIMARY KEY (id),
    CONSTRAINT audit_checkpoint_size_check CHECK (tree_size >= 0)
);
CREATE INDEX audit_checkpoint_size_idx ON audit_checkpoint (tree_size);

-- Nobody changes the ledger, whoever asks: not the service, not the schema owner.
CREATE FUNCTION refuse_audit_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the audit ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_checkpoint_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_checkpoint_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- The role the service connects with in production (its login user is a member of it). Migrations run as the
-- schema owner; the service role may read and write the projections but only INSERT and SELECT the ledger.
-- Roles are cluster-wide: created once, tolerated if present (also when two databases migrate at once).
DO
$$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${serviceRole}') THEN
        CREATE ROLE "${serviceRole}" NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END;
$$;

GRANT USAGE ON SCHEMA public TO "${serviceRole}";
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO "${serviceRole}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "${serviceRole}";
-- tables and sequences of later migrations, created by the same owner, are granted alike
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO "${serviceRole}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO "${serviceRole}";
REVOKE ALL ON audit_entry, audit_checkpoint FROM "${serviceRole}";
GRANT SELECT, INSERT ON audit_entry, audit_checkpoint TO "${serviceRole}";
REVOKE ALL ON audit_entry, audit_checkpoint FROM PUBLIC;
