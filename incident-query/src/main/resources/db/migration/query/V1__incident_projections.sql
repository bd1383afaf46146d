-- Axon tracking tokens: the Kafka positions of each processor, committed with the projection rows.
CREATE TABLE token_entry (
    processor_name VARCHAR(255) NOT NULL,
    segment        INTEGER      NOT NULL,
    token          BYTEA,
    token_type     VARCHAR(255),
    timestamp      VARCHAR(255),
    owner          VARCHAR(255),
    PRIMARY KEY (processor_name, segment)
);

-- One row per incident; version is the sequence number of the last event applied.
CREATE TABLE incident (
    incident_id      UUID         PRIMARY KEY,
    title            TEXT         NOT NULL,
    status           VARCHAR(32)  NOT NULL,
    severity         VARCHAR(16)  NOT NULL,
    opened_at        TIMESTAMPTZ  NOT NULL,
    opened_by        TEXT         NOT NULL,
    version          BIGINT       NOT NULL,
    last_occurred_at TIMESTAMPTZ  NOT NULL,
    last_recorded_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX incident_opened_at_idx ON incident (opened_at DESC, incident_id);

CREATE TABLE attack_wave (
    incident_id      UUID        NOT NULL REFERENCES incident (incident_id),
    sequence         BIGINT      NOT NULL,
    wave             INTEGER     NOT NULL,
    attack_type      VARCHAR(32) NOT NULL,
    severity         VARCHAR(16),
    description      TEXT,
    detected_at      TIMESTAMPTZ NOT NULL,
    affected_systems TEXT[]      NOT NULL,
    techniques       TEXT[]      NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

-- Current state of every system an incident has touched: AFFECTED, ISOLATED or RECONNECTED.
CREATE TABLE incident_system (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    system_id   VARCHAR(64) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    since       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, system_id)
);

-- Current state of every service an incident has touched: OPERATIONAL, DEGRADED or UNAVAILABLE.
CREATE TABLE incident_service (
    incident_id UUID        NOT NULL REFERENCES incident (incident_id),
    service_id  VARCHAR(64) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    since       TIMESTAMPTZ NOT NULL,
    description TEXT,
    PRIMARY KEY (incident_id, service_id)
);
CREATE INDEX incident_service_service_idx ON incident_service (service_id);

CREATE TABLE timeline_entry (
    incident_id    UUID        NOT NULL REFERENCES incident (incident_id),
    sequence       BIGINT      NOT NULL,
    event_id       TEXT        NOT NULL,
    type           VARCHAR(64) NOT NULL,
    occurred_at    TIMESTAMPTZ NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    actor          TEXT        NOT NULL,
    correlation_id TEXT,
    summary        TEXT        NOT NULL,
    PRIMARY KEY (incident_id, sequence)
);

-- Events that arrived ahead of a missing predecessor. They wait here, in the same transaction as the token,
-- until the gap is filled; while any row exists the projection reports DOWN.
CREATE TABLE pending_event (
    incident_id    UUID         NOT NULL,
    sequence       BIGINT       NOT NULL,
    event_id       TEXT         NOT NULL,
    event_type     VARCHAR(128) NOT NULL,
    payload        JSONB        NOT NULL,
    actor          TEXT         NOT NULL,
    correlation_id TEXT,
    recorded_at    TIMESTAMPTZ  NOT NULL,
    parked_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, sequence)
);

-- Records on the topic that could not be read as an incident event; kept for inspection, never applied.
CREATE TABLE undecodable_record (
    id              BIGSERIAL    PRIMARY KEY,
    topic           VARCHAR(255) NOT NULL,
    kafka_partition INTEGER      NOT NULL,
    kafka_offset    BIGINT       NOT NULL,
    record_key      TEXT,
    event_type      TEXT,
    reason          TEXT         NOT NULL,
    received_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (topic, kafka_partition, kafka_offset)
);

-- The service board: per service, its worst current state across all incidents
-- (UNAVAILABLE > DEGRADED > OPERATIONAL), ties broken by the latest change, with the incident that holds it.
CREATE VIEW service_board AS
SELECT DISTINCT ON (service_id)
       service_id,
       state,
       since,
       incident_id
FROM incident_service
ORDER BY service_id,
         CASE state WHEN 'UNAVAILABLE' THEN 2 WHEN 'DEGRADED' THEN 1 ELSE 0 END DESC,
         since DESC,
         incident_id;
