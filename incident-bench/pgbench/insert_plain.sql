-- one event row of 300 bytes per transaction (pgbench runs each script line as its own transaction)
INSERT INTO events_plain (aggregate_identifier, sequence_number, payload)
VALUES (gen_random_uuid()::text, 0, convert_to(repeat('x', 300), 'UTF8'));
