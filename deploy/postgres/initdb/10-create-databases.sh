#!/bin/bash
# Prepares an empty PostgreSQL cluster for both services: one database per service, each owned by its own login
# role (the services' Flyway migrations create the tables as that owner), and the query service's runtime role.
# Runs once in the postgres container when its data volume is empty (docker-entrypoint-initdb.d), and the same way
# from deploy/podman-run against its throwaway cluster; it connects with psql's usual environment (PGHOST, PGPORT)
# as $POSTGRES_USER to $POSTGRES_DB.
#
# Roles (docs/operations.md, "Database roles"):
#   incident_command         LOGIN, owns database incident_command; the command service connects as it
#   incident_query           LOGIN, owns database incident_query; the query service's migrations run as it
#   incident_query_service   NOLOGIN, created HERE so that query migration V3 finds it and only grants to it: the
#                            owner needs no CREATEROLE (on PostgreSQL 15 that would let it grant itself far more)
#   incident_query_app       LOGIN, member of incident_query_service; the query service connects as it (SELECT and
#                            INSERT on the audit ledger only)
set -euo pipefail

: "${INCIDENT_COMMAND_DB_PASSWORD:?set INCIDENT_COMMAND_DB_PASSWORD}"
: "${INCIDENT_QUERY_DB_PASSWORD:?set INCIDENT_QUERY_DB_PASSWORD}"
: "${INCIDENT_QUERY_APP_DB_PASSWORD:?set INCIDENT_QUERY_APP_DB_PASSWORD}"
SERVICE_ROLE="${INCIDENT_QUERY_DB_SERVICE_ROLE:-incident_query_service}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-postgres}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v command_password="$INCIDENT_COMMAND_DB_PASSWORD" \
     -v query_password="$INCIDENT_QUERY_DB_PASSWORD" \
     -v app_password="$INCIDENT_QUERY_APP_DB_PASSWORD" \
     -v service_role="$SERVICE_ROLE" <<'SQL'
CREATE ROLE incident_command LOGIN NOCREATEROLE NOCREATEDB PASSWORD :'command_password';
CREATE DATABASE incident_command OWNER incident_command;
REVOKE ALL ON DATABASE incident_command FROM PUBLIC;

CREATE ROLE incident_query LOGIN NOCREATEROLE NOCREATEDB PASSWORD :'query_password';
CREATE DATABASE incident_query OWNER incident_query;
REVOKE ALL ON DATABASE incident_query FROM PUBLIC;

CREATE ROLE :"service_role" NOLOGIN;
GRANT CONNECT, TEMPORARY ON DATABASE incident_query TO :"service_role";
CREATE ROLE incident_query_app LOGIN NOCREATEROLE NOCREATEDB PASSWORD :'app_password' IN ROLE :"service_role";
SQL

for database in incident_command incident_query; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$database" \
         -c "ALTER SCHEMA public OWNER TO $database"
done
