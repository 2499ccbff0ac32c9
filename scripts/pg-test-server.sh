#!/usr/bin/env bash
# A private PostgreSQL 15 server for the tests, on loopback, with its data in
# a directory of the caller's. It runs as an unprivileged user (PostgreSQL
# refuses root): the invoking user, or `mnadpg` (created when missing) when
# run as root.
#
#   scripts/pg-test-server.sh start DIR PORT   prints the store URL
#   scripts/pg-test-server.sh stop DIR
#   scripts/pg-test-server.sh restart DIR      fast shutdown, then start again
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command=$1
dir=$2
user=$(id -un)
as_user() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  user=mnadpg
  id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  as_user() { runuser -u "$user" -- "$@"; }
fi

case "$command" in
  start)
    port=$3
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown "$user" "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      echo "mnad-test" >"$dir/password"
      if [ "$(id -u)" -eq 0 ]; then chown "$user" "$dir/password"; fi
      as_user "$bin/initdb" -D "$dir/data" -U mnad --auth=scram-sha-256 --pwfile="$dir/password" \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
      cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
    fi
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    if ! PGPASSWORD=mnad-test psql -h 127.0.0.1 -p "$port" -U mnad -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='mnad'" | grep -q 1; then
      PGPASSWORD=mnad-test psql -h 127.0.0.1 -p "$port" -U mnad -d postgres -qc "CREATE DATABASE mnad" >/dev/null
    fi
    echo "postgresql://mnad:mnad-test@127.0.0.1:$port/mnad"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  restart)
    as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart -l "$dir/server.log" >/dev/null
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | restart DIR" >&2
    exit 2
    ;;
esac
