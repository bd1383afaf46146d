-- Answers to commands sent with an Idempotency-Key, per principal. A record commits in the same transaction as the
-- command's events, so a key is either unused or bound to exactly the events it caused.
CREATE TABLE idempotency_record (
    principal       VARCHAR(200) NOT NULL,
    idempotency_key VARCHAR(200) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    status          INTEGER,
    incident_id     UUID,
    version         BIGINT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_record_pk PRIMARY KEY (principal, idempotency_key)
);
