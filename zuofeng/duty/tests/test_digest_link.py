"""A digest notification (several duties in one message) links somewhere even when its kind
has no list page: the inbox shows it as a link to the first duty, not as dead text."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import District
from tests.dutyapp.models import Chore
from zuofeng.duty.models import Notification
from zuofeng.duty.registry import DutyKind
from zuofeng.duty.sweep import NotificationDigest


@pytest.mark.django_db
def test_a_digest_without_a_list_page_links_to_its_first_duty(district: District) -> None:
    kind = DutyKind(model=Chore, url_name="cases:staff_detail")
    digest = NotificationDigest(kind, timezone.now())
    for pk in (41, 42):
        digest.add(district.market.pk, Notification.Audience.UNIT_HEAD, "已超期", pk, f"C{pk}")
    digest.save()
    note = Notification.objects.get()
    assert note.title.startswith("2 件") and note.link == "/staff/cases/41/"
