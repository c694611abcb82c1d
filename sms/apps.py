from __future__ import annotations

from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "短信"

    def ready(self) -> None:
        from sms.delivery import requeue_stale
        from zuofeng.duty.registry import register_sweep_step

        register_sweep_step("sms.requeue", requeue_stale)
