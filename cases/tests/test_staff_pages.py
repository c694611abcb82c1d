"""Staff pages of cases: the unit's queue (red first), one case with the actions its state
allows, the head's escalations, the hall counter in one POST, and the printable receipt."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases.models import Case, Transfer
from catalog.actions import archive_matter
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from tests.files import real_pdf
from zuofeng.duty.models import Escalation, EscalationLevel, WarningLevel

pytestmark = pytest.mark.django_db

PDF = real_pdf()  # uploads are checked by parsing them
FULL_NAME, FULL_PHONE, FULL_ID = "张三丰", "13800001234", "110101199001011234"
MASKED_NAME, MASKED_PHONE, MASKED_ID = "张**", "138****1234", "1101**********1234"


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5)


def submit(
    d: District,
    matter: Matter,
    *,
    actor: Any = None,
    when: dt.datetime | None = None,
    name: str = FULL_NAME,
) -> Case:
    return actions.submit_case(
        actor=actor or d.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name=name,
        applicant_phone=FULL_PHONE,
        applicant_id_number=FULL_ID,
        at=when,
    )


def accepted(d: District, matter: Matter, **kwargs: Any) -> Case:
    return actions.accept_case(actor=d.alice, case=submit(d, matter, **kwargs))


def page_of(response: Any) -> str:
    return response.content.decode()


def numbers_in(html: str) -> list[str]:
    return re.findall(r'href="/staff/cases/\d+/">(\d+)</a>', html)


def act_url(case: Case, action: str) -> str:
    return f"/staff/cases/{case.pk}/{action}/"


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_lists_the_most_urgent_cases_first(district: District, matter: Matter) -> None:
    levels = [WarningLevel.NONE, WarningLevel.BLUE, WarningLevel.RED, WarningLevel.YELLOW]
    cases = {level: accepted(district, matter) for level in levels}
    for level, case in cases.items():
        Case.objects.filter(pk=case.pk).update(warning_level=level)
    waiting = submit(district, matter)  # its acceptance deadline, as far as the none case

    html = page_of(district.client_for(district.alice).get("/staff/cases/"))

    assert numbers_in(html) == [
        cases[WarningLevel.RED].number,
        cases[WarningLevel.YELLOW].number,
        cases[WarningLevel.BLUE].number,
        cases[WarningLevel.NONE].number,
        waiting.number,
    ]
    assert '<span class="tag is-danger">红色预警</span>' in html


def test_within_a_warning_level_the_nearest_deadline_comes_first(
    district: District, matter: Matter
) -> None:
    slow = make_matter(district.market, name="慢事项", promised_limit_days=10)
    later = accepted(district, slow)
    sooner = accepted(district, matter)

    html = page_of(district.client_for(district.alice).get("/staff/cases/"))

    assert numbers_in(html) == [sooner.number, later.number]


def test_the_queue_filters_by_warning_level_matter_and_status(
    district: District, matter: Matter
) -> None:
    other = make_matter(district.market, name="药品经营许可")
    red = accepted(district, matter)
    Case.objects.filter(pk=red.pk).update(warning_level=WarningLevel.RED)
    plain = accepted(district, matter)
    of_other = submit(district, other)
    done = accepted(district, matter)
    actions.decide_case(actor=district.alice, case=done, approve=True)
    client = district.client_for(district.alice)

    assert numbers_in(page_of(client.get("/staff/cases/?level=red"))) == [red.number]
    by_matter = numbers_in(page_of(client.get(f"/staff/cases/?matter={other.pk}")))
    assert by_matter == [of_other.number]
    assert numbers_in(page_of(client.get("/staff/cases/?status=submitted"))) == [of_other.number]
    assert done.number not in numbers_in(page_of(client.get("/staff/cases/")))
    assert set(numbers_in(page_of(client.get("/staff/cases/?status=all")))) == {
        red.number,
        plain.number,
        of_other.number,
        done.number,
    }


def test_a_bad_filter_is_reported_and_ignored(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = district.client_for(district.alice).get("/staff/cases/?level=purple&flag=nope")

    assert response.status_code == 200
    html = page_of(response)
    assert numbers_in(html) == [case.number]
    assert "部分筛选条件无效" in html
    assert "不支持的筛选项" in html


def test_the_queue_shows_masked_names_channel_and_flags(district: District, matter: Matter) -> None:
    forwarded = make_matter(
        district.market, window_authority=Matter.WindowAuthority.RECEIVE_ONLY, name="只收件事项"
    )
    case = submit(district, forwarded)
    actions.request_supplement(actor=district.alice, case=case, materials=["营业执照"])
    actions.supply_materials(actor=district.alice, case=case, note="当面提交")
    actions.request_supplement(actor=district.alice, case=case, materials=["租赁合同"])

    html = page_of(district.client_for(district.alice).get("/staff/cases/"))

    assert MASKED_NAME in html and FULL_NAME not in html
    assert "大厅窗口" in html
    assert ">转后台</span>" in html
    assert ">重复补正</span>" in html


def test_the_queue_shows_only_the_users_unit(district: District, matter: Matter) -> None:
    ours = submit(district, matter)
    theirs = submit(district, make_matter(district.hr), actor=district.bob)

    assert numbers_in(page_of(district.client_for(district.alice).get("/staff/cases/"))) == [
        ours.number
    ]
    office = district.client_for(district.olivia)
    assert set(numbers_in(page_of(office.get("/staff/cases/")))) == {ours.number, theirs.number}
    assert numbers_in(page_of(office.get("/staff/cases/?unit=HRS"))) == [theirs.number]


def test_an_empty_queue_says_so(district: District) -> None:
    html = page_of(district.client_for(district.alice).get("/staff/cases/"))

    assert "没有符合条件的办件" in html


def test_applicants_and_the_public_do_not_get_the_queue(district: District) -> None:
    assert district.client_for(district.ruth).get("/staff/cases/").status_code == 404
    assert Client().get("/staff/cases/").status_code == 302


def _queue_queries(district: District, matter: Matter, count: int) -> int:
    for _ in range(count):
        case = accepted(district, matter)
        Case.objects.filter(pk=case.pk).update(warning_level=WarningLevel.BLUE, buck_passing=True)
    client = district.client_for(district.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/cases/")
    assert response.status_code == 200
    assert len(numbers_in(page_of(response))) == Case.objects.open().count()
    return len(queries)


def test_the_queue_costs_the_same_queries_for_5_or_20_cases(
    district: District, matter: Matter
) -> None:
    few = _queue_queries(district, matter, 5)
    many = _queue_queries(district, matter, 15)

    assert few == many
    assert many <= 12


def test_the_queue_pages_by_20(district: District, matter: Matter) -> None:
    for _ in range(21):
        submit(district, matter)
    client = district.client_for(district.alice)

    assert len(numbers_in(page_of(client.get("/staff/cases/")))) == 20
    assert len(numbers_in(page_of(client.get("/staff/cases/?page=2")))) == 1


# --- one case -------------------------------------------------------------------------------


def test_another_units_case_does_not_exist_for_the_user(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    bob = district.client_for(district.bob)

    assert bob.get(f"/staff/cases/{case.pk}/").status_code == 404
    assert bob.post(act_url(case, "accept")).status_code == 404
    assert bob.get(f"/staff/cases/{case.pk}/receipt/").status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_the_handling_unit_sees_the_applicant_in_full(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    html = page_of(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert FULL_NAME in html and FULL_PHONE in html and FULL_ID in html
    assert case.query_code in html


def test_the_office_reads_a_case_masked_and_without_actions(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)

    response = district.client_for(district.olivia).get(f"/staff/cases/{case.pk}/")

    html = page_of(response)
    assert response.status_code == 200
    assert MASKED_NAME in html and MASKED_PHONE in html and MASKED_ID in html
    assert FULL_NAME not in html and FULL_PHONE not in html and FULL_ID not in html
    assert case.query_code not in html
    assert "/accept/" not in html and '<form method="post" action="/staff' not in html


def test_the_office_cannot_act_on_a_case(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = district.client_for(district.olivia).post(act_url(case, "accept"))

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_the_detail_shows_timeline_deadline_transfers_and_notices(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)
    actions.record_step(
        actor=district.alice, case=case, note="现场核查：场所与申报一致", public_note="现场核查"
    )
    actions.request_supplement(
        actor=district.alice, case=case, materials=["营业执照副本", "租赁合同"]
    )

    html = page_of(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert "现场核查：场所与申报一致" in html
    assert "艾丽" in html  # the actor of each step
    assert "营业执照副本、租赁合同" in html
    assert "补正期间暂停计时" in html
    assert timezone.localtime(case.due_at).strftime("%Y-%m-%d") in html


def test_remaining_working_days_are_shown_for_a_running_clock(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)

    html = page_of(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert re.search(r"剩余 \d+ 个工作日|今日到期", html)


def test_the_forms_follow_the_status(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    client = district.client_for(district.alice)

    submitted = page_of(client.get(f"/staff/cases/{case.pk}/"))
    assert act_url(case, "accept") in submitted
    assert act_url(case, "decide") not in submitted
    assert act_url(case, "close") not in submitted

    actions.accept_case(actor=district.alice, case=case)
    running = page_of(client.get(f"/staff/cases/{case.pk}/"))
    assert act_url(case, "accept") not in running
    assert act_url(case, "decide") in running and act_url(case, "step") in running


def test_irreversible_actions_ask_for_confirmation(district: District, matter: Matter) -> None:
    case = accepted(district, matter)

    html = page_of(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    for action in ("decide", "transfer"):
        form = re.search(rf'<form[^>]*action="{act_url(case, action)}"[^>]*data-confirm=', html)
        assert form, action
    step_form = re.search(rf'<form[^>]*action="{act_url(case, "step")}"[^>]*>', html)
    assert step_form and "data-confirm" not in step_form.group(0)


def test_attachments_link_to_the_checked_download(district: District, matter: Matter) -> None:
    case = actions.submit_case(
        actor=district.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name=FULL_NAME,
        applicant_phone=FULL_PHONE,
        applicant_id_number=FULL_ID,
        files=[("申请书", SimpleUploadedFile("申请书.pdf", PDF))],
    )
    token = case.attachments.get().token

    html = page_of(district.client_for(district.alice).get(f"/staff/cases/{case.pk}/"))

    assert f'href="/attachments/{token}/"' in html


# --- acting through the page ----------------------------------------------------------------


def test_accepting_starts_the_clock_and_says_so(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = district.client_for(district.alice).post(act_url(case, "accept"), follow=True)

    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and case.due_at is not None
    assert response.redirect_chain[-1][0] == f"/staff/cases/{case.pk}/"
    assert f"已受理办件 {case.number}" in page_of(response)


def test_deciding_before_accepting_is_a_conflict_with_a_clear_message(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)

    response = district.client_for(district.alice).post(
        act_url(case, "decide"), {"decision": "approve"}
    )

    assert response.status_code == 409
    html = page_of(response)
    assert "当前状态为“已提交，待受理”，不能办结" in html
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_accepting_twice_is_a_conflict(district: District, matter: Matter) -> None:
    case = accepted(district, matter)

    response = district.client_for(district.amy).post(act_url(case, "accept"))

    assert response.status_code == 409
    assert "不能受理" in page_of(response)


def test_a_supplement_request_lists_every_material_and_pauses_the_clock(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)
    client = district.client_for(district.alice)

    response = client.post(
        act_url(case, "request_supplement"),
        {"materials": "营业执照副本\n\n  租赁合同  \n", "note": "原件核验"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT and case.clock_paused_at is not None
    assert case.supplement_requests.get().materials == ["营业执照副本", "租赁合同"]

    # A note alone ticks nothing off: the clerk names what came in.
    response = client.post(act_url(case, "supply"), {"note": "申请人已当面提交"})
    assert response.status_code == 400
    assert "请勾选申请人已交齐的材料" in page_of(response)

    response = client.post(
        act_url(case, "supply"), {"materials": ["营业执照副本"], "note": ""}, follow=True
    )
    assert "尚缺：租赁合同" in page_of(response)
    case.refresh_from_db()
    assert case.status == Case.Status.SUPPLEMENT and case.clock_paused_at is not None

    response = client.post(act_url(case, "supply"), {"materials": ["租赁合同"]}, follow=True)
    assert "办理时限恢复计时" in page_of(response)
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and case.clock_paused_at is None

    response = client.post(
        act_url(case, "request_supplement"), {"materials": "股东会决议"}, follow=True
    )
    assert "已记为违反一次性告知" in page_of(response)
    case.refresh_from_db()
    assert case.one_time_rule_broken


def test_an_empty_supplement_request_is_refused_with_the_form(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)

    response = district.client_for(district.alice).post(
        act_url(case, "request_supplement"), {"materials": "  \n "}
    )

    assert response.status_code == 400
    assert "请列出需要补正的全部材料" in page_of(response)
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED


def test_supplying_from_the_counter_takes_files(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    actions.request_supplement(actor=district.alice, case=case, materials=["营业执照"])

    response = district.client_for(district.amy).post(
        act_url(case, "supply"), {"files": [SimpleUploadedFile("营业执照.pdf", PDF)]}
    )

    assert response.status_code == 302
    assert case.attachments.get().material_name == "营业执照"
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_refusing_acceptance_needs_a_reason_and_a_legal_basis(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    client = district.client_for(district.alice)

    response = client.post(act_url(case, "refuse_acceptance"), {"reason": "不属于本机关职权"})
    assert response.status_code == 400
    assert "errorlist" in page_of(response) or "is-danger" in page_of(response)
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED

    response = client.post(
        act_url(case, "refuse_acceptance"),
        {"reason": "不属于本机关职权", "legal_basis": "《行政许可法》第三十二条"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.NOT_ACCEPTED
    assert case.decision_legal_basis == "《行政许可法》第三十二条"


def test_steps_decisions_and_archiving_through_the_page(district: District, matter: Matter) -> None:
    case = accepted(district, matter)
    client = district.client_for(district.alice)

    assert (
        client.post(act_url(case, "step"), {"note": "审查材料", "public_note": "审查中"})
    ).status_code == 302
    assert case.events.filter(kind="step", note="审查材料", public_note="审查中").exists()

    assert client.post(act_url(case, "decide"), {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.clock_stopped_at is not None

    response = client.post(act_url(case, "close"), follow=True)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert "已归档" in page_of(response)
    assert "没有可办理的操作" in page_of(response)


def test_a_refusal_without_its_legal_basis_is_sent_back(district: District, matter: Matter) -> None:
    case = accepted(district, matter)
    client = district.client_for(district.alice)

    response = client.post(act_url(case, "decide"), {"decision": "refuse", "reason": "不符合条件"})

    assert response.status_code == 400
    assert "不予许可必须写明法律依据" in page_of(response)
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED

    response = client.post(
        act_url(case, "decide"),
        {"decision": "refuse", "reason": "不符合条件", "legal_basis": "《食品安全法》第三十五条"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED


def test_a_transfer_needs_a_reason_and_hands_the_case_over(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    client = district.client_for(district.alice)

    response = client.post(act_url(case, "transfer"), {"to_unit": district.hr.pk})
    assert response.status_code == 400
    assert Transfer.objects.count() == 0

    response = client.post(
        act_url(case, "transfer"), {"to_unit": district.hr.pk, "reason": "属人社局职权"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/cases/"
    case.refresh_from_db()
    assert case.unit == district.hr
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 404
    assert district.client_for(district.bob).get(f"/staff/cases/{case.pk}/").status_code == 200


def test_a_transfer_cannot_target_the_office(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = district.client_for(district.alice).post(
        act_url(case, "transfer"), {"to_unit": district.office.pk, "reason": "请督查室处理"}
    )

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.unit == district.market


def test_an_unknown_action_is_not_found_and_reading_is_not_acting(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    client = district.client_for(district.alice)

    assert client.post(act_url(case, "delete")).status_code == 404
    assert client.get(act_url(case, "accept")).status_code == 405


# --- the head's view of escalations -----------------------------------------------------------


def _escalate(case: Case, level: int) -> None:
    Case.objects.filter(pk=case.pk).update(escalation_level=level, warning_level=WarningLevel.RED)
    for step in range(1, level + 1):
        Escalation.objects.create(
            duty_type="cases.case",
            duty_id=str(case.pk),
            duty_label=case.number,
            unit=case.unit,
            level=step,
            created_at=timezone.now(),
            due_at=case.due_at,
        )


def test_the_head_sees_the_units_escalated_cases(district: District, matter: Matter) -> None:
    late = accepted(district, matter)
    _escalate(late, EscalationLevel.HEAD)
    calm = accepted(district, matter)
    hr_case = submit(district, make_matter(district.hr), actor=district.bob)
    hr_late = actions.accept_case(actor=district.bob, case=hr_case)
    Case.objects.filter(pk=hr_late.pk).update(escalation_level=EscalationLevel.HEAD)

    html = page_of(district.client_for(district.ahead).get("/staff/cases/escalated/"))

    assert late.number in html
    assert calm.number not in html and hr_late.number not in html
    assert "已升级至一把手" in html
    assert f'href="/staff/cases/{late.pk}/">办件 {late.number}' in html


def test_staff_who_head_no_unit_do_not_get_the_escalation_view(district: District) -> None:
    assert district.client_for(district.alice).get("/staff/cases/escalated/").status_code == 404


def test_the_office_sees_what_reached_it(district: District, matter: Matter) -> None:
    head_level = accepted(district, matter)
    _escalate(head_level, EscalationLevel.HEAD)
    office_level = accepted(district, matter)
    _escalate(office_level, EscalationLevel.OFFICE)
    office = district.client_for(district.olivia)

    by_default = page_of(office.get("/staff/cases/escalated/"))
    assert office_level.number in by_default
    assert f'href="/staff/cases/{head_level.pk}/"' not in by_default

    with_heads = page_of(office.get("/staff/cases/escalated/?level=1"))
    assert head_level.number in with_heads and office_level.number in with_heads


# --- the counter and the receipt ------------------------------------------------------------


def counter_data(matter: Matter, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "matter": matter.pk,
        "applicant_kind": Case.ApplicantKind.RESIDENT,
        "applicant_name": FULL_NAME,
        "applicant_phone": FULL_PHONE,
        "applicant_id_number": FULL_ID,
        "accept_now": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_counter_offers_the_units_current_matters_and_accepts_by_default(
    district: District, matter: Matter
) -> None:
    retired = make_matter(district.market, name="已停用事项")
    archive_matter(actor=None, matter=retired, reason="已取消")
    make_matter(district.hr, name="人社事项")

    html = page_of(district.client_for(district.amy).get("/staff/counter/"))

    assert "食品经营许可" in html
    assert "已停用事项" not in html and "人社事项" not in html
    assert re.search(r'<input type="checkbox" name="accept_now"[^>]*checked', html)


def test_the_counter_submits_and_accepts_in_one_post(district: District, matter: Matter) -> None:
    client = district.client_for(district.amy)

    response = client.post("/staff/counter/", counter_data(matter), follow=True)

    case = Case.objects.get()
    assert case.status == Case.Status.ACCEPTED
    assert case.channel == Case.Channel.WINDOW and case.handler == district.amy
    assert response.redirect_chain[-1][0] == f"/staff/cases/{case.pk}/"
    html = page_of(response)
    assert case.number in html and case.query_code in html
    assert f"/staff/cases/{case.pk}/receipt/" in html


def test_the_counter_can_take_an_application_without_accepting_it(
    district: District, matter: Matter
) -> None:
    client = district.client_for(district.amy)

    response = client.post(
        "/staff/counter/",
        {
            **counter_data(matter, accept_now=None),
            "files": [SimpleUploadedFile("身份证.pdf", PDF)],
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.status == Case.Status.SUBMITTED
    assert case.attachments.get().material_name == "身份证"


def test_the_counter_refuses_an_archived_or_another_units_matter(
    district: District, matter: Matter
) -> None:
    client = district.client_for(district.amy)
    retired = make_matter(district.market)
    archive_matter(actor=None, matter=retired, reason="已取消")
    foreign = make_matter(district.hr)

    for refused in (retired, foreign):
        response = client.post("/staff/counter/", counter_data(refused))
        assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_counter_refuses_a_file_that_is_not_what_it_claims(
    district: District, matter: Matter
) -> None:
    response = district.client_for(district.amy).post(
        "/staff/counter/",
        {**counter_data(matter), "files": [SimpleUploadedFile("合同.pdf", b"MZ\x90\x00")]},
    )

    assert response.status_code == 400
    assert "内容与扩展名不符" in page_of(response)
    assert not Case.objects.exists()


def test_the_counter_is_for_unit_staff_only(district: District) -> None:
    assert district.client_for(district.olivia).get("/staff/counter/").status_code == 404
    assert district.client_for(district.ruth).get("/staff/counter/").status_code == 404


def test_the_receipt_is_printable_with_number_code_and_lookup_address(
    district: District, matter: Matter
) -> None:
    case = accepted(district, matter)

    response = district.client_for(district.amy).get(f"/staff/cases/{case.pk}/receipt/")

    html = page_of(response)
    assert response.status_code == 200
    assert case.number in html and case.query_code in html
    assert matter.name in html
    assert timezone.localtime(case.due_at).strftime("%Y年%-m月%-d日") in html
    assert "http://testserver/cases/lookup/" in html
    assert "data-print" in html
    assert FULL_NAME not in html  # a receipt can be left lying on a counter


def test_the_office_does_not_print_receipts(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    # Like any page a role may not use: 404, not 403.
    assert (
        district.client_for(district.olivia).get(f"/staff/cases/{case.pk}/receipt/").status_code
        == 404
    )


# --- in a real browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_window_accepts_at_the_counter_in_a_few_clicks(
    browser_page: Any, district: District
) -> None:
    matter = make_matter(district.market, name="食品经营许可证核发", promised_limit_days=5)
    page = browser_page
    page.goto("/accounts/login/?next=/staff/counter/")
    page.get_by_label("用户名").fill("amy")
    page.get_by_label("密码").fill("pw-zuofeng-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/counter/")

    page.get_by_label("办理事项").select_option(label=str(matter))
    page.get_by_label("申请人（个人姓名或企业名称）").fill(FULL_NAME)
    page.get_by_label("联系电话").fill(FULL_PHONE)
    page.get_by_label("证件号码（身份证号或统一社会信用代码）").fill(FULL_ID)
    assert page.get_by_label("材料齐全，当场受理").is_checked()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r".*/staff/cases/\d+/$"))

    case = Case.objects.get()
    assert case.status == Case.Status.ACCEPTED
    assert page.get_by_text(f"办件编号 {case.number}，查询码 {case.query_code}").is_visible()

    # Transferring asks first; dismissing the question leaves the case where it was.
    page.get_by_label("转至单位").select_option(label=district.hr.name)
    page.get_by_label("转办理由").fill("属人社局职权")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="转办").click()
    case.refresh_from_db()
    assert case.unit == district.market

    page.get_by_role("link", name="打印回执").click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/receipt/")
    assert page.get_by_text(case.query_code).is_visible()
    assert page.get_by_role("button", name="打印回执").is_visible()
