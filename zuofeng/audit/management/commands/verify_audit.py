from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit hash chain; report the first broken link and exit non-zero."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计链在记录 #{broken.event_id} 处断开：{broken.problem}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {count} 条记录，全部校验通过"))
