"""Recompute the daily rollups from raw records (all days, or a span of local days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.rollups import rebuild


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from error


class Command(BaseCommand):
    help = "从原始记录重建每日汇总（考核度量）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first local day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last local day, YYYY-MM-DD (inclusive)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if start and end and start > end:
            raise CommandError("起始日期不能晚于结束日期")
        written = rebuild(start, end)
        self.stdout.write(f"rollups rebuilt: {written} rows")
