#!/usr/bin/env bash
# Start, stop or query a local single-node Elasticsearch for development and CI.
#
# The server comes from Elastic's own integ-test distribution on Maven Central (server and
# transport module only, no security, no plugins), so nothing but Maven and a JDK 21+ is needed.
# Elasticsearch refuses to run as root, so a dedicated system user runs it through runuser.
#
#   scripts/elasticsearch.sh start|stop|status
#
# Environment: ES_VERSION (default 9.5.4), ES_PORT (9200), ES_HOME_ROOT (/opt/lowcarbon-es as root,
# else <repo>/.es),
# ES_JAVA_HOME (Temurin 25), ES_USER (elasticsearch), ES_HEAP (1g), ES_WAIT_SECONDS (120).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_VERSION="${ES_VERSION:-9.5.4}"
ES_PORT="${ES_PORT:-9200}"
# The server user must traverse every parent folder, which a clone under /root does not allow:
# as root, keep the distribution in /opt (it is also reused across clones).
if [[ "$(id -u)" == "0" ]]; then
    ES_HOME_ROOT="${ES_HOME_ROOT:-/opt/lowcarbon-es}"
else
    ES_HOME_ROOT="${ES_HOME_ROOT:-$repo_root/.es}"
fi
ES_JAVA_HOME="${ES_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
ES_USER="${ES_USER:-elasticsearch}"
ES_HEAP="${ES_HEAP:-1g}"
ES_WAIT_SECONDS="${ES_WAIT_SECONDS:-120}"

es_home="$ES_HOME_ROOT/elasticsearch-$ES_VERSION"
# Data, logs and pid are per port so that several servers can run side by side.
state_dir="$ES_HOME_ROOT/node-$ES_PORT"
pid_file="$state_dir/es.pid"
health_url="http://127.0.0.1:$ES_PORT/_cluster/health"

log() { echo "elasticsearch.sh: $*" >&2; }

is_running() {
    [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

is_healthy() {
    curl -fsS "$health_url" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

ensure_unzip() {
    command -v unzip >/dev/null && return
    log "installing unzip"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
}

fetch_distribution() {
    [[ -x "$es_home/bin/elasticsearch" ]] && return
    ensure_unzip
    local download_dir="$ES_HOME_ROOT/download"
    mkdir -p "$download_dir"
    log "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION from Maven Central"
    mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy \
        -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
        -DoutputDirectory="$download_dir"
    unzip -q -o "$download_dir/elasticsearch-$ES_VERSION.zip" -d "$ES_HOME_ROOT"
}

ensure_user() {
    id -u "$ES_USER" >/dev/null 2>&1 && return
    log "creating system user $ES_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
}

write_config() {
    mkdir -p "$state_dir/data" "$state_dir/logs" "$state_dir/config"
    cp -r "$es_home/config/." "$state_dir/config/"
    cat >"$state_dir/config/elasticsearch.yml" <<YML
cluster.name: project-es-$ES_PORT
node.name: node-$ES_PORT
path.data: $state_dir/data
path.logs: $state_dir/logs
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
    printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$state_dir/config/jvm.options.d/heap.options"
}

run_as_es_user() {
    if [[ "$(id -u)" == "0" ]]; then
        runuser -u "$ES_USER" -- "$@"
    else
        "$@"
    fi
}

start() {
    if is_running && is_healthy; then
        log "already running on port $ES_PORT (pid $(cat "$pid_file"))"
        return
    fi
    fetch_distribution
    [[ "$(id -u)" == "0" ]] && ensure_user
    write_config
    # Other users must be able to read the distribution; only the server user writes its state.
    chmod -R a+rX "$ES_HOME_ROOT"
    [[ "$(id -u)" == "0" ]] && chown -R "$ES_USER" "$state_dir"
    log "starting Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT"
    run_as_es_user env ES_JAVA_HOME="$ES_JAVA_HOME" ES_PATH_CONF="$state_dir/config" \
        "$es_home/bin/elasticsearch" -d -p "$pid_file" >"$state_dir/logs/stdout.log" 2>&1
    local waited=0
    until is_healthy; do
        if ((waited >= ES_WAIT_SECONDS)); then
            log "not healthy after ${ES_WAIT_SECONDS}s; log tail:"
            tail -n 40 "$state_dir/logs/stdout.log" "$state_dir/logs/"*.log 2>/dev/null >&2 || true
            exit 1
        fi
        sleep 2
        waited=$((waited + 2))
    done
    log "healthy at $health_url"
}

stop() {
    if ! is_running; then
        log "not running on port $ES_PORT"
        return
    fi
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { log "stopped"; rm -f "$pid_file"; return; }
        sleep 1
    done
    log "pid $pid did not stop within 60s"
    exit 1
}

status() {
    if is_running && is_healthy; then
        curl -fsS "$health_url"
        echo
    else
        log "not running on port $ES_PORT"
        exit 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
