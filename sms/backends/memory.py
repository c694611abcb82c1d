"""Keeps messages in a list (tests): nothing is sent."""

from __future__ import annotations

from dataclasses import dataclass

from sms.backends.base import BaseBackend, SmsDeliveryError


@dataclass(frozen=True)
class Sent:
    phone: str
    text: str
    message_id: int


outbox: list[Sent] = []
# Phones a test wants to fail ("the gateway refused"), with the reason.
failing: dict[str, str] = {}


class MemoryBackend(BaseBackend):
    def send(self, phone: str, text: str, *, message_id: int) -> str:
        if phone in failing:
            raise SmsDeliveryError(failing[phone])
        outbox.append(Sent(phone, text, message_id))
        return f"mem-{message_id}"


def reset() -> None:
    outbox.clear()
    failing.clear()
