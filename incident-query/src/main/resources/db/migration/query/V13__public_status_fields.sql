-- Revision 2 of status-update-published: what the public status page shows of a PUBLIC update. The incident's public
-- name (headline), where it stands (public_status: investigating, identified, monitoring, resolved) and how badly the
-- public is affected (impact: none, minor, major, critical); NULL when the update did not give them (and always for
-- INTERNAL updates and updates recorded before revision 2).
ALTER TABLE status_update
    ADD COLUMN headline      TEXT,
    ADD COLUMN public_status VARCHAR(16),
    ADD COLUMN impact        VARCHAR(16);

-- the public page reads only PUBLIC updates, newest first
CREATE INDEX status_update_public_idx ON status_update (published_at DESC) WHERE audience = 'PUBLIC';
