-- The global index is drawn when a transaction commits, not when it inserts.
--
-- Readers (the Kafka publisher, a tracking processor) follow the event table by its global index, so an index must
-- never become visible after a higher one: a reader that has passed 11 treats a late 10 as a gap and may skip it for
-- good (AxonFramework#4829). Until now every appending transaction took a global advisory lock before its INSERT and
-- held it through its COMMIT, so appends ran one at a time across several round trips each.
--
-- Now an event is inserted with a provisional, negative index (invisible to everyone else until commit anyway). A
-- deferred constraint trigger runs inside COMMIT: it takes the same advisory lock, draws the real indexes in insertion
-- order and writes them over the provisional ones. The lock is held only from that moment to the end of the commit,
-- one step inside PostgreSQL with no round trip to the application, and is released only after the commit is
-- visible. So indexes are still drawn and committed in one order, and two more things hold:
--   * a rolled-back transaction (a refused duplicate, a conflict) never draws a real index: no gaps from failures;
--   * concurrent commands prepare, insert and validate in parallel; only the commit itself is serialized.
-- The lock key is the one the application-side lock used (0x1AC1DE47), so instances of the previous version still
-- running during an upgrade exclude, and are excluded by, the new commits.

CREATE SEQUENCE domain_event_entry_provisional_seq;

ALTER TABLE domain_event_entry
    ALTER COLUMN global_index SET DEFAULT -nextval('domain_event_entry_provisional_seq');

-- The one change an event ever undergoes: its provisional index replaced by its real one, inside its own commit,
-- row by row in insertion order (deferred triggers fire in the order their rows were inserted). Each row is found by
-- its exact provisional index: a range scan over the provisional values would wade through the index entries that
-- every earlier commit left behind there.
CREATE FUNCTION assign_global_index() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.global_index >= 0 THEN
        RAISE EXCEPTION 'the global index of an event is drawn at commit; an insert must leave it to its default'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(448912967);
    UPDATE domain_event_entry
    SET global_index = nextval('domain_event_entry_global_index_seq')
    WHERE global_index = NEW.global_index;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER domain_event_entry_global_index_at_commit
    AFTER INSERT ON domain_event_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION assign_global_index();

-- Guarantee 1 still holds: events are never updated or deleted, whoever asks. The only update let through is the
-- commit-time assignment above (it runs as a nested trigger, on a provisional row of its own transaction, and changes
-- nothing but the index); rows of other transactions are invisible until committed, and then their index is final.
CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    renumbered domain_event_entry;
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'domain_event_entry' AND pg_trigger_depth() > 1
        AND OLD.global_index < 0 AND NEW.global_index > 0 THEN
        renumbered := NEW;
        renumbered.global_index := OLD.global_index;
        IF renumbered IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'events are immutable: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
