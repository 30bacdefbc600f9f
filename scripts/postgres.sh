#!/usr/bin/env bash
# A local PostgreSQL for development and tests: start | stop | status | url
# Uses Debian's postgresql packages (installed with apt-get when missing), runs the
# server as the `postgres` user on 127.0.0.1, and creates the database `portal`
# owned by role `portal` (password `portal`).
set -euo pipefail

PGPORT=${PGPORT:-5432}
PGDATA=${PGDATA:-/var/lib/portal-postgres/data}
PGLOG=$(dirname "$PGDATA")/server.log
DB_NAME=${PG_DB_NAME:-portal}
URL="postgresql+psycopg://portal:portal@127.0.0.1:${PGPORT}/${DB_NAME}"

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "PostgreSQL server is not installed; run as root or: apt-get install postgresql" >&2
            exit 1
        fi
        echo "installing PostgreSQL from Debian's packages..." >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    local bin
    bin=$(pg_bin)
    [ -f "$PGDATA/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

start() {
    local bin
    bin=$(pg_bin)
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    mkdir -p "$PGDATA"
    chown -R postgres:postgres "$(dirname "$PGDATA")"
    chmod 700 "$PGDATA"
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        as_postgres "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! is_running; then
        as_postgres "$bin/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 \
            -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off" start >/dev/null
    fi
    local psql=("$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ -z "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='portal'")" ]; then
        as_postgres "${psql[@]}" -c "CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB"
    fi
    if [ -z "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='${DB_NAME}'")" ]; then
        as_postgres "${psql[@]}" -c "CREATE DATABASE ${DB_NAME} OWNER portal"
    fi
    echo "PostgreSQL running: $URL"
}

stop() {
    local bin
    bin=$(pg_bin)
    if is_running; then
        as_postgres "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    fi
    echo "PostgreSQL stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if is_running; then echo "running: $URL"; else echo "stopped"; exit 1; fi ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
