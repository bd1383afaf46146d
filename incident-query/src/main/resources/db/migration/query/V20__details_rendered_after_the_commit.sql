-- An incident's stored detail is rendered right after the transaction of the events that changed it, no longer
-- inside it. The transaction marks the detail pending instead: its row stays, with no version, ETag or body, so that
-- a read sees that the stored answer is not current (and renders it from the tables) and so that the rendering and
-- the next transaction that changes the incident meet on that row's lock. A row is either rendered (all three set)
-- or pending (none set).
ALTER TABLE incident_document
    ALTER COLUMN version DROP NOT NULL,
    ALTER COLUMN etag DROP NOT NULL,
    ALTER COLUMN body DROP NOT NULL,
    ADD CONSTRAINT incident_document_rendered_or_pending
        CHECK ((version IS NULL) = (body IS NULL) AND (etag IS NULL) = (body IS NULL));

-- The pending rows, for the renderer's passes and samples (a few at a time, out of every incident's).
CREATE INDEX incident_document_pending ON incident_document (incident_id) WHERE body IS NULL;

-- Every incident has a row from now on: one without a stored detail (dropped by a catch-up, or never stored) is
-- pending, and the first pass after the start renders it.
INSERT INTO incident_document (incident_id)
SELECT i.incident_id FROM incident i
WHERE NOT EXISTS (SELECT 1 FROM incident_document d WHERE d.incident_id = i.incident_id);
