"""Classification on the real embedder (multilingual-e5-small), as the running portal uses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import PROJECT_ROOT
from portal.accounts.models import User
from portal.classification.classifiers import AREA_KEY, CARBON_KEY
from portal.embeddings.service import EXTENSION_KEY
from tests.factories import AuthActions

MODEL = Path(
    os.environ.get("EMBEDDING_MODEL_DIR", PROJECT_ROOT / "instance/models/multilingual-e5-small")
)

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def e5_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One instance folder for the session, so its vector cache embeds each text once."""
    return tmp_path_factory.mktemp("e5-instance")


@pytest.fixture
def e5_app(app: Flask, e5_instance: Path) -> Flask:
    if not (MODEL / "model.safetensors").is_file():
        message = f"{MODEL} is missing: run `flask --app wsgi models fetch`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    for key in (EXTENSION_KEY, CARBON_KEY, AREA_KEY):
        app.extensions.pop(key, None)
    app.config.update(EMBEDDER="model", EMBEDDING_MODEL=str(MODEL))
    app.instance_path = str(e5_instance)
    return app


def test_area_of_a_paraphrase(e5_app: Flask, client: FlaskClient) -> None:
    # no field's name or key term is in the text: the model has to see the meaning
    response = client.post(
        "/api/v1/classify/area", json={"text": "在厂房屋顶铺设太阳能板，把阳光变成电卖给电网"}
    )
    plan = [c["code"] for c in response.json["candidates"] if c["taxonomy"] == "plan"]
    assert "A01.01" in plan or "A05.02" in plan  # 新能源发电技术 / 超高效光伏


def test_carbon_type_with_the_model(e5_app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/classify/carbon",
        json={"text": "屋顶分布式光伏电站与储能系统的设计、建设和运营"},
    )
    assert response.json["carbon_type"] == "zero"
    assert any("相似度" in reason for reason in response.json["reasons"])


def test_embedder_page_names_the_model(
    e5_app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    body = client.get("/admin/embedder").get_data(as_text=True)
    assert "multilingual-e5-small" in body and "384" in body and "语义模型已加载" in body
