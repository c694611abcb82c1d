from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zuofeng.audit.checkpoints import checkpoint_dir, write_checkpoint


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of every audit chain's head to AUDIT_CHECKPOINT_DIR "
        "(ship that directory off the machine; verify_audit compares the database with it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if checkpoint_dir() is None:
            raise CommandError("未配置检查点目录（ZUOFENG_AUDIT_CHECKPOINT_DIR）")
        path, chains = write_checkpoint()
        self.stdout.write(self.style.SUCCESS(f"已写入检查点：{chains} 条审计链的链头 → {path}"))
