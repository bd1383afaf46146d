-- Webhook subscriptions and their deliveries (docs/api.md, "Webhooks"). A subscription's signing secret must sign, so
-- it cannot be hashed: it is kept encrypted (AES-256-GCM, 12-byte nonce first, key from the environment). During a
-- rotation the previous secret stays until previous_secret_until, and every delivery carries both signatures.
CREATE TABLE webhook_subscription (
    subscription_id              UUID        PRIMARY KEY,
    url                          TEXT        NOT NULL,
    -- CloudEvents type names without the revision suffix, or the single entry '*'
    event_types                  TEXT[]      NOT NULL,
    description                  TEXT,
    secret_encrypted             BYTEA       NOT NULL,
    previous_secret_encrypted    BYTEA,
    previous_secret_until        TIMESTAMPTZ,
    created_at                   TIMESTAMPTZ NOT NULL,
    created_by                   TEXT        NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_subscription TO "${serviceRole}";

-- One row per event and subscription, written with the webhook processor's token (at least once, never twice).
-- delivery_id orders the deliveries of one incident: a subscription receives an incident's events one at a time, in
-- that order, the oldest PENDING first. A delivery is PENDING until a 2xx (DELIVERED) or until its attempts run out
-- (GIVEN_UP); an admin can make a GIVEN_UP delivery PENDING again. leased_until keeps two dispatchers (two service
-- instances) from sending the same delivery at once.
CREATE TABLE webhook_delivery (
    delivery_id       BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id   UUID        NOT NULL REFERENCES webhook_subscription ON DELETE CASCADE,
    message_id        TEXT        NOT NULL,
    incident_id       UUID        NOT NULL,
    sequence          BIGINT      NOT NULL,
    event_type        TEXT        NOT NULL,
    body              TEXT        NOT NULL,
    state             VARCHAR(16) NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'GIVEN_UP')),
    attempts          INT         NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMPTZ NOT NULL,
    leased_until      TIMESTAMPTZ,
    last_attempt_at   TIMESTAMPTZ,
    last_status       INT,
    last_error        TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    UNIQUE (subscription_id, incident_id, sequence)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_delivery TO "${serviceRole}";
CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (subscription_id, incident_id, delivery_id)
    WHERE state = 'PENDING';
CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (subscription_id, delivery_id DESC);

-- Every attempt of a delivery: when, the answer's status or the failure, how long it took.
CREATE TABLE webhook_attempt (
    delivery_id  BIGINT      NOT NULL REFERENCES webhook_delivery ON DELETE CASCADE,
    attempt      INT         NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    status       INT,
    error        TEXT,
    duration_ms  BIGINT      NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_attempt TO "${serviceRole}";
CREATE INDEX webhook_delivery_given_up_idx ON webhook_delivery (subscription_id) WHERE state = 'GIVEN_UP';
