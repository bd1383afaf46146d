-- Regulatory clocks: the incident's classification as it was revised, and every reporting obligation with how far
-- its clock has run. Time left and overdue are computed when a view is asked for, never stored.

CREATE TABLE incident_classification (
    incident_id     UUID        NOT NULL REFERENCES incident (incident_id),
    sequence        BIGINT      NOT NULL,
    classifications TEXT[]      NOT NULL,
    basis           TEXT,
    classified_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE obligation (
    incident_id           UUID        NOT NULL REFERENCES incident (incident_id),
    regime                VARCHAR(64) NOT NULL,
    clock                 VARCHAR(64) NOT NULL,
    regime_name           TEXT        NOT NULL,
    clock_name            TEXT        NOT NULL,
    recipient             TEXT        NOT NULL,
    trigger_fact          VARCHAR(64) NOT NULL,
    opened_sequence       BIGINT      NOT NULL,
    started_at            TIMESTAMPTZ NOT NULL,
    warn_at               TIMESTAMPTZ NOT NULL,
    due_at                TIMESTAMPTZ NOT NULL,
    report_fields         TEXT[]      NOT NULL,
    warned_at             TIMESTAMPTZ,
    missed_at             TIMESTAMPTZ,
    fulfilled_at          TIMESTAMPTZ,
    fulfilled_late        BOOLEAN,
    notification_sequence BIGINT,
    PRIMARY KEY (incident_id, regime, clock)
);
CREATE INDEX obligation_due_at_idx ON obligation (due_at);
