SET client_min_messages = warning;
-- Three event tables for the append comparison (run.sh): one 300-byte event row per transaction, a unique
-- (aggregate, sequence) index as in the event store, and nothing else but what each design adds.

DROP TABLE IF EXISTS events_plain, events_xid8, events_commit_lock;
DROP SEQUENCE IF EXISTS events_commit_lock_provisional_seq;
DROP FUNCTION IF EXISTS events_commit_lock_assign();

-- plain insert: the index drawn at insert, nothing to order commits by
CREATE TABLE events_plain (
    global_index         BIGSERIAL PRIMARY KEY,
    aggregate_identifier TEXT   NOT NULL,
    sequence_number      BIGINT NOT NULL,
    payload              BYTEA  NOT NULL,
    UNIQUE (aggregate_identifier, sequence_number)
);

-- the current design (V5): the transaction id beside the index, an index on (transaction id, global index)
CREATE TABLE events_xid8 (
    global_index         BIGSERIAL PRIMARY KEY,
    aggregate_identifier TEXT   NOT NULL,
    sequence_number      BIGINT NOT NULL,
    payload              BYTEA  NOT NULL,
    transaction_id       xid8   NOT NULL DEFAULT pg_current_xact_id(),
    UNIQUE (aggregate_identifier, sequence_number)
);
CREATE INDEX events_xid8_position ON events_xid8 (transaction_id, global_index);

-- the former design (V4): a provisional index at insert; at commit a deferred trigger takes one advisory lock and
-- draws the real index
CREATE SEQUENCE events_commit_lock_provisional_seq;
CREATE TABLE events_commit_lock (
    global_index         BIGSERIAL PRIMARY KEY,
    aggregate_identifier TEXT   NOT NULL,
    sequence_number      BIGINT NOT NULL,
    payload              BYTEA  NOT NULL,
    UNIQUE (aggregate_identifier, sequence_number)
);
ALTER TABLE events_commit_lock ALTER COLUMN global_index SET DEFAULT -nextval('events_commit_lock_provisional_seq');
CREATE FUNCTION events_commit_lock_assign() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_advisory_xact_lock(448912967);
    UPDATE events_commit_lock SET global_index = nextval('events_commit_lock_global_index_seq')
    WHERE global_index = NEW.global_index;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER events_commit_lock_at_commit
    AFTER INSERT ON events_commit_lock
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION events_commit_lock_assign();
