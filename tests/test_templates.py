"""Template hygiene every page relies on."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _project_templates() -> list[Path]:
    skip = {".venv", "node_modules", "staticfiles", "var"}
    return [
        path
        for path in ROOT.rglob("*.html")
        if not skip & set(path.relative_to(ROOT).parts) and "templates" in path.parts
    ]


def test_no_comment_spans_lines() -> None:
    # Django's {# … #} ends at the line: one that runs over two lines is printed on the page
    # as text (a resident once read the catalogue cache's comment above 办事指南).
    broken = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _project_templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert _project_templates()
    assert broken == [], f"multi-line {{# #}} comments (use {{% comment %}}): {broken}"
