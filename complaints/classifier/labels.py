"""Staff-confirmed labels: the training data that improves the classifier over time."""

from __future__ import annotations

import csv
from pathlib import Path

from complaints.classifier.seed_corpus import CATEGORIES


def confirmed_labels() -> list[tuple[str, str]]:
    """(category, text) pairs for every complaint whose category triage staff confirmed or
    corrected: `manage.py train_classifier` trains on them together with the seed corpus."""
    from complaints.models import Complaint

    rows = Complaint.objects.filter(triaged_at__isnull=False, category__isnull=False)
    return [
        (category, text)
        for category, text in rows.values_list("category_id", "text").iterator(chunk_size=5000)
        if category in CATEGORIES
    ]


def read_labels_tsv(path: Path | str) -> list[tuple[str, str]]:
    """(category, text) pairs from a UTF-8 TSV file: category code, a tab, the text.

    Blank lines and lines starting with '#' are skipped; an unknown category is an error
    naming the line.
    """
    pairs: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", newline="") as f:
        for lineno, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if len(row) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'category<TAB>text'")
            category, text = row[0].strip(), "\t".join(row[1:]).strip()
            if category not in CATEGORIES:
                raise ValueError(
                    f"{path}:{lineno}: unknown category {category!r}; "
                    f"expected one of {', '.join(CATEGORIES)}"
                )
            pairs.append((category, text))
    return pairs
