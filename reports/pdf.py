"""PDF from the .docx through LibreOffice, where it is installed (optional: without it the
pages say so and offer the Word document only)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: int = 120) -> bytes | None:
    program = converter()
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        subprocess.run(
            [program, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={"HOME": folder, "PATH": "/usr/bin:/bin"},
        )
        return (Path(folder) / "report.pdf").read_bytes()
