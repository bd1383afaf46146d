-- The change log behind GET /api/stream: one row per view change (an incident's view, a service board row, an
-- obligation's clock), written in the status projection's own transaction, so that a change is logged exactly when
-- the views show it. Its id is the stream's event id (docs/decisions/0022-stream-ids-in-commit-order.md): taken from
-- view_change_position.last_id in the writing transaction, just before it commits, under that row's lock. The lock
-- serialises writers from the moment they take ids to their commit, so ids become visible in increasing order and a
-- rolled-back transaction gives its ids back: the log has no gap a reader could pass over.
CREATE TABLE view_change (
    id          BIGINT      PRIMARY KEY,
    kind        VARCHAR(16) NOT NULL,
    -- the incident whose event made the change (also for a service's board row), for ?incidentId=
    incident_id UUID        NOT NULL,
    payload     TEXT        NOT NULL,
    logged_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX view_change_logged_at_idx ON view_change (logged_at);

-- One row: the last id handed out, and the retention horizon (every id up to retained_after is pruned; a client
-- resuming from below it is told to reset).
CREATE TABLE view_change_position (
    singleton      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    last_id        BIGINT  NOT NULL,
    retained_after BIGINT  NOT NULL
);
INSERT INTO view_change_position (singleton, last_id, retained_after) VALUES (TRUE, 0, 0);

GRANT SELECT, INSERT, DELETE ON view_change TO "${serviceRole}";
GRANT SELECT, UPDATE ON view_change_position TO "${serviceRole}";
