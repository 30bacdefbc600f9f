"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (what scripts/serve.sh runs).

Sync workers, twice the cores plus one (pages are short and CPU-bound; indexing, ranking and
mail run in the job worker, not here); `WEB_CONCURRENCY` overrides. The access log is JSON lines
in the portal's own log format (time, level, logger, message) with the request's method, path,
status, size, duration and the proxy-supplied client address. Each worker loads the search
backends and the embedding model before it takes requests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from typing import Any

from gunicorn.glogging import Logger

from portal.logging_setup import JsonFormatter

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A page that takes longer than this is a bug; the worker is restarted and the request fails.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so slow leaks never accumulate; not so often that a burst of
# cached pages (a millisecond each) restarts them every few seconds, each restart loading the app.
max_requests = 100_000
max_requests_jitter = 10_000
# Only the reverse proxy on this machine may set X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonLinesLogger(Logger):
    """gunicorn's logger with the portal's JSON-lines formatter on both its logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = int(str(resp.status).split(None, 1)[0])
        fields = {
            "method": req.method,
            "path": req.path,
            "query": req.query or None,
            "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")),
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        message = f"{req.method} {req.path} {status}"
        self.access_log.log(logging.INFO, message, extra={"fields": fields})


logger_class = JsonLinesLogger


def post_worker_init(worker: Any) -> None:
    """Open the search backends (which loads the embedding model) before taking requests, so
    no visitor's search waits for the model; `WARM_SEARCH=false` leaves it to the first use."""
    if os.environ.get("WARM_SEARCH", "true").lower() in ("0", "false", "no", "off"):
        return
    from portal.search_index.backends import get_backends

    app = worker.wsgi
    with app.app_context():
        get_backends(app)
