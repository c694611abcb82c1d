from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from complaints.actions import anonymise_identities
from complaints.handling.actions import due_for_anonymising


def retention_days() -> int:
    return settings.PERSONAL_DATA_RETENTION_DAYS


class Command(BaseCommand):
    help = (
        "Anonymise the complainants' identities (sealed name, phone, ID number, contact; the "
        "link to the applicant account; photo originals) of complaints closed more than N days "
        "ago. A dry run unless --apply; every anonymisation is audited (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="closed more than this many days ago (default: PERSONAL_DATA_RETENTION_DAYS)",
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
        if not options["apply"]:
            count = due_for_anonymising(cutoff).count()
            self.stdout.write(
                f"试运行：{count} 件举报（{cutoff:%Y-%m-%d} 前办结，超过 {days} 天）的举报人身份"
                "将被匿名化。加 --apply 执行。"
            )
            return
        count = anonymise_identities(actor=None, closed_before=cutoff)
        self.stdout.write(
            f"已匿名化 {count} 件举报（{cutoff:%Y-%m-%d} 前办结，超过 {days} 天）的举报人身份，"
            "每件已记入审计日志。"
        )
