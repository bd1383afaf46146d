-- An event's position is (transaction id, global index); indexes are drawn at insert again, commits run in parallel.
--
-- V4 drew the global index inside COMMIT under one advisory lock, so that a reader following the table by index
-- never saw an index before a lower one was committed. That serialized every commit of the service. Now each event
-- records the id of the transaction that wrote it (pg_current_xact_id(), a 64-bit xid8 that never wraps), and a
-- reader reads only events of transactions older than the oldest transaction still running on the server
-- (pg_snapshot_xmin(pg_current_snapshot())), in (transaction id, global index) order. Every transaction below that
-- horizon has ended, so nothing can still commit behind a position the reader has passed: no event is ever skipped,
-- whatever order the transactions committed in.
--
-- Existing events keep their global index and get transaction id 0, below every real transaction id (normal ids
-- start at 3), so they keep their order and come before every new event.

DROP TRIGGER domain_event_entry_global_index_at_commit ON domain_event_entry;
DROP FUNCTION assign_global_index();
ALTER TABLE domain_event_entry ALTER COLUMN global_index SET DEFAULT nextval('domain_event_entry_global_index_seq');
DROP SEQUENCE domain_event_entry_provisional_seq;

-- Guarantee 1 as V1 stated it: events are never updated or deleted, whoever asks; V4's one exception is gone.
CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'events are immutable: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- A constant default fills the existing rows without rewriting the table or firing a trigger; the new default then
-- applies to every event inserted from now on.
ALTER TABLE domain_event_entry ADD COLUMN transaction_id xid8 NOT NULL DEFAULT '0';
ALTER TABLE domain_event_entry ALTER COLUMN transaction_id SET DEFAULT pg_current_xact_id();
CREATE INDEX domain_event_entry_position_idx ON domain_event_entry (transaction_id, global_index);

-- The position of each publisher: the last event the broker acknowledged, moved only after the acknowledgement.
CREATE TABLE publication_position (
    publisher      VARCHAR(100) NOT NULL,
    transaction_id xid8         NOT NULL,
    global_index   BIGINT       NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT publication_position_pk PRIMARY KEY (publisher)
);

-- The Kafka publisher continues where the tracking processor that published until now stopped: below the lowest
-- gap of its token (a gap's event may have committed since), else at its index. Without a readable token it
-- starts from the beginning: delivery is at least once, and consumers ignore what they have applied.
DO
$$
DECLARE
    token         jsonb;
    last_index    BIGINT := 0;
    lowest_gap    BIGINT;
BEGIN
    SELECT convert_from(t.token, 'UTF8')::jsonb INTO token
    FROM token_entry t
    WHERE t.processor_name = '__axon-kafka-event-publishing-group' AND t.token IS NOT NULL
    ORDER BY t.segment
    LIMIT 1;
    IF token IS NOT NULL AND token ? 'index' THEN
        last_index := (token ->> 'index')::BIGINT;
        SELECT min(gap::BIGINT) INTO lowest_gap FROM jsonb_array_elements_text(coalesce(token -> 'gaps', '[]')) gap;
        IF lowest_gap IS NOT NULL THEN
            last_index := least(last_index, lowest_gap - 1);
        END IF;
    END IF;
    INSERT INTO publication_position (publisher, transaction_id, global_index)
    VALUES ('kafka', '0', greatest(last_index, 0));
EXCEPTION
    WHEN invalid_text_representation OR data_exception THEN
        RAISE WARNING 'the former publisher''s token is unreadable (%); publication starts from the first event', SQLERRM;
        INSERT INTO publication_position (publisher, transaction_id, global_index) VALUES ('kafka', '0', 0);
END;
$$;
