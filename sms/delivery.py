"""Hands a queued message to the configured backend and records the outcome."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from sms.backends import backend_path, get_backend
from sms.backends.base import SmsDeliveryError
from sms.models import SmsMessage

logger = logging.getLogger("sms")
# Queued longer than this without a worker claiming it: the task was lost.
STALE_MINUTES = 10


def _without_secret(message: SmsMessage) -> str:
    if message.secret_at is None:
        return message.text
    at, end = message.secret_at, message.secret_at + message.secret_length
    return message.text[:at] + "*" * 4 + message.text[end:]


def deliver(message_id: int) -> str:
    """Send one queued message once; returns its final status. A secret in the text is kept
    only until the gateway has it (or has refused it): the stored copy loses it then."""
    message = SmsMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != SmsMessage.Status.QUEUED:
        return message.status if message else ""
    path = backend_path()
    # Claimed with a conditional UPDATE (backend set while still queued): a task delivered
    # twice, even to two workers at once, sends the text once.
    claimed = SmsMessage.objects.filter(
        pk=message_id, status=SmsMessage.Status.QUEUED, backend=""
    ).update(backend=path[:100])
    if not claimed:
        return SmsMessage.Status.QUEUED
    try:
        provider_id = get_backend().send(message.phone, message.text, message_id=message.pk)
    except SmsDeliveryError as error:
        SmsMessage.objects.filter(pk=message_id).update(
            status=SmsMessage.Status.FAILED, error=str(error)[:300], text=_without_secret(message)
        )
        return SmsMessage.Status.FAILED
    except Exception as error:  # a backend bug must still leave the row explained
        logger.exception("SMS backend %s failed", path)
        SmsMessage.objects.filter(pk=message_id).update(
            status=SmsMessage.Status.FAILED,
            error=f"发送异常：{type(error).__name__}",
            text=_without_secret(message),
        )
        return SmsMessage.Status.FAILED
    SmsMessage.objects.filter(pk=message_id).update(
        status=SmsMessage.Status.SENT,
        provider_id=provider_id[:100],
        sent_at=timezone.now(),
        text=_without_secret(message),
    )
    return SmsMessage.Status.SENT


def requeue_stale(now: dt.datetime) -> dict[str, int]:
    """A sweep step: a message still waiting after STALE_MINUTES lost its task (the worker was
    down when it was queued); queue it again. A message a worker already claimed (backend set)
    is left alone: it may have gone out, and a text must not be sent twice."""
    from sms.tasks import deliver_sms

    stale = SmsMessage.objects.filter(
        status=SmsMessage.Status.QUEUED,
        backend="",
        created_at__lt=now - dt.timedelta(minutes=STALE_MINUTES),
    ).values_list("pk", flat=True)[:1000]
    count = 0
    for message_id in stale:
        deliver_sms.enqueue(message_id)
        count += 1
    return {"requeued": count} if count else {}
