"""Builders for test data, importable from any test module: people, organizations,
listings (with realistic texts for matching and classification) and an API client."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind
from portal.listings.service import create_listing, publish_listing, submit_listing
from portal.model_mixins import utcnow
from portal.organizations.models import Organization, OrgKind
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea

TEST_PASSWORD = "correct-horse-42"


def make_org(name: str, kind: OrgKind = OrgKind.UNIVERSITY, **fields: object) -> Organization:
    org = Organization(name=name, kind=kind, **fields)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    email: str,
    role: Role,
    org: Organization | None = None,
    password: str = TEST_PASSWORD,
    *,
    verified: bool = True,
    org_admin: bool = False,
) -> User:
    """An account with a verified address, an approved member of ``org`` when given."""
    user = User(
        email=email,
        name=email.split("@")[0],
        role=role,
        organization=org,
        org_admin=org_admin,
        email_verified_at=utcnow() if verified else None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD) -> TestResponse:
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self) -> TestResponse:
        return self._client.post("/auth/logout")


def make_plan_areas() -> None:
    """Two actions with one field each, enough for area filters."""
    energy = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A01", name="能源绿色低碳转型", level="action"
    )
    storage = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A01.03", name="储能技术", level="field", parent=energy
    )
    negative = TaxonomyArea(taxonomy=PLAN_TAXONOMY, code="A04", name="负碳", level="action")
    ccus = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A04.02", name="CCUS 技术", level="field", parent=negative
    )
    db.session.add_all([energy, storage, negative, ccus])
    db.session.commit()


def listing_data(kind: ListingKind, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "钠离子电池储能系统" if kind is not ListingKind.NEED else "工业园区储能需求",
        "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    }
    data.update(fields)
    return data


def make_listing(
    kind: ListingKind, owner: User, *, published_by: User | None = None, **fields: Any
) -> Listing:
    listing = create_listing(kind, listing_data(kind, **fields), owner)
    if published_by is not None:
        submit_listing(listing, owner)
        publish_listing(listing, published_by)
    db.session.commit()
    return listing


BATTERY = {
    "title": "钠离子电池储能系统",
    "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上，适合削峰填谷。",
    "description": "采用层状氧化物正极和硬碳负极，电芯能量密度 140 Wh/kg，系统可在零下 20 度运行。",
    "keywords": ["钠离子电池", "储能"],
    "trl": 7,
    "price_min": 50,
    "price_max": 120,
    "transfer_modes": ["license", "joint_development"],
}
CCUS = {
    "title": "燃煤电厂烟气二氧化碳捕集技术",
    "summary": "以新型胺吸收剂从燃煤电厂烟气中捕集二氧化碳，捕集率 90% 以上，再生能耗低。",
    "description": "中试装置连续运行 3000 小时，捕集的二氧化碳可用于食品级干冰和驱油。",
    "keywords": ["碳捕集", "CCUS"],
    "trl": 6,
    "price_min": 300,
    "price_max": 800,
    "transfer_modes": ["assignment"],
}
STORAGE_NEED = {
    "title": "工业园区储能需求",
    "summary": "园区希望建设用户侧储能电站，用电池储能削峰填谷，降低峰时电价支出，寿命要长。",
    "description": "需要循环寿命长、安全性好的电池储能系统，规模约 2 MWh，接受许可或合作开发。",
    "min_trl": 6,
    "budget_max": 200,
    "transfer_modes": ["license"],
}


def make_published(kind: ListingKind, owner: User, broker: User, **fields: Any) -> Listing:
    return make_listing(kind, owner, published_by=broker, **fields)


SOLAR = {
    "title": "屋顶分布式光伏发电系统",
    "summary": "工商业屋顶分布式光伏发电与储能一体化系统，自发自用，余电上网。",
}
CARBON_SINK = {
    "title": "碳汇造林与二氧化碳捕集封存",
    "summary": "碳汇林植树造林项目计量监测，燃煤电厂烟气二氧化碳捕集、利用与封存（CCUS）。",
}


def publish_item(owner: User, broker: User, item: dict[str, Any]) -> None:
    make_listing(ListingKind.TECHNOLOGY, owner, published_by=broker, **item)


def org_of(user: User) -> Organization:
    assert user.organization is not None
    return user.organization


class ApiClient:
    """Calls /api/v1 as one person (or anonymously with token=None)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["json"] = body
        return self._client.open("/api/v1" + path, method=method, headers=self._headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)
