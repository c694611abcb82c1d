"""Import a 12345 hotline export in the foreground: the same import as the upload page, with
a text progress line.

    manage.py import_hotline export.csv --source 12345市民热线 [--user olivia]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.intake import hotline
from complaints.models import HotlineImport, HotlineSource


class Command(BaseCommand):
    help = "导入 12345 热线导出文件（CSV 或 Excel）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="热线数据来源名称（列对应关系）")
        parser.add_argument(
            "--user", help="以哪位督查室工作人员的名义导入（默认：第一个超级管理员）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = HotlineSource.objects.filter(name=options["source"]).first()
        if source is None:
            names = "、".join(HotlineSource.objects.values_list("name", flat=True)) or "（无）"
            raise CommandError(f"没有名为“{options['source']}”的热线数据来源。现有来源：{names}")
        user = self._user(options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            job = hotline.create_import(
                actor=user, source=source, name=path.name, data=path.read_bytes()
            )
        except (hotline.HotlineRefused, PermissionDenied) as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()

        def progress(job: HotlineImport) -> None:
            elapsed = time.monotonic() - started
            sys.stdout.write(
                f"\r已处理 {job.processed_rows}/{job.total_rows} 行，新增 {job.created_count}，"
                f"重复 {job.duplicate_count}，错误 {job.error_count}（{elapsed:.1f} 秒）"
            )
            sys.stdout.flush()

        job = hotline.run_import(job, progress=progress)
        self.stdout.write("")
        if job.status == HotlineImport.Status.FAILED:
            raise CommandError(job.message)
        for error in job.errors[:20]:
            self.stdout.write(f"  第 {error['row']} 行：{error['message']}")
        if job.error_count > 20:
            self.stdout.write(f"  …… 共 {job.error_count} 行错误，详见导入页面")
        self.stdout.write(self.style.SUCCESS(job.message))

    def _user(self, username: str | None) -> Any:
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有用户 {username}")
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("请用 --user 指定督查室工作人员")
        return user
