#!/usr/bin/env bash
# Production-style serving on this machine: gunicorn (gunicorn.conf.py) and the job worker.
#   bash scripts/serve.sh            # BIND=127.0.0.1:8000 by default; put nginx in front (docs/nginx.conf)
# Both stop when either exits or on Ctrl-C / SIGTERM. Run `flask --app wsgi db upgrade` first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

.venv/bin/flask --app wsgi jobs worker &
worker=$!
.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app &
web=$!

stop() {
    trap - INT TERM EXIT
    kill -TERM "$web" "$worker" 2>/dev/null || true
    wait "$web" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT
# When one of the two ends (a crash, a failed start), stop the other: never half a service.
wait -n "$web" "$worker" || true
