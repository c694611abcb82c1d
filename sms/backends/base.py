from __future__ import annotations

from typing import Any


class SmsDeliveryError(Exception):
    """The message could not be handed over; the text is stored as the failure reason."""


class BaseBackend:
    """Hands one text to one phone. Return the provider's message id ("" if none); raise
    SmsDeliveryError when the message was not accepted."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, phone: str, text: str, *, message_id: int) -> str:
        raise NotImplementedError
