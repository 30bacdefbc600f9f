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
step() { echo "== [$1/6] $2"; }
step 1 "demo accounts, organizations and catalogue"
"${flask_cmd[@]}" seed --demo
step 2 "demo patents (real export rows)"
"${flask_cmd[@]}" patents seed
# The job worker beside the dev server: it indexes and ranks what the seed wrote (it waits in
# the outbox) while the portal already answers, then every later change; Ctrl-C stops all.
step 3 "job worker: indexes and ranks the demo data in the background (flask --app wsgi jobs status)"
"${flask_cmd[@]}" jobs worker &
worker=$!
# What needs the embeddings and the matches follows the ranking, while the portal answers:
# the carbon types (embedding every organization's texts takes minutes on a cold cache), then
# the demo roadshows and demo feedback (made once each; a second run adds nothing).
(
    "${flask_cmd[@]}" jobs wait
    step 4 "carbon types of the organizations"
    "${flask_cmd[@]}" classify organizations
    step 5 "demo roadshows"
    "${flask_cmd[@]}" roadshows demo
    step 6 "demo match feedback"
    "${flask_cmd[@]}" match demo-feedback
) &
follow_up=$!
trap 'kill -TERM "$worker" "$follow_up" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
"${flask_cmd[@]}" run --host 127.0.0.1 --port "${PORT:-5000}"
