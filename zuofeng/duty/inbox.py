"""A user's inbox of notifications: what is unread, and marking it read.

Read marks are the reader's own bookkeeping, not a change to any record of the platform (no
duty, deadline or score depends on them), so they are not audited.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zuofeng.duty.models import InboxMark, Notification, NotificationRead


def unread_count(user: Any) -> int:
    """One query: the nav bar pays this on every page."""
    return Notification.objects.unread_for(user).count()


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """A notification in this user's inbox, or 404 (another unit's note included)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)


def mark_read(*, actor: Any, notification: Notification) -> None:
    try:
        with transaction.atomic():
            NotificationRead.objects.get_or_create(
                user=actor, notification=notification, defaults={"read_at": timezone.now()}
            )
    except IntegrityError:
        pass  # marked at the same moment from another tab: already read


def mark_all_read(*, actor: Any) -> None:
    """Everything in the inbox up to now is read; later notifications stay unread."""
    InboxMark.objects.update_or_create(user=actor, defaults={"read_until": timezone.now()})
