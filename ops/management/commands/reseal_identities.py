from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from complaints.actions import reseal_identities


class Command(BaseCommand):
    help = (
        "Re-encrypt every complainant identity (and every sealed photo original) with the "
        "newest key of ZUOFENG_IDENTITY_KEYS, so that the older keys can then be removed. "
        "In batches; audited once per run (counts only). See docs/operations.md, Keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        done = reseal_identities(actor=None, batch_size=max(1, options["batch_size"]))
        self.stdout.write(
            f"已用最新密钥重新加密 {done['identities']} 份举报人身份、"
            f"{done['photo_originals']} 份照片原件。确认备份后即可从 ZUOFENG_IDENTITY_KEYS "
            "中删除旧密钥。"
        )
