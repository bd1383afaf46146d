-- How the latest isolation of a system cut it off (system-isolated revision 2; UNRECORDED for revision-1 events).
-- Rows projected before this migration have none: rebuild the projection after upgrading.
ALTER TABLE incident_system
    ADD COLUMN isolation_method VARCHAR(32);
