"""A corpus of hostile input sent to every form and API write route, and to the list pages.

Each write route of the permission matrix (tests/portal/test_permission_matrix.py, which is
generated from the URL map) gets its valid request with every text value replaced by each
hostile text, and each API route also every wrong JSON type, malformed body and wrong
content type; create routes get other organizations' and impossible owner ids, routes with ids
in the path impossible ids. The caller is one the matrix allows, so the input reaches the
validators. Nothing may answer 5xx, and a refused request (4xx) must leave the database as it
was: every table is compared before and after.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from tests.portal.test_permission_matrix import (
    MATRIX,
    WRITE_ENDPOINTS,
    World,
    Write,
    _as_caller,
    _body,
    _build_world,
    _fresh_client,
)

HOSTILE_TEXTS: list[str | bytes] = [
    "",
    " " * 50,
    "a" * 10_000,
    "长" * 100_000,
    "x" * (2 * 1024 * 1024),  # past the 1 MiB request limit
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}",
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "%' UNION SELECT password_hash FROM users --",
    'title:"储能" OR summary:*',
    'AND OR NOT ( ) " * ? ~ ^ : \\ /',
    "储能 NEAR/3 电池",
    "*:*",
    "\x00",
    "a\x00b",
    "\u202e\u0645\u0631\u062d\u0628\u0627\u202c",  # right-to-left override and Arabic
    "\u200b\u200c\u200d\ufeff",  # zero-width characters and a BOM
    "\ud800",  # a lone surrogate
    "\udfff\ud800",
    "😀👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
    "e\u0301" * 1000,  # combining accents
    "\r\n\r\nBcc: x@evil.example",
    "标题\nSubject: injected",
    b"\xff\xfe\xfd",  # not UTF-8
    "储能系统".encode("gb18030"),  # the right text in the wrong encoding
    "储能".encode("utf-16"),
    "../../etc/passwd",
    "%00%2e%2e",
    "http://169.254.169.254/latest/meta-data",
    '=HYPERLINK("http://evil.example")',
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "-0",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "true",
    "null",
    "[]",
    "{}",
    "𠀀𪚥",  # CJK beyond the BMP
    "\t" * 100,
    "researcher@test.xm",  # another user's e-mail
]
JSON_VALUES: list[Any] = [
    123,
    -1,
    10**100,
    1.5e308,
    -1e308,
    True,
    None,
    [],
    {},
    ["a"] * 1000,
    {"$gt": ""},
    json.loads("[" * 100 + "]" * 100),
]
RAW_BODIES: list[bytes] = [
    b"",
    b"{",
    b'{"title": ',
    b"[]",
    b"null",
    b'"text"',
    b"123",
    b"\xff\xfe{}",
    b'{"title": "a", "title": "b"}',
    b"[" * 100_000,  # deeper than any parser should recurse
    b'{"title": "\\ud800"}',
    b'{"title": NaN, "trl": Infinity}',
]
CONTENT_TYPES: list[tuple[str, bytes]] = [
    ("text/plain", b'{"title": "a"}'),
    ("application/x-www-form-urlencoded", b"title=a&summary=b"),
    (
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data; name=title\r\n\r\na\r\n--x--",
    ),
    ("application/json; charset=gb18030", '{"title": "储能"}'.encode("gb18030")),
    ("application/xml", b"<title>a</title>"),
    ("", b'{"title": "a"}'),
]
OWNER_IDS: list[Any] = ["other", 0, -1, 2**31, 10**30, "1"]
PATH_IDS = ["0", "-1", "2147483648", "other"]
QUERY_CASES: list[dict[str, Any]] = [
    {"page": "-1"},
    {"page": "0"},
    {"per_page": "0"},
    {"per_page": str(10**20)},
    {"page": str(10**20), "per_page": "100"},
    {"page": "abc"},
    {"q": "' OR 1=1 --"},
    {"q": 'title:"x" AND NOT *'},
    {"q": "\x00\ud800"},
    {"q": "长" * 5000},
    {"sort": "bogus", "status": "deleted"},
    {"area": "' OR 1=1", "trl_min": "-5", "trl_max": str(10**30), "limit": "-1"},
    {"org": "-1", "district": "<script>", "transfer_mode": "license' --"},
]
READ_ROUTES = [
    "/api/v1/technologies",
    "/api/v1/needs",
    "/api/v1/organizations",
    "/api/v1/search",
    "/api/v1/needs/{need}/matches",
    "/search",
    "/search/suggest",
    "/catalogue/",
    "/needs/",
    "/orgs/",
    "/matches/board",
    "/matches/",
    "/directory",
    "/export/catalogue.csv",
    "/admin/audit",
]
CASE_COUNT = (
    len(HOSTILE_TEXTS)
    + len(JSON_VALUES)
    + len(RAW_BODIES)
    + len(CONTENT_TYPES)
    + len(OWNER_IDS)
    + len(PATH_IDS)
    + len(QUERY_CASES)
)
# Who sends the input: the first of these the matrix allows, so it passes the permission check.
SENDERS = ("researcher", "enterprise", "broker", "admin", "other_researcher", "other_enterprise")


def test_the_corpus_has_at_least_a_hundred_cases() -> None:
    assert CASE_COUNT >= 100


# Bookkeeping a request may write whatever its answer: when a token was last used.
BOOKKEEPING_COLUMNS = {("api_tokens", "last_used_at")}


def _fingerprint() -> str:
    """Every row of every table, hashed: a refused request must leave it as it was."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING_COLUMNS]
        rows = db.session.execute(select(*columns)).all()
        digest.update(table.name.encode())
        digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def _sender(write: Write) -> str | None:
    return next((who for who in SENDERS if who in write.allowed), None)


def _with_text(body: dict[str, Any], value: str | bytes) -> dict[str, Any]:
    """Every text value of the body replaced (and one text field added where there is none)."""
    changed = {k: value if isinstance(v, str) else v for k, v in body.items()}
    if not any(isinstance(v, str) for v in body.values()):
        changed["comment"] = value
    return changed


def _form_bytes(form: dict[str, Any]) -> bytes:
    """URL-encoded by hand, so lone surrogates and foreign encodings reach the server as is."""
    pairs = []
    for key, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                item = item.encode("utf-8", "surrogatepass")
            pairs.append((key, item if isinstance(item, bytes) else str(item)))
    return urlencode(pairs).encode()


def _json_text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("latin-1")


class Sender:
    """Sends one route's requests as one caller and checks each answer and the database."""

    def __init__(self, client: FlaskClient, write: Write, world: World) -> None:
        self.client, self.write, self.world = client, write, world
        self.headers: dict[str, str] = {}
        if write.path.startswith("/api/") and world.actor is not None:
            self.headers["Authorization"] = "Bearer " + issue_token(world.actor, "h").secret
            db.session.commit()
        self.failures: list[str] = []
        self.sent = 0

    def path(self, replace_id: str | None = None) -> str:
        ids = self.world.ids()
        if replace_id is not None:
            ids = {k: self._other_id(k) if replace_id == "other" else replace_id for k in ids}
        return self.write.path.format(**ids)

    def _other_id(self, name: str) -> Any:
        """Another object's id where this one's is expected: the need's for a technology."""
        ids = self.world.ids()
        swap = {"technology": "need", "need": "technology", "xmu": "firm", "firm": "xmu"}
        return ids.get(swap.get(name, ""), ids[name])

    def send(self, label: str, path: str, **request: Any) -> None:
        before = _fingerprint()
        response = self.client.open(path, method=self.write.method, headers=self.headers, **request)
        self.sent += 1
        db.session.rollback()
        db.session.expire_all()
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{label}: {status}")
        elif status >= 400 and _fingerprint() != before:
            self.failures.append(f"{label}: refused with {status} but stored something")


def _form_cases(sender: Sender) -> None:
    write, world = sender.write, sender.world
    body = dict(_body(write.form, world) or {})
    for number, value in enumerate(HOSTILE_TEXTS):
        if write.files:
            raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
            form = {**body, "file": (io.BytesIO(raw), "导入.csv")}
            sender.send(f"text #{number} as the file", sender.path(), data=form)
            continue
        sender.send(
            f"text #{number}",
            sender.path(),
            data=_form_bytes(_with_text(body, value)),
            content_type="application/x-www-form-urlencoded",
        )


def _json_cases(sender: Sender) -> None:
    write, world = sender.write, sender.world
    body = dict(_body(write.json, world) or {})
    path = sender.path()
    for number, value in enumerate(HOSTILE_TEXTS):
        payload = json.dumps(_with_text(body, _json_text(value)))
        sender.send(f"text #{number}", path, data=payload, content_type="application/json")
    for number, value in enumerate(JSON_VALUES):
        payload = json.dumps({k: value for k in body} or {"text": value})
        sender.send(f"JSON value #{number}", path, data=payload, content_type="application/json")
    for number, raw in enumerate(RAW_BODIES):
        sender.send(f"raw body #{number}", path, data=raw, content_type="application/json")
    for number, (content_type, raw) in enumerate(CONTENT_TYPES):
        sender.send(f"content type #{number}", path, data=raw, content_type=content_type or None)
    if "owner_org_id" in body:
        other = world.ids()["firm" if body["owner_org_id"] == world.xmu.id else "xmu"]
        for number, owner in enumerate(OWNER_IDS):
            payload = {**body, "owner_org_id": other if owner == "other" else owner}
            sender.send(f"owner id #{number}", path, json=payload)


def _path_cases(sender: Sender) -> None:
    if not re.search(r"\{\w+\}", sender.write.path):
        return
    body = _body(sender.write.json, sender.world) or _body(sender.write.form, sender.world) or {}
    for value in PATH_IDS:
        request = {"json": body} if sender.write.json is not None else {"data": body}
        sender.send(f"path id {value}", sender.path(value), **request)


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_hostile_input_to_a_write_route(app: Flask, people: dict[str, User], endpoint: str) -> None:
    app.config["RATE_LIMITS"] = dict.fromkeys(app.config["RATE_LIMITS"], "100000 per minute")
    failures: list[str] = []
    base = _build_world(people)
    for write in MATRIX[endpoint]:
        caller = _sender(write)
        if caller is None:
            continue
        world = _as_caller(base, people, caller)
        sender = Sender(_fresh_client(app, world.actor), write, world)
        if write.json is not None or write.path.startswith("/api/"):
            _json_cases(sender)
        else:
            _form_cases(sender)
        _path_cases(sender)
        failures += [f"{write.method} {write.path} as {caller}, {f}" for f in sender.failures]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("caller", [None, "broker"])
def test_hostile_queries_to_the_list_pages(
    app: Flask, people: dict[str, User], caller: str | None
) -> None:
    app.config["RATE_LIMITS"] = dict.fromkeys(app.config["RATE_LIMITS"], "100000 per minute")
    world = _as_caller(_build_world(people), people, caller or "anonymous")
    client = _fresh_client(app, world.actor)
    failures = []
    for route in READ_ROUTES:
        for number, query in enumerate(QUERY_CASES):
            path = route.format(**world.ids())
            response = client.get(
                path
                + "?"
                + urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
            )
            if response.status_code >= 500:
                failures.append(f"{path} query #{number}: {response.status_code}")
    assert not failures, "\n".join(failures)
