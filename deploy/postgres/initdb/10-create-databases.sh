#!/bin/bash
# Runs once, when the PostgreSQL container starts on an empty data volume: one login role and one database per
# service, each service owning its own database (the services' Flyway migrations create the tables).
set -euo pipefail

: "${INCIDENT_COMMAND_DB_PASSWORD:?set INCIDENT_COMMAND_DB_PASSWORD}"
: "${INCIDENT_QUERY_DB_PASSWORD:?set INCIDENT_QUERY_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v command_password="$INCIDENT_COMMAND_DB_PASSWORD" \
     -v query_password="$INCIDENT_QUERY_DB_PASSWORD" <<'SQL'
CREATE ROLE incident_command LOGIN PASSWORD :'command_password';
CREATE DATABASE incident_command OWNER incident_command;
REVOKE ALL ON DATABASE incident_command FROM PUBLIC;

CREATE ROLE incident_query LOGIN PASSWORD :'query_password';
CREATE DATABASE incident_query OWNER incident_query;
REVOKE ALL ON DATABASE incident_query FROM PUBLIC;
SQL

for database in incident_command incident_query; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$database" \
         -c "ALTER SCHEMA public OWNER TO $database"
done
