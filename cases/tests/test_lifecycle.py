"""The case lifecycle: every step an action with its audit event, and nothing out of order.

submitted → accepted | supplement requested (一次性告知) | not accepted
accepted → processing steps → approved | refused → closed
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions
from cases.models import Attachment, Case, CaseEvent, SupplementRequest, Transfer
from catalog.actions import archive_matter
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from tests.files import real_pdf, real_png
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.transitions import Conflict

SH = ZoneInfo("Asia/Shanghai")
PDF = real_pdf()  # uploads are checked by parsing them
PNG = real_png()


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


MONDAY = at(2026, 11, 2)  # an ordinary working week: 2–6 November 2026


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5, online=True)


def submit(
    d: District,
    matter: Matter,
    *,
    actor: Any = None,
    channel: str = Case.Channel.WINDOW,
    when: dt.datetime = MONDAY,
    files: list[tuple[str, Any]] | None = None,
) -> Case:
    return actions.submit_case(
        actor=actor or d.amy,
        matter=matter,
        channel=channel,
        applicant_name="张三",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        applicant_user=d.ruth,
        files=files,
        at=when,
    )


def accepted(d: District, matter: Matter) -> Case:
    return actions.accept_case(actor=d.alice, case=submit(d, matter), at=MONDAY)


def pdf(name: str = "身份证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def audit_actions(case: Case) -> list[str]:
    return list(AuditEvent.objects.for_object(case).values_list("action", flat=True))


def event_kinds(case: Case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def everything(case: Case) -> dict[str, Any]:
    """All a user could notice about a case: its row and every record hanging off it."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "events": list(CaseEvent.objects.filter(case=case).values()),
        "notices": list(SupplementRequest.objects.filter(case=case).values()),
        "transfers": list(Transfer.objects.filter(case=case).values()),
        "attachments": list(Attachment.objects.filter(case=case).values()),
        "audit": AuditEvent.objects.count(),
    }


# --- the happy paths ------------------------------------------------------------------


def test_window_submission_gets_a_public_number_and_a_secret_query_code(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    assert case.status == Case.Status.SUBMITTED
    assert case.number.startswith("20261102")
    assert len(case.query_code) == 8
    assert not set(case.query_code) & set("01OI")
    assert event_kinds(case) == [CaseEvent.Kind.SUBMITTED]
    assert audit_actions(case) == ["cases.submit_case"]
    assert verify_chain() is None


def test_applicant_submits_online_for_a_matter_offered_online(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter, actor=district.ruth, channel=Case.Channel.ONLINE)
    assert (case.status, case.channel, case.applicant_user) == (
        Case.Status.SUBMITTED,
        Case.Channel.ONLINE,
        district.ruth,
    )
    assert case.events.get().actor == district.ruth


def test_online_submission_is_refused_for_a_matter_not_offered_online(
    district: District,
) -> None:
    counter_only = make_matter(district.market, online=False)
    with pytest.raises(ValidationError, match="不能网上办理"):
        submit(district, counter_only, actor=district.ruth, channel=Case.Channel.ONLINE)
    assert not Case.objects.exists()


def test_a_case_for_an_archived_matter_is_refused(district: District, matter: Matter) -> None:
    archive_matter(actor=district.olivia, matter=matter, reason="事项取消")
    with pytest.raises(ValidationError, match="已停用"):
        submit(district, matter)
    with pytest.raises(ValidationError, match="已停用"):
        submit(district, matter, actor=district.ruth, channel=Case.Channel.ONLINE)
    assert not Case.objects.exists()


def test_full_lifecycle_records_every_step_with_handler_time_and_audit_event(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter, when=at(2026, 11, 2, 9))
    case = actions.accept_case(actor=district.amy, case=case, at=at(2026, 11, 2, 10))
    actions.record_step(
        actor=district.alice, case=case, note="审查申请材料", at=at(2026, 11, 3, 11)
    )
    actions.record_step(
        actor=district.ahead,
        case=case,
        note="现场核查经营场所",
        public_note="已现场核查",
        at=at(2026, 11, 4, 15),
    )
    case = actions.decide_case(actor=district.ahead, case=case, approve=True, at=at(2026, 11, 5))
    assert case.status == Case.Status.APPROVED
    assert case.clock_stopped_at == at(2026, 11, 5)
    assert not case.overdue_at_stop
    case = actions.close_case(actor=district.alice, case=case, at=at(2026, 11, 6))
    assert case.status == Case.Status.CLOSED

    timeline = [(e.kind, e.actor, e.at) for e in case.events.all()]
    assert timeline == [
        (CaseEvent.Kind.SUBMITTED, district.amy, at(2026, 11, 2, 9)),
        (CaseEvent.Kind.ACCEPTED, district.amy, at(2026, 11, 2, 10)),
        (CaseEvent.Kind.STEP, district.alice, at(2026, 11, 3, 11)),
        (CaseEvent.Kind.STEP, district.ahead, at(2026, 11, 4, 15)),
        (CaseEvent.Kind.APPROVED, district.ahead, at(2026, 11, 5)),
        (CaseEvent.Kind.CLOSED, district.alice, at(2026, 11, 6)),
    ]
    assert case.events.filter(kind=CaseEvent.Kind.ACCEPTED).get().public_note == (
        "已受理，承诺 2026年11月09日 前办结"
    )
    assert audit_actions(case) == [
        "cases.submit_case",
        "cases.accept_case",
        "cases.record_step",
        "cases.record_step",
        "cases.decide_case",
        "cases.close_case",
    ]
    actors = list(AuditEvent.objects.for_object(case).values_list("actor", flat=True))
    who = [
        district.amy,
        district.amy,
        district.alice,
        district.ahead,
        district.ahead,
        district.alice,
    ]
    assert actors == [user.pk for user in who]
    assert verify_chain() is None


def test_refusal_needs_a_reason_and_a_legal_basis_which_the_applicant_sees(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)
    for reason, basis in [("", "《食品安全法》第三十五条"), ("场所不符合要求", "  ")]:
        with pytest.raises(ValidationError):
            actions.decide_case(
                actor=district.alice, case=case, approve=False, reason=reason, legal_basis=basis
            )
        case.refresh_from_db()
        assert case.status == Case.Status.ACCEPTED
    case = actions.decide_case(
        actor=district.alice,
        case=case,
        approve=False,
        reason="经营场所与住宅未有效隔离",
        legal_basis="《食品安全法》第三十五条",
    )
    assert case.status == Case.Status.REFUSED
    assert (case.decision_reason, case.decision_legal_basis) == (
        "经营场所与住宅未有效隔离",
        "《食品安全法》第三十五条",
    )
    public = case.events.get(kind=CaseEvent.Kind.REFUSED).public_note
    assert "经营场所与住宅未有效隔离" in public and "《食品安全法》第三十五条" in public
    assert audit_actions(case)[-1] == "cases.decide_case"
    assert verify_chain() is None


def test_not_accepting_needs_a_reason_and_a_legal_basis(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    with pytest.raises(ValidationError):
        actions.refuse_acceptance(
            actor=district.alice, case=case, reason="不属于本部门职权", legal_basis=""
        )
    with pytest.raises(ValidationError):
        actions.refuse_acceptance(
            actor=district.alice, case=case, reason=" ", legal_basis="第三十二条"
        )
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    case = actions.refuse_acceptance(
        actor=district.alice,
        case=case,
        reason="不属于本部门职权范围",
        legal_basis="《行政许可法》第三十二条",
    )
    assert case.status == Case.Status.NOT_ACCEPTED
    assert case.clock_started_at is None and case.due_at is None
    public = case.events.get(kind=CaseEvent.Kind.NOT_ACCEPTED).public_note
    assert "不属于本部门职权范围" in public and "《行政许可法》第三十二条" in public
    assert audit_actions(case) == ["cases.submit_case", "cases.refuse_acceptance"]
    assert verify_chain() is None


# --- 一次性告知 ----------------------------------------------------------------------


def test_one_time_notice_lists_every_missing_material_in_one_notice(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    notice = actions.request_supplement(
        actor=district.amy,
        case=case,
        materials=["营业执照副本", " ", "经营场所证明", "食品安全管理制度"],
        note="请一次带齐",
        at=MONDAY,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT
    assert notice.materials == ["营业执照副本", "经营场所证明", "食品安全管理制度"]
    assert not notice.is_repeat and not case.one_time_rule_broken
    assert case.supplement_count == 1
    public = case.events.get(kind=CaseEvent.Kind.SUPPLEMENT_REQUESTED).public_note
    assert public == "请补正材料：营业执照副本、经营场所证明、食品安全管理制度"
    assert audit_actions(case)[-1] == "cases.request_supplement"
    assert verify_chain() is None


def test_a_notice_must_name_the_missing_materials(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    with pytest.raises(ValidationError):
        actions.request_supplement(actor=district.amy, case=case, materials=["", "  "])
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    assert not SupplementRequest.objects.exists()


def test_supplied_materials_return_the_case_to_the_counter_for_acceptance(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    actions.request_supplement(actor=district.amy, case=case, materials=["营业执照副本"], at=MONDAY)
    case = actions.supply_materials(
        actor=district.ruth, case=case, files=[("营业执照副本", pdf("执照.pdf"))], at=MONDAY
    )
    assert case.status == Case.Status.SUBMITTED
    assert case.supplement_requests.get().supplied_at == MONDAY
    assert case.attachments.get().material_name == "营业执照副本"
    case = actions.accept_case(actor=district.amy, case=case, at=at(2026, 11, 3))
    assert case.status == Case.Status.ACCEPTED
    assert audit_actions(case) == [
        "cases.submit_case",
        "cases.request_supplement",
        "cases.supply_materials",
        "cases.accept_case",
    ]


def test_second_notice_for_the_same_case_is_recorded_as_breaking_the_one_time_rule(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    actions.request_supplement(actor=district.amy, case=case, materials=["营业执照副本"], at=MONDAY)
    actions.supply_materials(actor=district.amy, case=case, note="已当面提交", at=MONDAY)
    second = actions.request_supplement(
        actor=district.alice, case=case, materials=["健康证明"], at=at(2026, 11, 3)
    )
    case.refresh_from_db()
    assert second.is_repeat
    assert case.one_time_rule_broken
    assert case.supplement_count == 2
    assert [n.is_repeat for n in case.supplement_requests.all()] == [False, True]
    last = AuditEvent.objects.for_object(case).last()
    assert last.action == "cases.request_supplement"
    assert "违反一次性告知" in last.reason
    assert last.after["one_time_rule_broken"] is True


def test_a_case_accepted_and_then_sent_for_supplement_cannot_be_not_accepted(
    district: District, matter: Matter
) -> None:
    # Once accepted, the case ends with a decision; 不予受理 would leave its clock paused forever.
    case = accepted(district, matter)
    actions.request_supplement(actor=district.alice, case=case, materials=["健康证明"], at=MONDAY)
    before = everything(case)
    with pytest.raises(Conflict, match="已于 2026年11月02日 受理"):
        actions.refuse_acceptance(
            actor=district.alice, case=case, reason="逾期未补正", legal_basis="第三十二条"
        )
    assert everything(case) == before


# --- nothing out of order ---------------------------------------------------------------

STATES = [
    "submitted",
    "supplement",
    "supplement_after_acceptance",
    "accepted",
    "not_accepted",
    "approved",
    "refused",
    "closed",
]


def case_in(state: str, d: District, matter: Matter) -> Case:
    """A case brought to `state` through the actions themselves."""
    case = submit(d, matter)
    if state in {"accepted", "supplement_after_acceptance", "approved", "refused", "closed"}:
        case = actions.accept_case(actor=d.alice, case=case, at=MONDAY)
    if state in {"supplement", "supplement_after_acceptance"}:
        actions.request_supplement(actor=d.alice, case=case, materials=["健康证明"], at=MONDAY)
    if state == "not_accepted":
        actions.refuse_acceptance(
            actor=d.alice, case=case, reason="不属于本部门", legal_basis="第三十二条"
        )
    if state in {"approved", "closed"}:
        actions.decide_case(actor=d.alice, case=case, approve=True, at=MONDAY)
    if state == "refused":
        actions.decide_case(
            actor=d.alice, case=case, approve=False, reason="不符合条件", legal_basis="第三十八条"
        )
    if state == "closed":
        actions.close_case(actor=d.alice, case=case, at=MONDAY)
    case.refresh_from_db()
    return case


Act = Callable[[District, Case, Any], Any]

# Each action, done by a member of the case's unit, and the states it accepts.
ACTIONS: dict[str, tuple[Act, set[str]]] = {
    "accept": (lambda d, c, who: actions.accept_case(actor=who, case=c), {"submitted"}),
    "request_supplement": (
        lambda d, c, who: actions.request_supplement(actor=who, case=c, materials=["营业执照"]),
        {"submitted", "accepted"},
    ),
    "supply_materials": (
        lambda d, c, who: actions.supply_materials(actor=who, case=c, note="已当面提交"),
        {"supplement", "supplement_after_acceptance"},
    ),
    "refuse_acceptance": (
        lambda d, c, who: actions.refuse_acceptance(
            actor=who, case=c, reason="材料不全", legal_basis="《行政许可法》第三十二条"
        ),
        {"submitted", "supplement"},
    ),
    "record_step": (
        lambda d, c, who: actions.record_step(actor=who, case=c, note="审查"),
        {"accepted"},
    ),
    "approve": (
        lambda d, c, who: actions.decide_case(actor=who, case=c, approve=True),
        {"accepted"},
    ),
    "refuse": (
        lambda d, c, who: actions.decide_case(
            actor=who, case=c, approve=False, reason="不符合条件", legal_basis="第三十八条"
        ),
        {"accepted"},
    ),
    "close": (
        lambda d, c, who: actions.close_case(actor=who, case=c),
        {"approved", "refused", "not_accepted"},
    ),
    "transfer": (
        lambda d, c, who: actions.transfer_case(actor=who, case=c, to_unit=d.hr, reason="职能调整"),
        {"submitted", "accepted"},
    ),
}
FORBIDDEN = [(a, s) for a, (_, ok) in ACTIONS.items() for s in STATES if s not in ok]
ALLOWED = [(a, s) for a, (_, ok) in ACTIONS.items() for s in STATES if s in ok]


@pytest.mark.parametrize(
    ("action", "state"), FORBIDDEN, ids=[f"{a}-from-{s}" for a, s in FORBIDDEN]
)
def test_out_of_order_step_is_refused_with_a_clear_message_and_changes_nothing(
    district: District, matter: Matter, action: str, state: str
) -> None:
    case = case_in(state, district, matter)
    before = everything(case)
    do, _ = ACTIONS[action]
    with pytest.raises(Conflict) as refused:
        do(district, case, district.alice)
    message = str(refused.value)
    assert case.number in message
    assert "不能" in message
    assert everything(case) == before
    assert verify_chain() is None


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_the_same_step_in_order_is_done_and_audited(
    district: District, matter: Matter, action: str, state: str
) -> None:
    # The twin of the matrix above: the refusals there come from the state, nothing else.
    case = case_in(state, district, matter)
    audit_before = AuditEvent.objects.count()
    do, _ = ACTIONS[action]
    do(district, case, district.alice)
    assert AuditEvent.objects.count() == audit_before + 1
    assert verify_chain() is None


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_staff_of_another_unit_cannot_act_on_the_case_and_nothing_changes(
    district: District, matter: Matter, action: str, state: str
) -> None:
    case = case_in(state, district, matter)
    before = everything(case)
    do, _ = ACTIONS[action]
    with pytest.raises(PermissionDenied):
        do(district, case, district.bob)
    assert everything(case) == before


def test_staff_of_another_unit_cannot_submit_at_the_counter(
    district: District, matter: Matter
) -> None:
    for channel in [Case.Channel.WINDOW, Case.Channel.PHONE, Case.Channel.SELF_SERVICE]:
        with pytest.raises(PermissionDenied):
            submit(district, matter, actor=district.bob, channel=channel)
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.submit_case").exists()


def test_an_applicant_cannot_accept_their_own_case(district: District, matter: Matter) -> None:
    case = submit(district, matter, actor=district.ruth, channel=Case.Channel.ONLINE)
    before = everything(case)
    with pytest.raises(PermissionDenied):
        actions.accept_case(actor=district.ruth, case=case)
    assert everything(case) == before


# --- transfers (转办) and buck-passing (推诿) ------------------------------------------


def test_transfer_needs_a_reason(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    with pytest.raises(ValidationError):
        actions.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="  ")
    case.refresh_from_db()
    assert case.unit == district.market
    assert not Transfer.objects.exists()


def test_one_transfer_is_not_buck_passing_and_the_receiving_unit_takes_over(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    transfer = actions.transfer_case(
        actor=district.alice, case=case, to_unit=district.hr, reason="属人社局职责", at=MONDAY
    )
    case.refresh_from_db()
    assert (case.unit, case.transfer_count, case.buck_passing) == (district.hr, 1, False)
    assert not transfer.is_return
    event = case.events.get(kind=CaseEvent.Kind.TRANSFERRED)
    assert (event.actor, event.unit, event.note) == (
        district.alice,
        district.market,
        "属人社局职责",
    )
    assert event.public_note == "转 区人力资源和社会保障局 办理"
    with pytest.raises(PermissionDenied):
        actions.accept_case(actor=district.alice, case=case)
    case = actions.accept_case(actor=district.bob, case=case, at=MONDAY)
    assert case.status == Case.Status.ACCEPTED
    assert audit_actions(case)[-2:] == ["cases.transfer_case", "cases.accept_case"]


def test_a_second_transfer_is_buck_passing(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    actions.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="属人社局")
    second = actions.transfer_case(
        actor=district.bob, case=case, to_unit=district.town, reason="属地管理"
    )
    case.refresh_from_db()
    assert not second.is_return
    assert (case.unit, case.transfer_count, case.buck_passing) == (district.town, 2, True)


def test_sending_the_case_back_to_a_unit_that_already_had_it_is_a_return(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    actions.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="属人社局")
    back = actions.transfer_case(
        actor=district.bob, case=case, to_unit=district.market, reason="不属我局"
    )
    case.refresh_from_db()
    assert back.is_return
    assert case.buck_passing
    assert case.unit == district.market
    assert [t.is_return for t in case.transfers.all()] == [False, True]


def test_transfer_to_ones_own_unit_is_refused(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    before = everything(case)
    with pytest.raises(ValidationError, match="不能转给本单位"):
        actions.transfer_case(
            actor=district.alice, case=case, to_unit=district.market, reason="重新分办"
        )
    assert everything(case) == before


# --- window authorisation (明进暗不进) -------------------------------------------------


def test_receive_only_window_forwards_the_case_to_the_back_office(district: District) -> None:
    matter = make_matter(
        district.market, online=True, window_authority=Matter.WindowAuthority.RECEIVE_ONLY
    )
    case = submit(district, matter, channel=Case.Channel.WINDOW)
    assert case.forwarded_to_back_office
    assert event_kinds(case) == [CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.FORWARDED]
    forwarded = case.events.get(kind=CaseEvent.Kind.FORWARDED)
    assert forwarded.public_note == "窗口已收件，转单位后台审批"
    assert AuditEvent.objects.for_object(case).get().after["forwarded_to_back_office"] is True


def test_online_case_for_a_receive_only_matter_is_not_forwarded(district: District) -> None:
    matter = make_matter(
        district.market, online=True, window_authority=Matter.WindowAuthority.RECEIVE_ONLY
    )
    case = submit(district, matter, actor=district.ruth, channel=Case.Channel.ONLINE)
    assert not case.forwarded_to_back_office
    assert event_kinds(case) == [CaseEvent.Kind.SUBMITTED]


def test_an_authorised_window_does_not_forward(district: District, matter: Matter) -> None:
    assert matter.window_authority == Matter.WindowAuthority.DECIDE
    case = submit(district, matter, channel=Case.Channel.WINDOW)
    assert not case.forwarded_to_back_office
    assert event_kinds(case) == [CaseEvent.Kind.SUBMITTED]


# --- attachments ------------------------------------------------------------------------


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_uploads_are_stored_under_media_root_with_generated_names(
    district: District, matter: Matter, media_root: Path
) -> None:
    case = submit(
        district,
        matter,
        files=[
            ("居民身份证", pdf("张三 身份证.pdf")),
            ("经营场所照片", SimpleUploadedFile("门面.PNG", PNG, content_type="image/png")),
        ],
    )
    files = stored_files(media_root)
    assert len(files) == 2
    attachments = list(case.attachments.all())
    assert [a.original_name for a in attachments] == ["张三 身份证.pdf", "门面.PNG"]
    for attachment, suffix in zip(attachments, [".pdf", ".png"], strict=True):
        path = Path(attachment.file.path)
        assert path.parent == media_root / "cases" / str(case.pk)
        assert path.name == attachment.token + suffix
        assert path.read_bytes()[:4] in {PDF[:4], PNG[:4]}
        assert "身份证" not in attachment.file.name and "门面" not in attachment.file.name


def test_an_uploaded_name_with_a_path_is_refused_and_nothing_is_written(
    district: District, matter: Matter, media_root: Path
) -> None:
    # Django keeps only the last "/" part of an upload's name; a Windows path or a file
    # handed over by other code (the API, an import) still reaches the check whole.
    for upload in [
        pdf("..\\..\\static\\index.pdf"),
        ContentFile(PDF, name="../../etc/passwd.pdf"),
        ContentFile(PDF, name="/var/www/x.pdf"),
    ]:
        with pytest.raises(ValidationError, match="不允许的字符"):
            submit(district, matter, files=[("居民身份证", upload)])
    assert stored_files(media_root) == []
    assert not Case.objects.exists()


def test_one_bad_file_refuses_the_application_and_leaves_no_file_behind(
    district: District, matter: Matter, media_root: Path
) -> None:
    fake = SimpleUploadedFile("执照.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        submit(district, matter, files=[("居民身份证", pdf()), ("营业执照", fake)])
    assert stored_files(media_root) == []
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_bad_supplement_file_leaves_the_case_waiting_and_no_file_behind(
    district: District, matter: Matter, media_root: Path
) -> None:
    case = submit(district, matter)
    actions.request_supplement(actor=district.amy, case=case, materials=["营业执照副本"])
    before = everything(case)
    fake = SimpleUploadedFile("执照.png", PDF, content_type="image/png")
    with pytest.raises(ValidationError):
        actions.supply_materials(
            actor=district.ruth, case=case, files=[("健康证明", pdf()), ("营业执照副本", fake)]
        )
    assert everything(case) == before
    assert stored_files(media_root) == []
