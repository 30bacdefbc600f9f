from pathlib import Path

import pytest

from embeddings.loading import embedder_status, load_embedder
from tests.embeddings.support import TEXTS, assert_unit_rows


def test_load_embedder_uses_the_model_and_reports_it(tiny_model_dir: Path):
    embedder = load_embedder(str(tiny_model_dir), None, None, device="cpu")
    status = embedder_status()
    assert status is not None and status.kind == "sentence-transformers" and not status.fallback
    assert embedder.dim == 32 == status.dim


def test_missing_model_falls_back_loudly(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    missing = tmp_path / "no-such-model"
    embedder = load_embedder(str(missing), None, lambda: ["光伏组件回收", "风电叶片", *TEXTS])
    status = embedder_status()
    assert status is not None and status.fallback and status.kind == "lexical"
    assert "missing" in status.reason and "models fetch" in status.reason
    assert any(r.levelname == "WARNING" and "DEGRADED" in r.getMessage() for r in caplog.records)
    assert_unit_rows(embedder.embed_documents(["光伏", "solar panel 光伏组件"]))


def test_unloadable_model_falls_back(tmp_path: Path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "modules.json").write_text("not json", encoding="utf-8")
    load_embedder(str(broken), None, TEXTS)
    status = embedder_status()
    assert status is not None and status.fallback and "could not be loaded" in status.reason
