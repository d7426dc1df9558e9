#!/usr/bin/env bash
# Start or stop the PostGIS server that Common Map owns: a Debian cluster named
# "commonmap" on its own port, with a superuser role and a database for the app.
# When DATABASE_URL is set, nothing is started: that server is used as it is.
#
#   scripts/db.sh start   create the cluster if needed, start it, create role + db
#   scripts/db.sh stop    stop the cluster (data is kept)
#   scripts/db.sh drop    stop and delete the cluster and its data
#   scripts/db.sh url     print the DATABASE_URL of the local cluster
set -euo pipefail

PG_VERSION="${COMMONMAP_PG_VERSION:-15}"
CLUSTER="${COMMONMAP_PG_CLUSTER:-commonmap}"
PORT="${COMMONMAP_PG_PORT:-54329}"
DB_NAME="${COMMONMAP_DB_NAME:-commonmap}"
DB_USER="${COMMONMAP_DB_USER:-commonmap}"
DB_PASSWORD="${COMMONMAP_DB_PASSWORD:-commonmap}"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
  AS_POSTGRES=(runuser -u postgres --)
else
  SUDO="sudo"
  AS_POSTGRES=(sudo -u postgres)
fi

local_url() {
  echo "postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PORT}/${DB_NAME}"
}

cluster_exists() {
  pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${CLUSTER}"
}

cluster_online() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}' | grep -q online
}

psql_admin() {
  "${AS_POSTGRES[@]}" psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@"
}

start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL is set: using that server, not starting a local one."
    return 0
  fi
  if ! cluster_exists; then
    echo "Creating PostgreSQL ${PG_VERSION} cluster '${CLUSTER}' on port ${PORT}"
    $SUDO pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PORT" \
      --locale C.UTF-8 --encoding UTF8 -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  if ! cluster_online; then
    $SUDO pg_ctlcluster "$PG_VERSION" "$CLUSTER" start
  fi
  for _ in $(seq 1 50); do
    if "${AS_POSTGRES[@]}" pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
    sleep 0.2
  done
  # A superuser role: the migrations create the postgis extension and the
  # test runner creates its own database.
  psql_admin <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_USER}') THEN
    CREATE ROLE "${DB_USER}" LOGIN SUPERUSER PASSWORD '${DB_PASSWORD}';
  END IF;
END
\$\$;
SQL
  if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'" | grep -q 1; then
    psql_admin -c "CREATE DATABASE \"${DB_NAME}\" OWNER \"${DB_USER}\" ENCODING 'UTF8' TEMPLATE template0"
  fi
}

stop() {
  if cluster_exists && cluster_online; then
    $SUDO pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop
  fi
}

drop() {
  if cluster_exists; then
    $SUDO pg_dropcluster --stop "$PG_VERSION" "$CLUSTER"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  drop) drop ;;
  url) local_url ;;
  *) echo "usage: $0 start|stop|drop|url" >&2; exit 2 ;;
esac
