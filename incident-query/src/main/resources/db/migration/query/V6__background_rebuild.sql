-- Rebuilding the status projections without downtime: empty twins of the projection tables are filled in the schema
-- projection_rebuild while the tables in public keep answering, then swapped in by one transaction. Both steps are
-- functions owned by the schema owner (SECURITY DEFINER), so that the service role needs no DDL rights; they refuse
-- the tables that are never rebuilt (the audit ledger, the event history, tokens, schema history, kept records).
CREATE SCHEMA IF NOT EXISTS projection_rebuild;
CREATE SCHEMA IF NOT EXISTS projection_retired;
GRANT USAGE ON SCHEMA projection_rebuild TO "${serviceRole}";

CREATE FUNCTION refuse_unrebuildable(tables TEXT[]) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        IF t LIKE 'audit\_%' OR t IN ('incident_event', 'token_entry', 'flyway_schema_history', 'undecodable_record')
           OR NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = t) THEN
            RAISE EXCEPTION 'table % is no rebuildable projection', t USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
END;
$$;

-- (Re)creates empty twins of the given tables in projection_rebuild, from their current definition in public:
-- columns, defaults, constraints, indexes, foreign keys among them, and the service role's rights.
CREATE FUNCTION prepare_projection_rebuild(tables TEXT[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$
DECLARE
    t   TEXT;
    fk  RECORD;
    fks TEXT[] := '{}';
BEGIN
    PERFORM refuse_unrebuildable(tables);
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS projection_rebuild.%I CASCADE', t);
    END LOOP;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('CREATE TABLE projection_rebuild.%I (LIKE public.%I INCLUDING ALL)', t, t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON projection_rebuild.%I TO %I', t,
                       '${serviceRole}');
        FOR fk IN SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
                  WHERE contype = 'f' AND conrelid = format('public.%I', t)::regclass LOOP
            fks := fks || format('ALTER TABLE projection_rebuild.%I ADD CONSTRAINT %I %s', t, fk.conname,
                                 fk.definition);
        END LOOP;
    END LOOP;
    -- the definitions name the referenced tables unqualified: inside projection_rebuild they are the twins
    PERFORM set_config('search_path', 'projection_rebuild', true);
    FOREACH t IN ARRAY fks LOOP
        EXECUTE t;
    END LOOP;
END;
$$;

-- Swaps the twins in: the tables in public leave for projection_retired, the twins take their place, the service
-- board view is recreated over them, the old tables are dropped. Runs in the caller's transaction.
CREATE FUNCTION swap_projection_rebuild(tables TEXT[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$
DECLARE
    t     TEXT;
    board TEXT := pg_get_viewdef('public.service_board'::regclass);
BEGIN
    PERFORM refuse_unrebuildable(tables);
    DROP VIEW public.service_board;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS projection_retired.%I CASCADE', t);
        EXECUTE format('ALTER TABLE public.%I SET SCHEMA projection_retired', t);
        EXECUTE format('ALTER TABLE projection_rebuild.%I SET SCHEMA public', t);
    END LOOP;
    EXECUTE 'CREATE VIEW public.service_board AS ' || board;
    EXECUTE format('GRANT SELECT ON public.service_board TO %I', '${serviceRole}');
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE projection_retired.%I CASCADE', t);
    END LOOP;
END;
$$;

REVOKE ALL ON FUNCTION prepare_projection_rebuild(TEXT[]), swap_projection_rebuild(TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prepare_projection_rebuild(TEXT[]), swap_projection_rebuild(TEXT[]) TO "${serviceRole}";
