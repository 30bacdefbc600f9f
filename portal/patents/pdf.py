"""The landscape report as PDF: headless Chromium prints the self-contained HTML report.

The report holds no script and fetches nothing (charts are inline SVG, text is escaped), so
the browser only lays it out. Chromium runs in a throw-away profile under a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 60


class PdfUnavailable(Exception):
    """No browser to print with, or it failed; str() says which."""


def html_to_pdf(html: str, chromium: str) -> bytes:
    """``html`` printed to PDF (A4, no browser header or footer)."""
    browser = shutil.which(chromium)
    if browser is None:
        raise PdfUnavailable(f"{chromium} not found")
    with tempfile.TemporaryDirectory() as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--disable-background-networking", f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={pdf}", page.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable("the browser took too long") from exc
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise PdfUnavailable("the browser wrote no PDF")
        return pdf.read_bytes()
