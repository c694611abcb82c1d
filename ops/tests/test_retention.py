"""Retention and key rotation of complainants' personal data (docs/operations.md):
`purge_personal_data` anonymises the identities of complaints closed long ago, and
`reseal_identities` re-encrypts every identity with the newest key so old keys can go."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from complaints import actions
from complaints.identity import Identity, unseal
from complaints.models import ComplainantIdentity, Complaint, ComplaintAttachment
from sms.models import SmsMessage
from zuofeng.audit.models import AuditEvent
from zuofeng.uploads import has_original, open_original, store_upload

pytestmark = pytest.mark.django_db
TEXT = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
NAME, PHONE, ID_NUMBER = "柯星澜", "13912345678", "99999919800101777X"


def closed(district: Any, days_ago: int, *, actor: Any = None, **kwargs: Any) -> Complaint:
    """A complaint filed, triaged, answered and closed (satisfied) `days_ago` days ago."""
    start = timezone.now() - dt.timedelta(days=days_ago + 3)
    complaint, _ = actions.file_complaint(
        actor=actor,
        channel=Complaint.Channel.WEB,
        text=TEXT,
        unit=district.market,
        at=start,
        **kwargs,
    )
    complaint = actions.triage(
        actor=district.olivia, complaint=complaint, category="service", at=start
    )
    complaint = actions.answer(
        actor=district.alice, complaint=complaint, text="已批评教育当事人", at=start
    )
    return actions.record_callback(
        actor=district.olivia,
        complaint=complaint,
        result=Complaint.Callback.SATISFIED,
        at=timezone.now() - dt.timedelta(days=days_ago),
    )


def identity_of(complaint: Complaint) -> ComplainantIdentity:
    return ComplainantIdentity.objects.get(complaint=complaint)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("现场照片.png", out.getvalue(), content_type="image/png")


def test_the_purge_is_a_dry_run_until_applied_then_anonymises_old_closed_complaints_once(
    district: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("complaints.handling.actions.RETENTION_BATCH", 1)  # one per batch
    who = Identity(name=NAME, phone=PHONE, id_number=ID_NUMBER)
    old = closed(district, 400, actor=district.ruth, identity=who)
    anonymous = closed(district, 400)
    recent = closed(district, 100, identity=who)
    still_open, _ = actions.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text=TEXT,
        unit=district.market,
        identity=who,
        at=timezone.now() - dt.timedelta(days=500),
    )
    attachment = store_upload(
        ComplaintAttachment, photo(), at=timezone.now(), seal_original=True, complaint=old
    )
    assert has_original(attachment.file)
    applicant = district.client_for(district.ruth)
    assert old.number in applicant.get("/my/complaints/").content.decode()

    assert "2 件" in run("--older-than-days", "365")
    assert unseal(identity_of(old).sealed) == who  # the dry run changed nothing
    assert not AuditEvent.objects.filter(action="complaints.anonymise_identity").exists()

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--older-than-days", "365", "--apply")
    assert "已匿名化 2 件" in output
    row = identity_of(old)
    assert row.anonymised_at is not None and row.user_id is None
    assert row.sealed == ""
    assert identity_of(anonymous).anonymised_at is not None
    # Recent and open complaints keep their complainant.
    assert unseal(identity_of(recent).sealed) == who
    assert unseal(identity_of(still_open).sealed) == who
    # The photo's sealed original is gone; the metadata-free copy stays with the complaint.
    attachment.refresh_from_db()
    assert not has_original(attachment.file)
    assert attachment.file.storage.exists(attachment.file.name)
    # The receipt text (the phone, the receipt code) is emptied; the recent one's stays.
    texts = SmsMessage.objects.filter(related_type="complaints.complaint")
    assert not texts.filter(related_id=str(old.pk)).exclude(phone="").exists()
    assert PHONE not in str(list(texts.filter(related_id=str(old.pk)).values()))
    assert set(texts.filter(related_id=str(recent.pk)).values_list("phone", flat=True)) == {PHONE}
    # The applicant's account no longer lists it.
    assert old.number not in applicant.get("/my/complaints/").content.decode()

    events = AuditEvent.objects.filter(action="complaints.anonymise_identity")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        [str(old.pk), str(anonymous.pk)]
    )
    logged = str(list(events.values("before", "after", "reason", "object_label")))
    assert not any(secret in logged for secret in (NAME, PHONE, ID_NUMBER, PHONE[-4:]))
    assert events.get(object_id=str(old.pk)).after["photo_originals_deleted"] == 1

    # Idempotent: a second run finds nothing and audits nothing.
    assert "已匿名化 0 件" in run("--older-than-days", "365", "--apply")
    assert events.count() == 2


def test_the_default_period_is_the_setting_and_the_office_sees_the_identity_is_gone(
    district: Any, settings: Any
) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    complaint = closed(district, 40, identity=Identity(name=NAME, phone=PHONE))
    closed(district, 10, identity=Identity(name=NAME, phone=PHONE))
    assert "1 件" in run()
    assert "已匿名化 1 件" in run("--apply")

    office = district.client_for(district.olivia)
    detail = office.get(f"/staff/complaints/{complaint.pk}/").content.decode()
    assert "匿名化" in detail and "查看举报人身份</a>" not in detail
    url = f"/staff/complaints/{complaint.pk}/reveal/"
    page = office.get(url).content.decode()
    assert "匿名化" in page and NAME not in page
    posted = office.post(url, {"reason": "核实举报人身份"}, follow=True).content.decode()
    assert "匿名化" in posted and NAME not in posted and PHONE not in posted
    assert not AuditEvent.objects.filter(action="complaints.reveal_identity").exists()


def test_only_the_office_or_the_operator_anonymises(district: Any) -> None:
    from django.core.exceptions import PermissionDenied

    closed(district, 400, identity=Identity(name=NAME))
    with pytest.raises(PermissionDenied):
        actions.anonymise_identities(actor=district.alice, closed_before=timezone.now())
    assert actions.anonymise_identities(actor=district.olivia, closed_before=timezone.now()) == 1


def test_after_resealing_the_old_identity_key_can_be_removed(district: Any, settings: Any) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [old_key]}
    people = [Identity(name=f"{NAME}{n}", phone=f"1391234567{n}") for n in range(3)]
    complaints = [closed(district, 5, identity=who) for who in people]
    attachment = store_upload(
        ComplaintAttachment,
        photo(),
        at=timezone.now(),
        seal_original=True,
        complaint=complaints[0],
    )
    original = open_original(attachment.file)

    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [new_key, old_key]}
    out = io.StringIO()
    call_command("reseal_identities", "--batch-size", "2", stdout=out)
    assert "3 份举报人身份" in out.getvalue() and "1 份照片原件" in out.getvalue()

    settings.ZUOFENG = {**settings.ZUOFENG, "IDENTITY_KEYS": [new_key]}
    assert [unseal(identity_of(c).sealed) for c in complaints] == people
    assert open_original(attachment.file) == original
    [event] = AuditEvent.objects.filter(action="complaints.reseal_identities")
    assert event.after == {"identities": 3, "photo_originals": 1}


def test_both_commands_reach_every_registered_store_of_personal_data(
    district: Any, monkeypatch: Any
) -> None:
    from zuofeng import personal_data

    purged: list[dt.datetime] = []
    resealed: list[int] = []

    def purge(*, actor: Any, before: dt.datetime) -> int:
        purged.append(before)
        return 7

    def reseal(*, actor: Any, batch_size: int) -> dict[str, int]:
        resealed.append(batch_size)
        return {"份走访对象联系方式": 4}

    stores = dict(personal_data._STORES)
    stores["test.counterparts"] = personal_data.PersonalDataStore(
        key="test.counterparts",
        label="走访对象联系方式",
        due=lambda before: 5,
        purge=purge,
        reseal=reseal,
    )
    monkeypatch.setattr(personal_data, "_STORES", stores)

    assert "5 件走访对象联系方式" in run("--older-than-days", "30")
    assert purged == []
    assert "走访对象联系方式：已匿名化 7 件" in run("--older-than-days", "30", "--apply")
    assert len(purged) == 1 and purged[0] < timezone.now() - dt.timedelta(days=29)

    out = io.StringIO()
    call_command("reseal_identities", "--batch-size", "3", stdout=out)
    assert "4 份走访对象联系方式" in out.getvalue() and resealed == [3]
