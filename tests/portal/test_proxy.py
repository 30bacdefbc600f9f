"""Behind a trusted reverse proxy, limits by address count each client, not the proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db

TEXT = {"text": "屋顶分布式光伏发电与储能一体化系统"}
PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy


def _app(tmp_path: Path, hops: int) -> Iterator[Flask]:
    class Proxied(TestConfig):
        PROXY_FIX_X_FOR = hops
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        SEARCH_INDEX_DIR = str(tmp_path / "search")

    app = create_app(Proxied)
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "CLASSIFY_ANONYMOUS": "2 per minute"}
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Flask]:
    yield from _app(tmp_path, 1)


@pytest.fixture
def unproxied(tmp_path: Path) -> Iterator[Flask]:
    yield from _app(tmp_path, 0)


def _classify(app: Flask, client_address: str) -> int:
    return (
        app.test_client()
        .post(
            "/api/v1/classify/carbon",
            json=TEXT,
            headers={"X-Forwarded-For": client_address},
            environ_base=PROXY,
        )
        .status_code
    )


def test_clients_behind_a_trusted_proxy_are_counted_apart(proxied: Flask) -> None:
    first = [_classify(proxied, "203.0.113.7") for _ in range(3)]
    assert first == [200, 200, 429]
    assert _classify(proxied, "198.51.100.9") == 200  # another client still has its quota


def test_only_the_trusted_hop_counts(proxied: Flask) -> None:
    """A client cannot pick its address: with one proxy only the address it appended counts."""
    answers = [_classify(proxied, f"192.0.2.{n}, 203.0.113.7") for n in range(3)]
    assert answers == [200, 200, 429]


def test_without_the_setting_forwarded_addresses_are_ignored(unproxied: Flask) -> None:
    answers = [_classify(unproxied, f"203.0.113.{n}") for n in range(3)]
    assert answers == [200, 200, 429]  # one count: the header is not trusted


def test_negative_hop_counts_are_refused() -> None:
    class Wrong(TestConfig):
        PROXY_FIX_X_FOR = -1

    with pytest.raises(ValueError):
        create_app(Wrong)
