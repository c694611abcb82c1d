from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zuofeng.personal_data import reseal_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every sealed identity of every registered store (complainants, problem "
        "raisers, visit counterparts; zuofeng/personal_data.py) and every sealed photo original "
        "with the newest key of ZUOFENG_IDENTITY_KEYS, so that the older keys can then be "
        "removed. In batches; audited once per run (counts only). See docs/operations.md, Keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reseal_all(actor=None, batch_size=max(1, options["batch_size"]))
        done = "、".join(f"{count} {noun}" for noun, count in counts.items()) or "0 份"
        self.stdout.write(
            f"已用最新密钥重新加密 {done}。确认备份后即可从 ZUOFENG_IDENTITY_KEYS 中删除旧密钥。"
        )
