-- Fencing of the publication relay across instances (decision 0026). Every relay that takes over the publication
-- draws the next epoch; its position writes name that epoch, so a relay that was only paused (a long GC, a network
-- cut that ended its lock) and wakes after another took over can no longer move the position.
ALTER TABLE publication_position ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
