from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from zuofeng.duty.sweep import sweep


class Command(BaseCommand):
    help = "Advance every duty clock (warnings, escalations, notifications); idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--loop", type=int, default=0, help="repeat every N seconds (0: run once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["loop"]
        while True:
            started = time.monotonic()
            result = sweep(timezone.now())
            changes = sum(sum(counts.values()) for counts in result.counts.values())
            if changes or not interval:
                self.stdout.write(
                    f"sweep: {changes} changes in {time.monotonic() - started:.2f}s "
                    f"{result.counts or ''}"
                )
            if not interval:
                return
            time.sleep(interval)
