-- The query instances that are alive, each seen within the claim timeout: the processors' work is split between them
-- (consuming.ProcessorBalance). Every instance writes its own row every few seconds and deletes it when it stops; a
-- row of an instance that died simply ages.
CREATE TABLE query_instance (
    instance_id TEXT        NOT NULL PRIMARY KEY,
    seen_at     TIMESTAMPTZ NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON query_instance TO "${serviceRole}";
