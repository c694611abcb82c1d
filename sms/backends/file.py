"""The demo's backend: each message is a JSON line in var/sms/outbox.jsonl and a log line,
so a demo shows what would be sent without a gateway."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from sms.backends.base import BaseBackend

logger = logging.getLogger("sms")
_lock = threading.Lock()


class FileBackend(BaseBackend):
    def send(self, phone: str, text: str, *, message_id: int) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"id": message_id, "phone": phone, "text": text, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with _lock, path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
        logger.warning("SMS (demo, not sent) to %s: %s", phone, text)
        return f"file-{message_id}"


class ConsoleBackend(BaseBackend):
    def send(self, phone: str, text: str, *, message_id: int) -> str:
        print(f"[短信 #{message_id}] {phone}: {text}", flush=True)
        return f"console-{message_id}"
