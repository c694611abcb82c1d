"""One-time notices (issue 11, defect 7) and the printed documents the law expects: what the
applicant reads is typed apart from what stays internal; each listed material is tracked; the
一次性告知书, the 不予受理决定书 and the receipt with its QR code print on A4 for the unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cases import actions
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.duty.models import Escalation, EscalationLevel

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "租赁合同需加盖出租方公章"
INTERNAL_TEXT = "申请人态度差，注意留存录音"


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5, online=True)


@pytest.fixture
def case(district: District, matter: Matter) -> Case:
    return actions.submit_case(
        actor=district.ruth,
        matter=matter,
        channel=Case.Channel.ONLINE,
        applicant_name="张三丰",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        applicant_user=district.ruth,
    )


def text(response: Any) -> str:
    return response.content.decode()


def notify(district: District, case: Case, client: Client) -> Any:
    return client.post(
        f"/staff/cases/{case.pk}/request_supplement/",
        {
            "materials": "营业执照副本\n房屋租赁合同",
            "note": PUBLIC_TEXT,
            "internal_note": INTERNAL_TEXT,
        },
        follow=True,
    )


# --- what the applicant reads, what stays internal -------------------------------------------


def test_the_notice_form_labels_the_applicants_text_apart_from_the_internal_note(
    district: District, case: Case
) -> None:
    html = text(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert "告知申请人的说明（申请人可见，印在一次性告知书上）" in html
    assert "内部备注（仅工作人员可见，不告知申请人）" in html


def test_the_internal_note_never_reaches_the_applicant(district: District, case: Case) -> None:
    notify(district, case, district.client_for(district.alice))
    ruth = district.client_for(district.ruth)

    mine = text(ruth.get(f"/my/cases/{case.number}/"))
    found = text(
        Client().post("/cases/lookup/", {"number": case.number, "query_code": case.query_code})
    )
    printed = text(
        district.client_for(district.alice).get(
            f"/staff/cases/{case.pk}/notices/{case.supplement_requests.get().pk}/print/"
        )
    )

    assert PUBLIC_TEXT in mine and PUBLIC_TEXT in printed
    for page in (mine, found, printed):
        assert INTERNAL_TEXT not in page
    staff = text(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))
    assert INTERNAL_TEXT in staff and "内部备注（申请人不可见）" in staff


def test_the_supplement_message_mentions_no_paused_clock_before_acceptance(
    district: District, case: Case
) -> None:
    html = text(notify(district, case, district.client_for(district.alice)))

    assert "已一次性告知补正材料 2 项" in html
    assert "暂停计时" not in html
    assert "受理期限不再计算" in html


def test_the_supplement_message_mentions_the_pause_when_the_promised_clock_ran(
    district: District, case: Case
) -> None:
    actions.accept_case(actor=district.alice, case=case)

    html = text(notify(district, case, district.client_for(district.alice)))

    assert "办理时限暂停计时" in html


def test_supplying_one_of_two_materials_leaves_the_notice_open(
    district: District, case: Case
) -> None:
    actions.accept_case(actor=district.alice, case=case)
    client = district.client_for(district.alice)
    notify(district, case, client)

    html = text(
        client.post(f"/staff/cases/{case.pk}/supply/", {"materials": ["营业执照副本"]}, follow=True)
    )

    case.refresh_from_db()
    notice = case.supplement_requests.get()
    assert case.status == Case.Status.SUPPLEMENT and case.clock_paused_at is not None
    assert notice.supplied_at is None and notice.supplied_materials == ["营业执照副本"]
    assert "尚缺：房屋租赁合同" in html
    # Only what is still missing is offered to tick.
    assert 'value="房屋租赁合同"' in html and 'value="营业执照副本"' not in html


# --- printed documents ---------------------------------------------------------------------


def test_the_one_time_notice_prints_with_unit_number_date_and_every_material(
    district: District, case: Case
) -> None:
    client = district.client_for(district.alice)
    notify(district, case, client)
    notice = case.supplement_requests.get()

    html = text(client.get(f"/staff/cases/{case.pk}/"))
    url = f"/staff/cases/{case.pk}/notices/{notice.pk}/print/"
    assert url in html  # linked from the case page
    printed = text(client.get(url))

    assert "补正材料一次性告知书" in printed
    assert district.market.name in printed and case.number in printed
    assert "<li>营业执照副本</li>" in printed and "<li>房屋租赁合同</li>" in printed
    assert f"{notice.requested_at:%Y}年" in printed
    assert "cases/cases.css" in printed  # the A4 print stylesheet
    assert 'class="qr-code"' in printed


def test_the_refusal_decision_prints_reason_basis_and_the_right_to_appeal(
    district: District, case: Case
) -> None:
    actions.refuse_acceptance(
        actor=district.alice,
        case=case,
        reason="申请事项不属于本单位职权范围",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
    )
    client = district.client_for(district.alice)

    assert f"/staff/cases/{case.pk}/refusal/print/" in text(client.get(f"/staff/cases/{case.pk}/"))
    printed = text(client.get(f"/staff/cases/{case.pk}/refusal/print/"))

    assert "不予受理决定书" in printed
    assert district.market.name in printed and case.number in printed
    assert "申请事项不属于本单位职权范围" in printed
    assert "第三十二条第一款" in printed
    assert "申请行政复议" in printed and "提起行政诉讼" in printed


def test_there_is_no_refusal_decision_for_an_accepted_case(district: District, case: Case) -> None:
    actions.accept_case(actor=district.alice, case=case)

    response = district.client_for(district.alice).get(f"/staff/cases/{case.pk}/refusal/print/")

    assert response.status_code == 404


def test_the_receipt_carries_a_qr_code_of_the_lookup_and_the_supervision_phone(
    district: District, case: Case
) -> None:
    html = text(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/receipt/"))

    assert '<svg width="' in html and 'class="qr-code"' in html  # inline, no image request
    assert f"/cases/lookup/?number={case.number}" in html
    assert case.query_code not in html.split("<svg")[1].split("</svg>")[0]
    assert "监督电话" in html and "0000-12345" in html


def test_the_supervision_phone_is_a_setting(district: District, case: Case, settings: Any) -> None:
    settings.CASE_SUPERVISION_PHONE = "0000-54321"

    html = text(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/receipt/"))

    assert "0000-54321" in html


def test_the_lookup_page_opened_from_the_qr_code_has_the_number_filled_in(
    case: Case,
) -> None:
    html = text(Client().get(f"/cases/lookup/?number={case.number}"))

    assert f'value="{case.number}"' in html


def test_only_the_handling_unit_prints_documents(district: District, case: Case) -> None:
    client = district.client_for(district.alice)
    notify(district, case, client)
    notice = case.supplement_requests.get()
    for user in (district.bob, district.olivia):
        other = district.client_for(user)
        assert other.get(f"/staff/cases/{case.pk}/notices/{notice.pk}/print/").status_code == 404
        assert other.get(f"/staff/cases/{case.pk}/receipt/").status_code == 404


# --- the escalation drill-down -------------------------------------------------------------


def test_each_escalation_count_links_to_exactly_the_records_behind_it(
    district: District, matter: Matter
) -> None:
    from django.utils import timezone

    now = timezone.now()
    make = lambda label, unit, level: Escalation.objects.create(  # noqa: E731
        duty_type="cases.case",
        duty_id=label,
        duty_label=label,
        unit=unit,
        level=level,
        created_at=now,
        due_at=now,
    )
    make("A-1", district.market, EscalationLevel.HEAD)
    make("A-2", district.market, EscalationLevel.HEAD)
    make("A-3", district.market, EscalationLevel.OFFICE)
    make("B-1", district.hr, EscalationLevel.OFFICE)
    office = district.client_for(district.olivia)

    html = text(office.get("/staff/cases/escalated/?level=1"))
    link = f"?level=1&amp;record_unit={district.market.code}&amp;record_level=1#records"
    assert f'<a href="{link}">2</a>' in html

    filtered = text(
        office.get(
            f"/staff/cases/escalated/?level=1&record_unit={district.market.code}&record_level=1"
        )
    )
    records = filtered.split('id="records"')[1]
    assert "A-1" in records and "A-2" in records
    assert "A-3" not in records and "B-1" not in records


def test_the_handler_column_does_not_wrap_one_character_per_line(
    district: District, case: Case
) -> None:
    actions.accept_case(actor=district.alice, case=case)
    Case.objects.filter(pk=case.pk).update(escalation_level=EscalationLevel.HEAD)
    head = district.client_for(district.ahead)

    escalated = text(head.get("/staff/cases/escalated/"))
    detail = text(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert '<th class="nowrap-cell">经办人</th>' in escalated
    assert '<th class="nowrap-cell">经办人</th>' in detail
    assert "cases/cases.css" in escalated and "cases/cases.css" in detail
