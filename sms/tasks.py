"""The SMS task (django-tasks): takes a message id, queued after the caller's commit."""

from __future__ import annotations

from django_tasks import task

from sms.delivery import deliver


@task()
def deliver_sms(message_id: int) -> str:
    return deliver(message_id)
