"""Complainants hear from the platform by text: the receipt (number, code, follow link) when a
complaint with a phone is filed, and a notice when the handling unit's answer is published.
The phone is read from the sealed identity inside the actions only; 12345 imports and
anonymous complaints text no one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from complaints import actions
from complaints.identity import Identity
from complaints.models import Complaint
from complaints.tests.test_actions import at, file
from complaints.tests.test_hotline import MARK_PHONE, ROWS, csv_bytes, run
from sms.backends import memory
from sms.models import SmsMessage

pytestmark = pytest.mark.django_db
PHONE = "13800005678"


@pytest.fixture(autouse=True)
def outbox() -> Any:
    memory.reset()
    yield memory.outbox
    memory.reset()


def test_a_complaint_with_a_phone_texts_its_number_code_and_a_working_follow_link(
    district: Any, outbox: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ZUOFENG_PUBLIC_URL = "https://zf.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        complaint, code = file(district, identity=Identity(name="张小明", phone=PHONE))

    [text] = outbox
    assert text.phone == PHONE
    assert complaint.number in text.text and code in text.text
    link = re.search(r"https://zf\.example\.gov\.cn(\S+)", text.text).group(1)
    assert code not in link  # the code is typed, never carried in a link
    page = Client().get(link)
    assert page.status_code == 200
    assert f'value="{complaint.number}"' in page.content.decode()
    # With the code from the text, the complainant follows the complaint.
    followed = Client()
    followed.post(link, {"step": "lookup", "number": complaint.number, "code": code})
    assert complaint.number in followed.get(link.split("?")[0]).content.decode()
    stored = SmsMessage.objects.get()
    assert stored.purpose == SmsMessage.Purpose.COMPLAINT_RECEIPT
    assert (stored.related_type, stored.related_id) == ("complaints.complaint", str(complaint.pk))
    # Only the phone got the code: the stored copy does not let a database reader follow it.
    assert code not in stored.text and complaint.number in stored.text


def test_anonymous_complaints_and_hotline_imports_text_no_one(
    district: Any, outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        file(district)  # no identity at all
        file(district, identity=Identity(name="李四", contact="青石镇一号"))  # no phone
        job = run(district, csv_bytes(ROWS))
    assert job.created_count >= 1
    assert Complaint.objects.filter(channel=Complaint.Channel.HOTLINE).exists()
    assert outbox == [] and not SmsMessage.objects.exists()
    assert MARK_PHONE not in str(list(SmsMessage.objects.values()))


def answered(district: Any, identity: Identity | None) -> Complaint:
    complaint, _ = file(district, identity=identity)
    complaint = actions.triage(
        actor=district.olivia, complaint=complaint, category="service", at=at(2, 11)
    )
    return complaint


def test_the_published_answer_is_announced_by_text_without_the_unit_seeing_the_phone(
    district: Any, outbox: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ZUOFENG_PUBLIC_URL = "https://zf.example.gov.cn"
    complaint = answered(district, Identity(name="张小明", phone=PHONE))
    memory.reset()
    staff = district.client_for(district.alice)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(actor=district.alice, complaint=complaint, text="已批评教育当事人", at=at(4))

    [text] = outbox
    assert text.phone == PHONE
    assert complaint.number in text.text and "答复" in text.text
    assert "已批评教育当事人" not in text.text
    assert "https://zf.example.gov.cn/" in text.text
    assert SmsMessage.objects.filter(purpose=SmsMessage.Purpose.COMPLAINT_ANSWER).count() == 1
    # The handling unit's page of the complaint never shows the number.
    page = staff.get(f"/staff/complaints/{complaint.pk}/")
    assert page.status_code == 200
    assert PHONE not in page.content.decode() and PHONE[-4:] not in page.content.decode()


def test_an_answer_to_an_anonymous_complaint_texts_no_one(
    district: Any, outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = answered(district, None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(actor=district.alice, complaint=complaint, text="已整改", at=at(4))
    assert outbox == []
