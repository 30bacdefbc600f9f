from pathlib import Path

import pytest

from embeddings.fetch import fetch_default_model, is_model_folder


def test_existing_folder_is_left_alone(tmp_path: Path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert fetch_default_model(tmp_path) == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_incomplete_folder_is_not_a_model(tmp_path: Path):
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    assert not is_model_folder(tmp_path)


@pytest.mark.model
def test_fetched_folder_is_complete(e5_dir: Path):
    assert is_model_folder(e5_dir)
    for name in (
        "tokenizer.json",
        "config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
    ):
        assert (e5_dir / name).is_file()
