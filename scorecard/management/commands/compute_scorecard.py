"""Compute one month's scorecard as a draft (and optionally publish it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.actions import compute_month, publish_scorecard
from zuofeng.periods import parse_month


class Command(BaseCommand):
    help = "计算某月考核（草稿），可选直接发布"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--publish", action="store_true", help="publish after computing")
        parser.add_argument("--reason", default="", help="correction reason (published month)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        if month is None:
            raise CommandError("月份格式应为 YYYY-MM")
        try:
            scorecard = compute_month(actor=None, month=month, reason=options["reason"])
            if options["publish"]:
                scorecard = publish_scorecard(actor=None, scorecard=scorecard)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        ranked = scorecard.unit_scores.filter(rank__gt=0).count()
        self.stdout.write(f"{scorecard}: {ranked} units ranked")
