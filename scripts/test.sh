#!/usr/bin/env bash
# Run the whole test suite:  bash scripts/test.sh [pytest arguments]
#
# Installs the project, fetches the embedding model once, and, when run as root (as
# in CI) or when the services are already there, starts a real PostgreSQL, a real
# Elasticsearch and a real Redis so that the suite also runs against them. Tests of a service that is
# not available are skipped with the reason, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
.venv/bin/flask --app wsgi models fetch

can_start_services() { [ "$(id -u)" -eq 0 ]; }

if [ -z "${TEST_DATABASE_URL:-}" ]; then
    if bash scripts/postgres.sh status >/dev/null 2>&1 || { can_start_services && bash scripts/postgres.sh start; }; then
        TEST_DATABASE_URL=$(bash scripts/postgres.sh url)
        export TEST_DATABASE_URL
    fi
fi
if [ -z "${TEST_ELASTICSEARCH_URL:-}" ]; then
    if bash scripts/elasticsearch.sh status >/dev/null 2>&1 || { can_start_services && bash scripts/elasticsearch.sh start; }; then
        export TEST_ELASTICSEARCH_URL="http://127.0.0.1:${ES_PORT:-9200}"
    fi
fi

if [ -z "${TEST_REDIS_URL:-}" ]; then
    if bash scripts/redis.sh status >/dev/null 2>&1 || { can_start_services && bash scripts/redis.sh start; }; then
        TEST_REDIS_URL=$(bash scripts/redis.sh url)
        export TEST_REDIS_URL
    fi
fi

echo "PostgreSQL: ${TEST_DATABASE_URL:-not available}"
echo "Redis: ${TEST_REDIS_URL:-not available}"
echo "Elasticsearch: ${TEST_ELASTICSEARCH_URL:-not available}"
.venv/bin/ruff check .
# The import contracts in pyproject.toml ([tool.importlinter]): a broken one fails the run.
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
