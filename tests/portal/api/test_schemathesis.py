"""Property-based testing of the API against its own OpenAPI document, with Schemathesis.

Schemathesis reads /api/v1/openapi.json from the app (through its WSGI interface, no server),
generates requests for every operation from the document's parameters and bodies, valid and
not, and checks every answer: never a 5xx, status codes the document declares, bodies and
content types that match their schemas. It runs as a broker (who may call every operation)
and anonymously, on SQLite and on PostgreSQL, with a modest number of examples per operation.

Every check runs but "schema-valid data is accepted": the document states types, lengths and
choices, while the domain also refuses what only it can judge (an area code that does not
exist, a status change the workflow does not allow, a text of blanks), so some schema-valid
requests rightly answer 422 or 409; the document declares those answers, and the status
code check holds the API to them.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from portal.listings.kinds import ListingKind
from tests.factories import BATTERY, STORAGE_NEED, make_published

EXAMPLES_PER_OPERATION = 40
@pytest.fixture
def api_schema(app: Flask, people: dict[str, User]) -> schemathesis.BaseSchema:
    app.config["RATE_LIMITS"] = dict.fromkeys(app.config["RATE_LIMITS"], "100000 per minute")
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _check_every_operation(
    schema: schemathesis.BaseSchema, examples: int, headers: dict[str, str]
) -> int:
    """Run Hypothesis over each operation of the document; the number of examples sent."""
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        excluded = [positive_data_acceptance]

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            case.call_and_validate(headers=headers, excluded_checks=excluded)  # noqa: B023

        check()
    return sent


@pytest.fixture
def broker_token(people: dict[str, User]) -> str:
    token = issue_token(people["broker"], "schemathesis").secret
    db.session.commit()
    return token


def test_api_as_a_broker(api_schema: schemathesis.BaseSchema, broker_token: str) -> None:
    sent = _check_every_operation(
        api_schema, EXAMPLES_PER_OPERATION, {"Authorization": f"Bearer {broker_token}"}
    )
    print(f"schemathesis: {sent} examples as a broker")


def test_api_anonymously(api_schema: schemathesis.BaseSchema) -> None:
    sent = _check_every_operation(api_schema, EXAMPLES_PER_OPERATION // 2, {})
    print(f"schemathesis: {sent} examples anonymously")
