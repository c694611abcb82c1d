"""Compute one month's scorecard as a draft. Publishing is not offered here: a draft is
published from its review page by a second supervision-office user, never by whoever (or
whatever) computed it (design §7)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.actions import compute_month
from zuofeng.periods import parse_month


class Command(BaseCommand):
    help = "计算某月考核（草稿）；发布须由另一名督查室人员在审核页面完成"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--reason", default="", help="correction reason (published month)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        if month is None:
            raise CommandError("月份格式应为 YYYY-MM")
        try:
            scorecard = compute_month(actor=None, month=month, reason=options["reason"])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        ranked = scorecard.unit_scores.filter(rank__gt=0).count()
        self.stdout.write(f"{scorecard}: {ranked} units ranked (draft)")
