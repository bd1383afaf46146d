-- The incident life cycle and what responders record beside it. Every history row keeps the sequence of the event
-- it came from, so that an occurred-at-corrected event can correct the time shown in every view.
-- Rows projected before this migration have no sequences here: rebuild the projection after upgrading.

ALTER TABLE incident
    ADD COLUMN commander_id TEXT;
CREATE INDEX incident_status_idx ON incident (status);

ALTER TABLE attack_wave
    ADD COLUMN first_activity_at    TIMESTAMPTZ,
    ADD COLUMN first_activity_basis TEXT;

-- the event that set "since" (moves with since), and the reason of the latest isolation
ALTER TABLE incident_system
    ADD COLUMN since_sequence   BIGINT,
    ADD COLUMN isolation_reason TEXT;
CREATE INDEX incident_system_state_idx ON incident_system (state);

ALTER TABLE incident_service
    ADD COLUMN since_sequence BIGINT;

-- the timeline keeps the stated time and shows the corrected one beside it
ALTER TABLE timeline_entry
    ADD COLUMN corrected_occurred_at TIMESTAMPTZ,
    ADD COLUMN corrected_by_sequence BIGINT;

-- DETECTED, CONTAINED, RESOLVED, CLOSED as they happened; note = summary, reason or post-incident summary
CREATE TABLE status_change (
    incident_id   UUID        NOT NULL REFERENCES incident (incident_id),
    sequence      BIGINT      NOT NULL,
    status        VARCHAR(32) NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    note          TEXT,
    waiver_reason TEXT,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE severity_change (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    sequence    BIGINT      NOT NULL,
    severity    VARCHAR(16) NOT NULL,
    reason      TEXT,
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

-- commander_id is a principal id, never a name
CREATE TABLE commander_assignment (
    incident_id  UUID        NOT NULL REFERENCES incident (incident_id),
    sequence     BIGINT      NOT NULL,
    commander_id TEXT        NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE system_history (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    sequence    BIGINT      NOT NULL,
    system_id   VARCHAR(64) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    note        TEXT,
    PRIMARY KEY (incident_id, sequence, system_id)
);

CREATE TABLE service_history (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    sequence    BIGINT      NOT NULL,
    service_id  VARCHAR(64) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE forensic_analysis (
    incident_id        UUID        NOT NULL REFERENCES incident (incident_id),
    analysis_id        VARCHAR(64) NOT NULL,
    scope              TEXT,
    started_sequence   BIGINT      NOT NULL,
    started_at         TIMESTAMPTZ NOT NULL,
    conclusion         TEXT,
    concluded_sequence BIGINT,
    concluded_at       TIMESTAMPTZ,
    PRIMARY KEY (incident_id, analysis_id)
);

CREATE TABLE forensic_finding (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    sequence    BIGINT      NOT NULL,
    analysis_id VARCHAR(64) NOT NULL,
    techniques  TEXT[]      NOT NULL,
    indicators  TEXT[]      NOT NULL,
    text        TEXT,
    found_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE data_impact_assessment (
    incident_id      UUID        NOT NULL REFERENCES incident (incident_id),
    sequence         BIGINT      NOT NULL,
    revision         INTEGER     NOT NULL,
    personal_data    VARCHAR(16) NOT NULL,
    data_categories  TEXT[]      NOT NULL,
    estimated_people BIGINT,
    exfiltration     VARCHAR(16) NOT NULL,
    encryption       VARCHAR(16) NOT NULL,
    rationale        TEXT,
    assessed_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE authority_notification (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    sequence    BIGINT      NOT NULL,
    authority   TEXT        NOT NULL,
    regime      TEXT        NOT NULL,
    reference   TEXT,
    summary     TEXT,
    notified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

CREATE TABLE status_update (
    incident_id  UUID        NOT NULL REFERENCES incident (incident_id),
    sequence     BIGINT      NOT NULL,
    audience     VARCHAR(16) NOT NULL,
    text         TEXT        NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

-- no foreign key on linked_incident_id: the other incident may not be projected yet
CREATE TABLE incident_link (
    incident_id        UUID        NOT NULL REFERENCES incident (incident_id),
    sequence           BIGINT      NOT NULL,
    linked_incident_id UUID        NOT NULL,
    relation           VARCHAR(32) NOT NULL,
    reason             TEXT,
    linked_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);
CREATE INDEX incident_link_linked_idx ON incident_link (linked_incident_id);

CREATE TABLE occurred_at_correction (
    incident_id           UUID        NOT NULL REFERENCES incident (incident_id),
    sequence              BIGINT      NOT NULL,
    corrected_sequence    BIGINT      NOT NULL,
    corrected_type        VARCHAR(64) NOT NULL,
    original_occurred_at  TIMESTAMPTZ NOT NULL,
    corrected_occurred_at TIMESTAMPTZ NOT NULL,
    reason                TEXT,
    corrected_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);
