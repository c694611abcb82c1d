"""SMS backends: one class per way of sending, chosen by settings.SMS_BACKEND."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string

from sms.backends.base import BaseBackend, SmsDeliveryError

MEMORY_BACKEND = "sms.backends.memory.MemoryBackend"

__all__ = ["BaseBackend", "SmsDeliveryError", "backend_path", "get_backend"]


def backend_path() -> str:
    # Like Django's e-mail: under the test environment (setup_test_environment gives
    # django.core.mail an outbox) nothing leaves the process, whatever the settings say.
    if hasattr(mail, "outbox"):
        return MEMORY_BACKEND
    return str(settings.SMS_BACKEND)


def get_backend(**options: Any) -> BaseBackend:
    return import_string(backend_path())(**options)
