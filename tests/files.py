"""Small files that pass the upload checks, which parse what they are given (zuofeng.filecheck):
a header alone is not a PDF, eight magic bytes are not a PNG."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter


def real_pdf() -> bytes:
    """A one-page PDF that parses."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def real_png() -> bytes:
    """A 1 × 1 white PNG that decodes."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, format="PNG")
    return out.getvalue()
