-- The service board becomes a table kept by the projection, instead of a view that sorted every incident's services
-- at each read. Same meaning: per service, its worst current state across all incidents
-- (UNAVAILABLE > DEGRADED > OPERATIONAL), ties broken by the latest change, then by the lowest incident id, with the
-- incident that holds it. The projector recomputes a service's row whenever an incident's state of that service
-- changes, from the index below (one probe, however many incidents touched the service).

DROP VIEW service_board;

CREATE TABLE service_board (
    service_id  VARCHAR(64) PRIMARY KEY,
    state       VARCHAR(16) NOT NULL,
    since       TIMESTAMPTZ NOT NULL,
    incident_id UUID        NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON service_board TO "${serviceRole}";

-- The board's order within a service: the first entry is the service's board row. It replaces the plain index on
-- service_id, whose every use it serves.
DROP INDEX incident_service_service_idx;
CREATE INDEX incident_service_board_idx ON incident_service
    (service_id, (CASE state WHEN 'UNAVAILABLE' THEN 2 WHEN 'DEGRADED' THEN 1 ELSE 0 END) DESC, since DESC,
     incident_id);

INSERT INTO service_board (service_id, state, since, incident_id)
SELECT DISTINCT ON (service_id) service_id, state, since, incident_id
FROM incident_service
ORDER BY service_id, CASE state WHEN 'UNAVAILABLE' THEN 2 WHEN 'DEGRADED' THEN 1 ELSE 0 END DESC, since DESC,
         incident_id;

-- The board is a projection table now: a background rebuild builds its twin and swaps it in with the others, so the
-- swap no longer recreates a view.
CREATE OR REPLACE FUNCTION swap_projection_rebuild(tables TEXT[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$
DECLARE
    t TEXT;
BEGIN
    PERFORM refuse_unrebuildable(tables);
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS projection_retired.%I CASCADE', t);
        EXECUTE format('ALTER TABLE public.%I SET SCHEMA projection_retired', t);
        EXECUTE format('ALTER TABLE projection_rebuild.%I SET SCHEMA public', t);
    END LOOP;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE projection_retired.%I CASCADE', t);
    END LOOP;
END;
$$;
