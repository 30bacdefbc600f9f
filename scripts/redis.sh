#!/usr/bin/env bash
# A local Redis for the job queue and its tests: start | stop | status | url
# Uses Debian's redis-server (installed with apt-get when missing and run as root), on
# 127.0.0.1 only, without persistence to disk (the outbox in the database is the source of
# truth; a lost queue is refilled by the worker's sweep).
set -euo pipefail

REDIS_PORT=${REDIS_PORT:-6379}
REDIS_DIR=${REDIS_DIR:-/tmp/portal-redis-${REDIS_PORT}}
URL="redis://127.0.0.1:${REDIS_PORT}/1"

ensure_installed() {
    command -v redis-server >/dev/null 2>&1 && return
    if [ "$(id -u)" -ne 0 ]; then
        echo "redis-server is not installed; run as root or: apt-get install redis-server" >&2
        exit 1
    fi
    echo "installing redis-server from Debian's packages..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

is_running() {
    command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
}

start() {
    ensure_installed
    mkdir -p "$REDIS_DIR"
    if ! is_running; then
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
            --save "" --appendonly no --daemonize yes \
            --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
        for _ in $(seq 50); do is_running && break; sleep 0.1; done
        is_running || { echo "Redis did not start; see $REDIS_DIR/redis.log" >&2; exit 1; }
    fi
    echo "Redis running: $URL"
}

stop() {
    if is_running; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
    echo "Redis stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if is_running; then echo "running: $URL"; else echo "stopped"; exit 1; fi ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
