#!/usr/bin/env bash
# A PostgreSQL hot standby on 127.0.0.1:${REPLICA_PORT:-5433} for the replica tests (docs/scale.md).
#   scripts/pg_standby.sh start   prints PRIMARY_URL=… and REPLICA_URL=… (server URLs, no database)
#   scripts/pg_standby.sh stop
# The standby is a pg_basebackup of the machine's server on 127.0.0.1:5432 when that server accepts
# replication connections (wal_level=replica and a `replication` pg_hba line; CI adds the line).
# Otherwise — or with REPLICA_OWN_PRIMARY=1 — it starts its own primary, listening on a Unix
# socket only, and the standby of that. Debian's binaries are not on PATH and refuse to run as
# root: everything runs as the postgres user.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
ROOT=${REPLICA_ROOT:-/tmp/yizhan-replica}
PORT=${REPLICA_PORT:-5433}

as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

stop() {
  for cluster in standby primary; do
    if [ -f "$ROOT/$cluster/postmaster.pid" ]; then
      as_pg "$BIN/pg_ctl" -D "$ROOT/$cluster" -m immediate -w stop >/dev/null || true
    fi
  done
  rm -rf "$ROOT"
}

case "${1:-}" in
  stop) stop; exit 0 ;;
  start) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

mkdir -p "$ROOT" && chown postgres: "$ROOT" && chmod 700 "$ROOT"
if [ "${REPLICA_OWN_PRIMARY:-0}" != 1 ] &&
  as_pg "$BIN/psql" "host=127.0.0.1 port=5432 user=postgres replication=true" -Atc IDENTIFY_SYSTEM >/dev/null 2>&1; then
  primary="host=127.0.0.1 port=5432 user=postgres"
  primary_url="postgres://postgres@127.0.0.1:5432"
else
  as_pg "$BIN/initdb" -D "$ROOT/primary" -U postgres -A trust >/dev/null
  cat >>"$ROOT/primary/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$ROOT'
port = 5432
wal_level = replica
max_wal_senders = 4
fsync = off
synchronous_commit = off
EOF
  as_pg "$BIN/pg_ctl" -D "$ROOT/primary" -l "$ROOT/primary.log" -w start >/dev/null
  primary="host=$ROOT port=5432 user=postgres"
  primary_url="postgres://postgres@${ROOT//\//%2F}:5432"
fi

# A hot standby must allow at least what its primary does.
settings=$(as_pg "$BIN/psql" "$primary dbname=postgres" -Atc "SELECT string_agg(name || ' = ' || setting, E'\n')
  FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders',
  'max_prepared_transactions', 'max_locks_per_transaction')")
as_pg "$BIN/pg_basebackup" -d "$primary" -D "$ROOT/standby" -R -X stream -c fast
# Debian keeps a server's pg_hba.conf and pg_ident.conf under /etc, not in its data directory, so
# a copy of the machine's server arrives without them: the standby gets its own.
if [ ! -f "$ROOT/standby/pg_hba.conf" ]; then
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$ROOT/standby/pg_hba.conf"
  : >"$ROOT/standby/pg_ident.conf"
  chown postgres: "$ROOT/standby/pg_hba.conf" "$ROOT/standby/pg_ident.conf"
fi
# Appended last, so these win over a postgresql.conf copied from our own primary.
cat >>"$ROOT/standby/postgresql.conf" <<EOF
$settings
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$ROOT'
hot_standby = on
fsync = off
EOF
as_pg "$BIN/pg_ctl" -D "$ROOT/standby" -l "$ROOT/standby.log" -w start >/dev/null
echo "PRIMARY_URL=$primary_url"
echo "REPLICA_URL=postgres://postgres@127.0.0.1:$PORT"
