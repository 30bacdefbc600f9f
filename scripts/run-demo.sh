#!/usr/bin/env bash
# One command from a fresh clone to a running portal with demo data on the embedded
# defaults (SQLite and the embedded search index under instance/):
#   bash scripts/run-demo.sh
# then open http://127.0.0.1:5000 and log in with a demo account printed below. The job
# worker runs beside the dev server; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
export FLASK_APP=wsgi
flask_cmd=(.venv/bin/flask --app wsgi)
"${flask_cmd[@]}" db upgrade
"${flask_cmd[@]}" models fetch
"${flask_cmd[@]}" seed --demo
"${flask_cmd[@]}" classify organizations
# The job worker beside the dev server: it indexes and ranks what the seed wrote (it waits in
# the outbox) while the portal already answers, then every later change; Ctrl-C stops both.
echo "the job worker indexes and ranks the demo data in the background: flask --app wsgi jobs status"
"${flask_cmd[@]}" jobs worker &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"${flask_cmd[@]}" run --host 127.0.0.1 --port "${PORT:-5000}"
