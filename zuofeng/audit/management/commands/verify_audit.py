from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zuofeng.audit.verify import verify_all


class Command(BaseCommand):
    help = (
        "Verify every audit chain (links, keyed hashes, positions, heads) against the "
        "checkpoints in AUDIT_CHECKPOINT_DIR; report what is broken and exit non-zero."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_all()
        if report.directory is None:
            self.stderr.write(
                self.style.WARNING(
                    "未配置检查点目录（AUDIT_CHECKPOINT_DIR）：只校验了数据库内的链。"
                )
            )
        elif not report.checkpoints:
            self.stderr.write(
                self.style.WARNING(
                    f"{report.directory} 中还没有检查点：只校验了数据库内的链"
                    "（运行 manage.py audit_checkpoint，或等待 sweep 写入）。"
                )
            )
        if report.problems:
            for broken in report.problems:
                where = f"审计链 {broken.chain} " if broken.chain else ""
                at = f"在记录 #{broken.event_id} 处" if broken.event_id else ""
                self.stderr.write(f"{where}{at}断开：{broken.problem}")
            first = report.problems[0]
            raise CommandError(
                f"审计链校验失败：{len(report.problems)} 处问题，首个在记录 #{first.event_id}"
                f"（{first.chain or '检查点'}）：{first.problem}"
            )
        checked = ""
        if report.checkpoints:
            latest = report.checkpoints[-1].at
            checked = (
                f"，与 {len(report.checkpoints)} 个外部检查点一致"
                f"（最新 {latest:%Y-%m-%d %H:%M} UTC）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整：{report.chains} 条链共 {report.events} 条记录，全部校验通过{checked}"
            )
        )
