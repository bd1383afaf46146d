-- Views kept as their answers. The incident projection writes, in the transaction of the events that change them:
--  * incident_document: each incident's detail as the exact JSON bytes a read answers, with its strong ETag (the
--    version and a hash of the bytes), so that a read is one primary-key probe and a conditional read compares the
--    ETag alone;
--  * view_document: one row per view over many incidents. 'services' holds the service board's JSON and an ETag that
--    is a hash of it; 'incidents' and 'isolated-systems' (answered per request, with filters) hold no body, only a
--    stamp drawn anew in every transaction that changes them, from which their ETags are made.
-- Both are projection tables: reset and rebuilt with the others. The stamps of the lists are random, not facts from
-- events, and are left out of the projection digest.
CREATE TABLE incident_document (
    incident_id UUID   PRIMARY KEY,
    version     BIGINT NOT NULL,
    etag        TEXT   NOT NULL,
    body        TEXT   NOT NULL
);

CREATE TABLE view_document (
    view  TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    body  TEXT
);

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON incident_document, view_document TO "${serviceRole}";
