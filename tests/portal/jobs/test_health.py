"""``/healthz`` reports each part and fails without a worker; ``/readyz`` needs the database."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.jobs.service import beat, heartbeat_age, keep_beating


def test_health_needs_a_live_worker(
    app: Flask, client: FlaskClient, people: dict[str, User], queue: str
) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = {c["name"]: c for c in response.json["checks"]}
    assert set(checks) == {"database", "search", "worker", "embedder"}
    assert checks["database"]["ok"] and not checks["worker"]["ok"]
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["ok"]


def test_health_says_when_the_queue_is_unreachable(app: Flask, client: FlaskClient) -> None:
    from portal.jobs.queue import configure_queue

    app.config.update(JOBS_URL="redis://127.0.0.1:1/0", JOBS_IMMEDIATE=False)
    configure_queue(app)
    worker = {c["name"]: c for c in client.get("/healthz").json["checks"]}["worker"]
    assert not worker["ok"] and "unreachable" in worker["detail"]
    assert client.get("/readyz").status_code == 200  # pages still work: ready for traffic


def test_ready_and_healthy_answer_without_a_session(app: Flask, client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["ok"]
    assert [(c["name"], c["ok"]) for c in response.json["checks"]] == [("database", True)]
    assert "Set-Cookie" not in client.get("/healthz").headers


def test_the_worker_beats_from_its_own_thread_whatever_its_jobs_do(
    app: Flask, client: FlaskClient, queue: str
) -> None:
    stop = threading.Event()
    beating = threading.Thread(target=keep_beating, args=(stop, 0.05))
    beating.start()
    try:
        assert heartbeat_age() is not None and heartbeat_age() < 1
        worker = {c["name"]: c for c in client.get("/healthz").json["checks"]}["worker"]
        assert worker["ok"]
    finally:
        stop.set()
        beating.join(timeout=5)
    assert not beating.is_alive()  # the worker stops it when its consumer ends
