-- Every incident event as received, so that an incident and the service board can be shown as they were recorded at
-- any past instant (folded by the projection's own code, see IncidentReplay). Filled by a processor of its own from
-- the start of the topic; kept when the status projections are rebuilt. Idempotent by (incident, sequence).
-- payload is the event's JSON at the current revision of its type (event_type carries the revision).
-- position: the order received (one writer), which a background rebuild of the projections follows.
CREATE TABLE incident_event (
    position       BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
    incident_id    UUID        NOT NULL,
    sequence       BIGINT      NOT NULL,
    event_id       TEXT        NOT NULL,
    event_type     TEXT        NOT NULL,
    payload        JSONB       NOT NULL,
    actor          TEXT,
    correlation_id TEXT,
    occurred_at    TIMESTAMPTZ NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);
CREATE INDEX incident_event_recorded_idx ON incident_event (recorded_at);
