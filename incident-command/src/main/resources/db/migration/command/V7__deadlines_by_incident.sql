-- The waiting deadlines of one incident, found by an index probe: a report that fulfils a clock cancels that clock's
-- deadlines, and finding them used to mean reading every waiting deadline of every incident.
--
-- Axon's deadline data (task_data) is a Java-serialized object that holds the deadline's scope as JSON,
-- {"type":"Incident","identifier":"<the incident's id>"}; the index keeps the 36 bytes after "identifier":" of each
-- Axon deadline. The command service's query (obligation/ClockDeadlines.java) repeats this expression exactly, so
-- that PostgreSQL uses the index, and compares each deadline's name and scope exactly afterwards: the expression
-- only preselects. DeadlinePersistenceTest fails if the preselection misses a deadline that should be cancelled.
CREATE INDEX scheduled_tasks_deadline_incident_idx
    ON scheduled_tasks (substring(task_data FROM position('"identifier":"'::bytea IN task_data) + 14 FOR 36))
    WHERE task_name = 'AxonDeadline';
