"""Classify complaint texts from standard input: one text per line in, one JSON object per
line out ({"category", "confidence", "words"}, plus "error" for an empty line)."""

from __future__ import annotations

import json
import sys
from itertools import islice

from django.core.management.base import BaseCommand

BATCH = 1000


class Command(BaseCommand):
    help = "Read one complaint text per line on stdin; write one JSON classification per line."
    stealth_options = ("stdin",)
    # A filter in a pipe: the project-wide system checks (URLs, views, admin) would cost
    # more start-up time than classifying 20,000 lines.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="lines per batch")
        parser.add_argument("--no-words", action="store_true", help="omit the 'words' field")

    def handle(self, *args, **options):
        from complaints.classifier import get_classifier

        clf = get_classifier()
        stdin = options.get("stdin") or sys.stdin
        if hasattr(stdin, "reconfigure"):
            stdin.reconfigure(encoding="utf-8", errors="replace")
        out = self.stdout
        batch = max(1, options["batch"])
        lines = (line.rstrip("\r\n") for line in stdin)
        while chunk := list(islice(lines, batch)):
            preds = clf.classify_many(chunk, words=not options["no_words"])
            out.write("\n".join(json.dumps(p.as_dict(), ensure_ascii=False) for p in preds))
