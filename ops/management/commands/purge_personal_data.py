from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zuofeng.personal_data import personal_data_stores, purge_all


def retention_days() -> int:
    return settings.PERSONAL_DATA_RETENTION_DAYS


class Command(BaseCommand):
    help = (
        "Anonymise the sealed personal data of every registered store (complainants' "
        "identities, problem raisers, visit counterparts; zuofeng/personal_data.py) whose "
        "matter ended more than N days ago. A dry run unless --apply; every anonymisation is "
        "audited (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="ended more than this many days ago (default: PERSONAL_DATA_RETENTION_DAYS)",
        )
        parser.add_argument(
            "--apply", action="store_true", help="anonymise (without it: only count)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days is None:
            days = retention_days()
        if days < 1:
            raise CommandError("--older-than-days 必须是正整数")
        cutoff = timezone.now() - dt.timedelta(days=days)
        when = f"{cutoff:%Y-%m-%d} 前办结，超过 {days} 天"
        if not options["apply"]:
            for store in personal_data_stores():
                count = store.due(cutoff)
                self.stdout.write(f"试运行：{count} 件{store.label}（{when}）将被匿名化。")
            self.stdout.write("加 --apply 执行。")
            return
        for store, count in purge_all(actor=None, before=cutoff):
            self.stdout.write(f"{store.label}：已匿名化 {count} 件（{when}），每件已记入审计日志。")
