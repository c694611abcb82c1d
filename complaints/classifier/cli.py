"""`manage.py classify`: one complaint text per line on stdin, one JSON object per line out:
{"category", "confidence", "alternatives", "words"}, plus "error" for an empty line.
"alternatives" lists the categories whose probability is close to the top one's ([] when the
top one stands out).

The classifier needs neither the database nor any app, so `manage.py` runs this module
without Django's set-up of every app (`main`), which cost more than classifying 10,000 lines;
the management command (`complaints/management/commands/classify.py`, for `call_command`)
runs the same `classify_lines`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from complaints.classifier.model import Prediction

BATCH = 1000
HELP = "Read one complaint text per line on stdin; write one JSON classification per line."


class Lines:
    """Prediction → its JSON line, equal to ``json.dumps(p.as_dict(), ensure_ascii=False)``
    but built from cached pieces: the words come from the model's fixed vocabulary, so each
    is escaped once, not once per line (json.dumps of every line was a tenth of the run)."""

    def __init__(self) -> None:
        self._quoted: dict[str, str] = {}

    def _q(self, word: str) -> str:
        quoted = self._quoted.get(word)
        if quoted is None:
            quoted = self._quoted[word] = json.dumps(word, ensure_ascii=False)
        return quoted

    def __call__(self, p: Prediction) -> str:
        if p.error:
            return json.dumps(p.as_dict(), ensure_ascii=False)
        q = self._q
        alternatives = ", ".join(
            f'{{"category": {q(c)}, "confidence": {confidence!r}}}'
            for c, confidence in p.alternatives
        )
        words = ", ".join(map(q, p.words))
        return (
            f'{{"category": {q(p.category)}, "confidence": {p.confidence!r}, '
            f'"alternatives": [{alternatives}], "words": [{words}]}}'
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch", type=int, default=BATCH, help="lines per batch")
    parser.add_argument("--no-words", action="store_true", help="omit the 'words' field")


def classify_lines(
    stdin: Any, write: Callable[[str], Any], *, batch: int = BATCH, words: bool = True
) -> None:
    """Classify `stdin` line by line; `write` gets each batch's JSON lines (without the last
    newline: Django's OutputWrapper adds it, `main` adds it too)."""
    from complaints.classifier import get_classifier

    clf = get_classifier()
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(encoding="utf-8", errors="replace")
    lines: Iterable[str] = (line.rstrip("\r\n") for line in stdin)
    to_json = Lines()
    while chunk := list(islice(lines, max(1, batch))):
        write("\n".join(map(to_json, clf.classify_many(chunk, words=words))))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="manage.py classify", description=HELP)
    add_arguments(parser)
    options = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    classify_lines(
        sys.stdin,
        lambda block: sys.stdout.write(block + "\n"),
        batch=options.batch,
        words=not options.no_words,
    )
    sys.stdout.flush()
    return 0
