"""`python manage.py demo_hotline_file [PATH] [--rows N] [--seed N] [--anchor YYYY-MM-DD]`:
write a fictional 12345 hotline export (GBK CSV) of the two weeks before the anchor, to try
the hotline import with the demo's HotlineSource."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from demo.builder import DEFAULT_SEED
from demo.complaints import (
    HOTLINE_SAMPLE,
    HOTLINE_SAMPLE_ROWS,
    HOTLINE_SOURCE,
    write_hotline_sample,
)


class Command(BaseCommand):
    help = "生成虚构的 12345 热线导出文件（GBK 编码 CSV），用于演示热线导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=HOTLINE_SAMPLE)
        parser.add_argument("--rows", type=int, default=HOTLINE_SAMPLE_ROWS, help="工单数")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
        parser.add_argument(
            "--anchor",
            type=dt.date.fromisoformat,
            default=None,
            help="导出截止日期 YYYY-MM-DD（默认今天）",
        )

    def handle(
        self, *args: Any, path: Path, rows: int, seed: int, anchor: dt.date | None, **options: Any
    ) -> None:
        written = write_hotline_sample(path, seed, anchor or timezone.localdate(), rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {path}：{written} 行（含 1 行空诉求、1 个重复工单号，用于演示错误报告）。"
                f"导入时选择数据来源“{HOTLINE_SOURCE}”。"
            )
        )
