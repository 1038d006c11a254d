#!/bin/sh
# Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d): the web server's own
# role. `fjernarbeid db grant-web fjernarbeid_web` (in the app's start command) gives it its rights after
# each migration: read everything, write only what the web app edits (README: Database roles).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<EOSQL
CREATE ROLE fjernarbeid_web LOGIN PASSWORD '${WEB_DB_PASSWORD:?WEB_DB_PASSWORD is not set}';
ALTER ROLE fjernarbeid_web SET statement_timeout = '15s';
EOSQL
