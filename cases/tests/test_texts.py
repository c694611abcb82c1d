"""Applicants hear from the platform by text: the one-time notice and the rating invitation.

Texts go through `sms` (the in-memory backend in tests) only after the action commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from cases import actions
from cases.tests.test_lifecycle import MONDAY, accepted, submit
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from sms.backends import memory
from sms.models import SmsMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5, online=True)


@pytest.fixture(autouse=True)
def outbox() -> Any:
    memory.reset()
    yield memory.outbox
    memory.reset()


def test_a_decided_case_texts_the_applicant_a_working_rating_link(
    district: District,
    matter: Matter,
    outbox: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ZUOFENG_PUBLIC_URL = "https://zwfw.example.gov.cn"
    case = accepted(district, matter)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_case(actor=district.alice, case=case, approve=True, at=MONDAY)

    [text] = outbox
    assert text.phone == "13800001234"
    assert case.number in text.text and "食品经营许可" in text.text and "评价" in text.text
    link = text.text.split("https://zwfw.example.gov.cn", 1)[1]
    page = Client().get(link)
    assert page.status_code == 200 and "评价" in page.content.decode()
    stored = SmsMessage.objects.get(related_id=str(case.pk))
    assert stored.purpose == SmsMessage.Purpose.RATING_LINK and stored.status == "sent"


def test_a_rolled_back_decision_sends_nothing(
    district: District, matter: Matter, outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = accepted(district, matter)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        actions.decide_case(actor=district.alice, case=case, approve=True, at=MONDAY)
        raise ValueError("the caller failed after deciding")
    assert outbox == []


def test_the_one_time_notice_lists_every_material_by_text(
    district: District, matter: Matter, outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = submit(district, matter)
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_supplement(
            actor=district.alice,
            case=case,
            materials=["营业执照副本", "场所平面图"],
            note="平面图需标明面积",
            internal_note="申请人电话里态度不好",
            at=MONDAY,
        )
    [text] = outbox
    assert "营业执照副本、场所平面图" in text.text and "平面图需标明面积" in text.text
    assert "态度不好" not in text.text  # the internal note never leaves the unit
    assert f"/cases/lookup/?number={case.number}" in text.text
