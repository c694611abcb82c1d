"""The one call other apps use to text someone: `send_text(phone, text, purpose=..., related=...)`.

    from sms.notify import send_text
    from sms.models import SmsMessage

    send_text(case.applicant_phone, f"【{district}】您的办件 {case.number} 已办结，请评价：{link}",
              purpose=SmsMessage.Purpose.RATING_LINK, related=case)

It never raises for a delivery problem (a bad number, the per-phone limit, a gateway that is
down): the platform's own action must not fail because a text could not go out. Each call
stores one SmsMessage row (待发送 → 已发送 / 发送失败 with the reason). Sending happens after
the caller's transaction commits, through the task queue (django-tasks; `db_worker` in the demo
and production, inline in tests with the memory backend), so a rolled-back action sends nothing
and a slow gateway never holds a database lock.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from sms.models import SmsMessage
from zuofeng.ratelimits import parse_rate
from zuofeng.validation import without_controls

# Mainland mobile numbers; "+86", spaces and dashes are accepted and dropped.
_MOBILE = re.compile(r"1[3-9]\d{9}")
MAX_CHARS = 500


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[\s\-()]", "", phone or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def _within_rate(phone: str) -> bool:
    """A fixed-window counter per phone in the shared cache (the key holds a hash, not the
    number). Counted when a text is asked for, so a loop in a caller cannot flood one person."""
    count, period = parse_rate(settings.SMS_RATE)
    window = int(timezone.now().timestamp()) // period
    digest = hashlib.sha256(phone.encode()).hexdigest()[:24]
    key = f"sms:rate:{digest}:{window}"
    cache.add(key, 0, timeout=period)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period)
        used = 1
    return used <= count


def send_text(
    phone: str,
    text: str,
    *,
    purpose: str,
    related: models.Model | None = None,
    secret: str = "",
) -> SmsMessage:
    """Queue one text to one phone; see the module docstring. Returns the stored message."""
    if purpose not in SmsMessage.Purpose.values:
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    number = normalize_phone(phone)
    body = without_controls(text or "").strip()[:MAX_CHARS]
    message = SmsMessage(
        phone=number[:20],
        text=body,
        purpose=purpose,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        created_at=timezone.now(),
        secret_at=body.find(secret) if secret and secret in body else None,
        secret_length=len(secret) if secret and secret in body else 0,
    )
    if not _MOBILE.fullmatch(number):
        message.status, message.error = SmsMessage.Status.FAILED, "手机号码无效"
    elif not body:
        message.status, message.error = SmsMessage.Status.FAILED, "短信内容为空"
    elif not _within_rate(number):
        message.status = SmsMessage.Status.FAILED
        message.error = "同一号码发送过于频繁，已限流"
    message.save()
    if message.status == SmsMessage.Status.QUEUED:
        from sms.tasks import deliver_sms

        message_id = message.pk
        transaction.on_commit(lambda: deliver_sms.enqueue(message_id))
    return message


def messages_about(related: Any) -> models.QuerySet[SmsMessage]:
    """The texts sent about one record, newest first (for its staff page)."""
    return SmsMessage.objects.filter(
        related_type=related._meta.label_lower, related_id=str(related.pk)
    )
