"""Staff pages of complaints: triage and staff entry, the handling unit's queue and steps,
the audited reveal (the office's hot spots, rates and export: test_office_pages.py).

Throughout, the complainant's identity carries planted markers; no page the handling unit
(or its head) can reach may contain them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from catalog.tests.factories import real_pdf
from complaints import actions
from complaints.identity import Identity
from complaints.models import ComplainantIdentity, Complaint, ComplaintEvent
from conftest import District
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import WarningLevel

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
BRIBE = "市场监管局执法人员检查时暗示要好处费，不给就说要罚款"
MARK_NAME, MARK_PHONE, MARK_ID = "卫密斯", "13987654321", "99999919900101777X"
MARKERS = (MARK_NAME, MARK_PHONE, MARK_ID, "marker-contact@example.invalid")
IDENTITY = Identity(name=MARK_NAME, phone=MARK_PHONE, id_number=MARK_ID, contact=MARKERS[3])


def file(d: District, text: str = ATTITUDE, **kwargs: Any) -> Complaint:
    kwargs.setdefault("unit", d.market)
    kwargs.setdefault("channel", Complaint.Channel.WEB)
    kwargs.setdefault("identity", IDENTITY)
    complaint, _ = actions.file_complaint(actor=kwargs.pop("actor", None), text=text, **kwargs)
    return complaint


def routed(
    d: District, text: str = ATTITUDE, category: str = "service", **kwargs: Any
) -> Complaint:
    at = kwargs.pop("triage_at", None)
    return actions.triage(
        actor=d.olivia, complaint=file(d, text, **kwargs), category=category, at=at
    )


def html(response: Any) -> str:
    return response.content.decode()


def assert_no_identity(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text


def detail_url(complaint: Complaint) -> str:
    return f"/staff/complaints/{complaint.pk}/"


# --- scoping ----------------------------------------------------------------------------------


def test_alice_cannot_see_an_integrity_complaint_about_her_unit(district: District) -> None:
    complaint = routed(district, BRIBE, category="integrity")
    assert complaint.handling_unit == district.discipline
    alice = district.client_for(district.alice)
    assert alice.get(detail_url(complaint)).status_code == 404
    assert alice.post(detail_url(complaint) + "respond/", {"note": "x"}).status_code == 404
    assert complaint.number not in html(alice.get("/staff/complaints/?status=all"))
    dora = district.client_for(district.dora)
    assert dora.get(detail_url(complaint)).status_code == 200
    assert complaint.number in html(dora.get("/staff/complaints/"))


def test_another_units_complaint_is_a_404(district: District) -> None:
    complaint = routed(district)
    bob = district.client_for(district.bob)
    assert bob.get(detail_url(complaint)).status_code == 404
    assert bob.get(detail_url(complaint) + "reveal/").status_code == 404


def test_pages_are_for_staff_only(district: District) -> None:
    ruth = district.client_for(district.ruth)
    assert ruth.get("/staff/complaints/").status_code == 404
    assert Client().get("/staff/complaints/").status_code == 302  # to the login page


# --- triage ---------------------------------------------------------------------------------


def test_the_triage_queue_is_oldest_first_with_the_suggestion_and_its_words(
    district: District,
) -> None:
    now = dt.datetime(2026, 11, 20, 9, tzinfo=TZ)
    newer = file(district, at=now)
    older = file(district, at=now - dt.timedelta(days=1), subject_name="王科长")
    page = html(district.client_for(district.olivia).get("/staff/complaints/triage/"))
    assert page.index(older.number) < page.index(newer.number)
    assert older.suggested_category.name in page
    assert f"{round(older.confidence * 100)}%" in page
    assert older.category_words[0] in page
    assert "王科长" in page and "区市场监督管理局"[:3] in page


def test_triage_is_for_the_office_only(district: District) -> None:
    complaint = file(district)
    alice = district.client_for(district.alice)
    assert alice.get("/staff/complaints/triage/").status_code == 404
    assert alice.get(detail_url(complaint) + "triage/").status_code == 404
    assert alice.get(detail_url(complaint)).status_code == 404  # not routed to her unit yet


def test_triage_confirms_the_category_and_routes_to_the_unit(district: District) -> None:
    complaint = file(district)
    olivia = district.client_for(district.olivia)
    page = html(olivia.get(detail_url(complaint) + "triage/"))
    assert "将分办至" in page and district.market.name in page
    response = olivia.post(
        detail_url(complaint) + "triage/",
        {"category": complaint.suggested_category_id, "unit": "MKT", "note": ""},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ROUTED
    assert complaint.handling_unit == district.market
    assert complaint.category_id == complaint.suggested_category_id
    # Now the unit sees it in its queue.
    queue = html(district.client_for(district.alice).get("/staff/complaints/"))
    assert complaint.number in queue


def test_triage_then_next_opens_the_oldest_complaint_still_waiting(district: District) -> None:
    now = dt.datetime(2026, 11, 20, 9, tzinfo=TZ)
    first = file(district, at=now - dt.timedelta(days=2))
    second = file(district, at=now - dt.timedelta(days=1))
    file(district, at=now)
    olivia = district.client_for(district.olivia)
    page = html(olivia.get(detail_url(first) + "triage/"))
    assert "分办并处理下一件" in page
    choices = {"category": "service", "unit": "MKT", "note": ""}
    response = olivia.post(detail_url(first) + "triage/", {**choices, "then": "next"})
    assert response.status_code == 302 and response["Location"] == detail_url(second) + "triage/"
    response = olivia.post(detail_url(second) + "triage/", choices)
    assert response.status_code == 302 and response["Location"] == "/staff/complaints/triage/"


def test_triage_corrects_to_integrity_and_it_goes_to_discipline(district: District) -> None:
    complaint = file(district)
    olivia = district.client_for(district.olivia)
    preview = olivia.get(
        detail_url(complaint) + "triage/preview/", {"category": "integrity", "unit": "MKT"}
    )
    assert district.discipline.name in html(preview)
    olivia.post(detail_url(complaint) + "triage/", {"category": "integrity", "unit": "MKT"})
    complaint.refresh_from_db()
    assert complaint.handling_unit == district.discipline
    assert complaint.category_id == "integrity"


def test_a_complaint_about_the_head_goes_to_the_office(district: District) -> None:
    complaint = file(district)
    olivia = district.client_for(district.olivia)
    preview = olivia.get(
        detail_url(complaint) + "triage/preview/",
        {"category": "service", "unit": "MKT", "subject_is_head": "on"},
    )
    assert district.office.name in html(preview) and "一把手" in html(preview)
    olivia.post(
        detail_url(complaint) + "triage/",
        {"category": "service", "unit": "MKT", "subject_is_head": "on"},
    )
    complaint.refresh_from_db()
    assert complaint.handling_unit == district.office and complaint.subject_is_head
    assert district.client_for(district.ahead).get(detail_url(complaint)).status_code == 404


def test_triage_without_a_unit_asks_for_one(district: District) -> None:
    complaint = file(district, unit=None)
    response = district.client_for(district.olivia).post(
        detail_url(complaint) + "triage/", {"category": "service"}
    )
    assert response.status_code == 400
    assert "请选择被举报单位" in html(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.TRIAGE


def test_triaging_twice_is_a_conflict(district: District) -> None:
    complaint = routed(district)
    response = district.client_for(district.olivia).post(
        detail_url(complaint) + "triage/", {"category": "service", "unit": "MKT"}
    )
    assert response.status_code == 409
    assert "不能甄别分办" in html(response)


def test_the_office_enters_a_letter_with_an_identity_and_gets_the_receipt_once(
    district: District,
) -> None:
    olivia = district.client_for(district.olivia)
    assert olivia.get("/staff/complaints/new/").status_code == 200
    response = olivia.post(
        "/staff/complaints/new/",
        {
            "channel": Complaint.Channel.LETTER,
            "text": ATTITUDE,
            "unit": "MKT",
            "name": MARK_NAME,
            "phone": MARK_PHONE,
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.LETTER
    code = re.search(r"<code>([A-Z0-9-]+)</code>", html(response)).group(1)
    assert actions.find_by_receipt(complaint.number, code) == complaint
    assert response["Cache-Control"].startswith("no-store")
    assert code not in str(dict(olivia.session))
    sealed = ComplainantIdentity.objects.get(complaint=complaint).sealed
    assert MARK_NAME not in sealed


def test_staff_entry_refuses_bad_input_and_other_staff(district: District) -> None:
    olivia = district.client_for(district.olivia)
    response = olivia.post(
        "/staff/complaints/new/",
        {"channel": Complaint.Channel.VISIT, "text": ATTITUDE, "id_number": "123"},
    )
    assert response.status_code == 400 and "身份证号" in html(response)
    assert not Complaint.objects.exists()
    alice = district.client_for(district.alice)
    assert alice.get("/staff/complaints/new/").status_code == 403


# --- the handling unit --------------------------------------------------------------------------


def test_the_unit_queue_is_red_first_and_filters(district: District) -> None:
    complaints = {level: routed(district) for level in ("none", "red", "blue")}
    for level, complaint in complaints.items():
        Complaint.objects.filter(pk=complaint.pk).update(warning_level=level)
    alice = district.client_for(district.alice)
    page = html(alice.get("/staff/complaints/"))
    numbers = re.findall(r'href="/staff/complaints/\d+/">(JB\d+)</a>', page)
    assert numbers == [complaints[level].number for level in ("red", "blue", "none")]
    red = html(alice.get("/staff/complaints/", {"level": WarningLevel.RED}))
    assert complaints["red"].number in red and complaints["blue"].number not in red
    other = html(alice.get("/staff/complaints/", {"category": "integrity"}))
    assert complaints["red"].number not in other


def test_the_unit_responds_answers_and_records_the_callback_from_the_pages(
    district: District,
) -> None:
    complaint = routed(district)
    alice = district.client_for(district.alice)
    page = html(alice.get(detail_url(complaint)))
    assert ATTITUDE in page and "响应" in page
    assert_no_identity(page)
    assert "/reveal/" not in page

    assert alice.post(detail_url(complaint) + "respond/", {"note": "已安排核查"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.HANDLING

    response = alice.post(detail_url(complaint) + "answer/", {"text": "已批评教育窗口人员"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED

    # Out of order: answering again is refused with the state explained.
    again = alice.post(detail_url(complaint) + "answer/", {"text": "再答复一次"})
    assert again.status_code == 409 and "不能答复" in html(again)

    response = alice.post(detail_url(complaint) + "callback/", {"result": "satisfied"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.callback == Complaint.Callback.SATISFIED


def test_a_step_without_its_text_is_refused(district: District) -> None:
    complaint = routed(district)
    response = district.client_for(district.alice).post(detail_url(complaint) + "respond/", {})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ROUTED


def test_the_office_reads_but_cannot_answer_for_the_unit(district: District) -> None:
    complaint = routed(district)
    olivia = district.client_for(district.olivia)
    assert f'action="/staff/complaints/{complaint.pk}/answer/"' not in html(
        olivia.get(detail_url(complaint))
    )
    assert olivia.post(detail_url(complaint) + "answer/", {"text": "x"}).status_code == 403


def test_the_office_closes_an_unanswered_callback_with_a_reason(district: District) -> None:
    complaint = routed(district)
    actions.answer(actor=district.alice, complaint=complaint, text="已整改")
    olivia = district.client_for(district.olivia)
    assert olivia.post(detail_url(complaint) + "close/", {"reason": ""}).status_code == 400
    response = olivia.post(detail_url(complaint) + "close/", {"reason": "多次回访联系不上"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    alice = district.client_for(district.alice)
    assert alice.post(detail_url(complaint) + "close/", {"reason": "x"}).status_code == 403


# --- the reveal ----------------------------------------------------------------------------------


def test_the_reveal_needs_a_reason_and_a_confirmation_and_is_audited(district: District) -> None:
    complaint = routed(district)
    olivia = district.client_for(district.olivia)
    page = html(olivia.get(detail_url(complaint)))
    assert "查看举报人身份" in page
    assert_no_identity(page)
    url = detail_url(complaint) + "reveal/"
    form = html(olivia.get(url))
    assert "查看理由" in form and "data-confirm" in form
    assert_no_identity(form)

    for data in ({"reason": "", "confirm": "on"}, {"reason": "核实情况"}):
        refused = olivia.post(url, data)
        assert refused.status_code == 400
        assert_no_identity(html(refused))
    assert not AuditEvent.objects.filter(action="complaints.reveal_identity").exists()

    posted = olivia.post(url, {"reason": "核实举报事实需联系举报人", "confirm": "on"})
    assert posted.status_code == 302  # post/redirect/get: a reload does not post again
    assert_no_identity(html(posted))
    shown = olivia.get(posted["Location"])
    assert shown.status_code == 200
    assert MARK_NAME in html(shown) and MARK_PHONE in html(shown) and MARK_ID in html(shown)
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.get(action="complaints.reveal_identity")
    assert event.actor_id == district.olivia.pk and event.reason == "核实举报事实需联系举报人"
    # Shown once: not kept in the session, and the detail page still shows no identity.
    assert MARK_NAME not in str(dict(olivia.session))
    assert_no_identity(html(olivia.get(detail_url(complaint))))


def test_a_reload_of_the_revealed_identity_neither_shows_it_nor_logs_it_again(
    district: District,
) -> None:
    """Issue 11: the reveal page re-posted on reload and logged a second reveal."""
    complaint = routed(district)
    olivia = district.client_for(district.olivia)
    url = detail_url(complaint) + "reveal/"
    posted = olivia.post(url, {"reason": "核实举报事实", "confirm": "on"})
    assert posted.status_code == 302
    first = olivia.get(posted["Location"])
    assert MARK_NAME in html(first) and "核实举报事实" in html(first)
    again = olivia.get(posted["Location"], follow=True)
    assert_no_identity(html(again))
    assert "只显示一次" in html(again) and "查看理由" in html(again)
    assert AuditEvent.objects.filter(action="complaints.reveal_identity").count() == 1
    revealed = complaint.events.filter(kind=ComplaintEvent.Kind.REVEALED)
    assert revealed.count() == 1
    # Another office user cannot pick up someone else's reveal.
    other = district.client_for(district.dora)
    assert MARK_NAME not in html(other.get(posted["Location"], follow=True))


def test_the_handling_unit_and_its_head_cannot_reveal(district: District) -> None:
    complaint = routed(district)
    actions.reveal_identity(actor=district.olivia, complaint=complaint, reason="秘密理由甲")
    for user in (district.alice, district.ahead):
        client = district.client_for(user)
        assert client.get(detail_url(complaint) + "reveal/").status_code == 403
        response = client.post(
            detail_url(complaint) + "reveal/", {"reason": "想知道", "confirm": "on"}
        )
        assert response.status_code == 403
        assert_no_identity(html(response))
        # Nor do they see that (or why) someone looked.
        page = html(client.get(detail_url(complaint)))
        assert "秘密理由甲" not in page and ComplaintEvent.Kind.REVEALED.label not in page
    assert AuditEvent.objects.filter(action="complaints.reveal_identity").count() == 1


def test_discipline_reveals_an_integrity_complaint(district: District) -> None:
    complaint = routed(district, BRIBE, category="integrity")
    dora = district.client_for(district.dora)
    shown = dora.post(
        detail_url(complaint) + "reveal/", {"reason": "立案调查需要", "confirm": "on"}, follow=True
    )
    assert shown.status_code == 200 and MARK_NAME in html(shown)


def test_an_anonymous_complaint_reveals_that_it_is_anonymous(district: District) -> None:
    complaint = routed(district, identity=None)
    shown = district.client_for(district.olivia).post(
        detail_url(complaint) + "reveal/", {"reason": "核实", "confirm": "on"}, follow=True
    )
    assert "匿名举报" in html(shown)


# --- identity never reaches the unit ---------------------------------------------------------


def test_no_page_or_export_the_unit_can_reach_carries_the_identity(district: District) -> None:
    complaint = routed(district)
    actions.respond(actor=district.alice, complaint=complaint, note="收到")
    actions.reveal_identity(actor=district.olivia, complaint=complaint, reason="核实")
    for user in (district.alice, district.ahead, district.amy):
        client = district.client_for(user)
        for url in (
            "/staff/",
            "/staff/complaints/",
            "/staff/complaints/?status=all",
            detail_url(complaint),
            "/staff/complaints/rates/",
            f"/api/complaints/{complaint.pk}/",
            "/api/complaints/",
        ):
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert_no_identity(response.content.decode())
        export = client.get("/staff/complaints/export.xlsx?status=all")
        assert_no_identity(workbook_text(export.content))


# --- export helper (the office pages are in test_office_pages.py) ------------------------


def workbook_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(
        "\t".join("" if value is None else str(value) for value in row)
        for row in sheet.iter_rows(values_only=True)
    )


# --- the staff home and the duty links -------------------------------------------------


def test_the_staff_home_card_counts_what_waits(district: District) -> None:
    routed(district)
    file(district)
    page = html(district.client_for(district.olivia).get("/staff/"))
    assert "监督举报" in page and "待甄别分办" in page
    alice_page = html(district.client_for(district.alice).get("/staff/"))
    assert "待甄别分办" not in alice_page and "/staff/complaints/" in alice_page


def test_duty_notifications_link_to_the_complaint_pages(district: District) -> None:
    from zuofeng.duty.registry import registered_duties

    kind = next(k for k in registered_duties() if k.model is Complaint)
    assert kind.link(7) == "/staff/complaints/7/"
    assert kind.list_link(level="red") == "/staff/complaints/?level=red"


def test_the_list_does_not_query_per_row(
    district: District, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        routed(district)
    client = district.client_for(district.olivia)
    client.get("/staff/complaints/")
    with django_assert_max_num_queries(12):
        assert client.get("/staff/complaints/?status=all").status_code == 200


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_triage_preview_updates_and_discipline_reveals_in_a_browser(
    browser_page: Any, live_server: Any, district: District
) -> None:
    from tests.test_browser_case_journey import log_in, new_page

    complaint = file(district)
    office = browser_page
    log_in(office, "olivia")
    office.goto(f"/staff/complaints/{complaint.pk}/triage/")
    office.get_by_text(f"将分办至：{district.market.name}").wait_for()
    # The preview follows the choices (htmx under the strict CSP).
    office.get_by_label("举报类别").select_option(label="廉洁问题")
    office.get_by_text(f"将分办至：{district.discipline.name}").wait_for()
    office.get_by_role("button", name="分办", exact=True).click()
    office.get_by_text("已分办至").first.wait_for()
    complaint.refresh_from_db()
    assert complaint.handling_unit == district.discipline

    discipline = new_page(office, live_server.url)
    log_in(discipline, "dora")
    discipline.goto(f"/staff/complaints/{complaint.pk}/")
    discipline.get_by_role("link", name="查看举报人身份").click()
    discipline.get_by_label("查看理由（必填，将记入审计日志）").fill("立案前核实举报人")
    discipline.get_by_label("我确认查看举报人身份是工作必需").check()
    discipline.once("dialog", lambda dialog: dialog.accept())
    discipline.get_by_role("button", name="查看身份").click()
    discipline.get_by_text(MARK_NAME).wait_for()
    assert AuditEvent.objects.filter(action="complaints.reveal_identity").count() == 1


def test_attachments_download_under_the_complaint_number_not_the_uploaded_name(
    district: District,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(f"{MARK_NAME}.pdf", real_pdf(), "application/pdf")
    complaint = routed(district, attachments=[upload])
    alice = district.client_for(district.alice)
    assert_no_identity(html(alice.get(detail_url(complaint))))
    response = alice.get(detail_url(complaint) + "attachments/1/")
    assert response.status_code == 200
    assert MARK_NAME not in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert alice.get(detail_url(complaint) + "attachments/2/").status_code == 404
    assert (
        district.client_for(district.bob).get(detail_url(complaint) + "attachments/1/").status_code
        == 404
    )
