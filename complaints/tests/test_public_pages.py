"""The public's side of 监督举报: anyone files a complaint from a phone without an account, reads
the receipt once, follows it up with the number and the receipt code, answers the callback
and may reopen once; a logged-in applicant finds their own complaints, and only theirs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import real_pdf
from complaints import actions
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
)
from conftest import PASSWORD, District
from org.actions import add_person
from org.roles import Role

ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
PDF = real_pdf()  # uploads are checked by parsing them
# Markers planted in the identity: none may come back on any page of the complaint.
NAME = "甄士隐"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
INTERNAL_NOTE = "内部核查意见QX7"
NOT_FOUND = "未找到该举报，请核对举报编号和查询码"

FILE_URL = "/complaints/new/"
RECEIPT_URL = "/complaints/new/receipt/"
FOLLOW_URL = "/complaints/follow/"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def complaint_form(district: District, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": district.market.pk,
        "subject_name": "王科长",
        "text": ATTITUDE,
        "place": "区政务服务中心3号窗口",
        "occurred_on": "",
        "name": "",
        "phone": "",
        "id_number": "",
        "contact": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def file_one(client: Client, district: District, **overrides: Any) -> tuple[Complaint, str]:
    """File through the page and read the receipt; returns the complaint and its code."""
    response = client.post(FILE_URL, complaint_form(district, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = client.get(RECEIPT_URL).content.decode()
    complaint = Complaint.objects.get()
    code = re.search(r'id="receipt-code">([^<]+)<', receipt).group(1)  # type: ignore[union-attr]
    return complaint, code


def answered(complaint: Complaint, district: District) -> Complaint:
    """Triage (with an internal note) and the unit's answer."""
    actions.triage(
        actor=district.olivia, complaint=complaint, category="service", note=INTERNAL_NOTE
    )
    return actions.answer(
        actor=district.alice,
        complaint=complaint,
        text="已约谈窗口工作人员并当面致歉，整改服务态度。",
    )


def follow(client: Client, number: str, code: str) -> Any:
    return client.post(FOLLOW_URL, {"step": "lookup", "number": number, "code": code})


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- filing and the receipt ------------------------------------------------------------


@pytest.mark.django_db
class TestFiling:
    def test_the_form_opens_without_an_account_and_lists_active_units(self, client, district):
        from org.actions import archive_unit

        archive_unit(actor=None, unit=district.town, reason="撤并")
        page = client.get(FILE_URL).content.decode()
        assert "区市场监督管理局" in page
        assert "青石镇人民政府" not in page
        assert "可以匿名举报" in page
        assert "不清楚 / 不确定" in page

    def test_a_complaint_is_filed_and_its_receipt_shows_once(self, client, district):
        response = client.post(FILE_URL, complaint_form(district))
        # Post-redirect-get, and the code is nowhere in the redirect.
        assert response.status_code == 302
        assert response["Location"] == RECEIPT_URL
        complaint = Complaint.objects.get()
        assert complaint.channel == Complaint.Channel.WEB
        assert complaint.unit == district.market
        assert complaint.status == Complaint.Status.TRIAGE

        receipt = client.get(RECEIPT_URL)
        assert receipt["Cache-Control"].startswith("max-age=0")
        html = receipt.content.decode()
        assert complaint.number in html
        code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
        assert actions.find_by_receipt(complaint.number, code) == complaint
        assert "只显示这一次" in html

        again = client.get(RECEIPT_URL).content.decode()
        assert code not in again
        assert "本页已不再显示" in again

    def test_an_anonymous_complaint_about_an_unknown_unit_stores_no_identity(
        self, client, district
    ):
        complaint, _ = file_one(client, district, unit="", subject_name="")
        assert complaint.unit is None
        assert not ComplainantIdentity.objects.filter(complaint=complaint).exists()

    def test_a_given_identity_is_sealed_and_a_logged_in_applicant_is_remembered(self, district):
        client = district.client_for(district.ruth)
        complaint, _ = file_one(
            client, district, name=NAME, phone=PHONE, id_number=ID_NUMBER.lower()
        )
        identity = ComplainantIdentity.objects.get(complaint=complaint)
        assert identity.user == district.ruth
        assert NAME not in identity.sealed and PHONE not in identity.sealed
        revealed = actions.reveal_identity(
            actor=district.olivia, complaint=complaint, reason="核实情况需要联系举报人"
        )
        assert (revealed.name, revealed.phone, revealed.id_number) == (NAME, PHONE, ID_NUMBER)
        # No audit event names the applicant who filed it.
        assert complaint.events.get(kind=ComplaintEvent.Kind.FILED).actor is None

    def test_attachments_are_stored_under_generated_names(self, client, district):
        complaint, _ = file_one(
            client,
            district,
            attachments=[
                SimpleUploadedFile("现场照片.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"),
            ],
        )
        stored = ComplaintAttachment.objects.filter(complaint=complaint)
        assert sorted(stored.values_list("original_name", flat=True)) == [
            "现场照片.pdf",
            "说明.pdf",
        ]
        assert all("现场" not in item.file.name for item in stored)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"text": ""}, "必须填写反映的问题"),
            ({"text": "   "}, "必须填写反映的问题"),
            ({"text": "太慢了" * 33334}, "举报内容不能超过 2000 字"),
            ({"text": "<script>alert(1)</script>窗口态度差"}, "不能包含网页代码"),
            ({"subject_name": '<img src=x onerror="alert(1)">'}, "不能包含网页代码"),
            ({"place": "javascript:alert(1)"}, "不能包含网页代码"),
            ({"phone": "12345"}, "请填写 11 位手机号码"),
            ({"id_number": "110105194912310021"}, "身份证号码不正确"),
            ({"occurred_on": "2099-01-01"}, "发生日期不能晚于今天"),
            ({"occurred_on": "昨天"}, "日期格式不正确"),
            ({"unit": "999999"}, "选择一个有效的选项"),
            (
                {"attachments": SimpleUploadedFile("run.exe", b"MZ\x90\x00")},
                "类型不支持",
            ),
            (
                {"attachments": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf")},
                "内容与扩展名不符",
            ),
            (
                {"attachments": SimpleUploadedFile("C:evil*name?.pdf", PDF)},
                "含有不允许的字符",
            ),
        ],
    )
    def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_stored(
        self, client, district, media_root: Path, overrides, message
    ):
        response = client.post(FILE_URL, complaint_form(district, **overrides))
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert "填写有误" in html
        assert not Complaint.objects.exists()
        assert not ComplaintAttachment.objects.exists()
        assert not any(path.is_file() for path in media_root.rglob("*"))
        # Markup typed in is shown back escaped, never as markup.
        assert "<script>alert" not in html and "<img src=x" not in html

    def test_an_empty_post_is_refused(self, client, district):
        response = client.post(FILE_URL, {})
        assert response.status_code == 200
        assert "必须填写反映的问题" in response.content.decode()
        assert not Complaint.objects.exists()

    def test_a_path_in_a_file_name_never_reaches_the_disk(self, client, district, media_root):
        file_one(
            client,
            district,
            attachments=SimpleUploadedFile("../../../etc/passwd.pdf", PDF),
        )
        stored = ComplaintAttachment.objects.get()
        assert "/" not in stored.original_name and ".." not in stored.original_name
        written = [path for path in media_root.rglob("*") if path.is_file()]
        assert len(written) == 1
        assert written[0].resolve().is_relative_to(media_root / "complaints")

    def test_filing_is_throttled_per_address_with_a_chinese_page(self, client, district, settings):
        settings.ZUOFENG = {**settings.ZUOFENG, "COMPLAINT_FILE_RATE": "3/h"}
        for _ in range(3):
            assert client.post(FILE_URL, complaint_form(district)).status_code == 302
        limited = client.post(FILE_URL, complaint_form(district))
        assert limited.status_code == 429
        assert "提交过于频繁" in limited.content.decode()
        assert limited["Retry-After"] == "3600"
        assert Complaint.objects.count() == 3
        # Another address is not affected, and reading the form is never limited.
        other = Client(REMOTE_ADDR="10.0.0.9")
        assert other.post(FILE_URL, complaint_form(district)).status_code == 302
        assert client.get(FILE_URL).status_code == 200


# --- following up with the receipt --------------------------------------------------------


@pytest.mark.django_db
class TestFollowUp:
    def test_a_wrong_code_and_an_unknown_number_get_the_same_page(self, client, district):
        complaint, code = file_one(client, district)
        wrong_code = follow(Client(), complaint.number, "abcd-" + code[5:])
        unknown = follow(Client(), "JB20260101999999", code)
        assert wrong_code.status_code == unknown.status_code == 200
        assert NOT_FOUND in wrong_code.content.decode()
        assert without_tokens(wrong_code.content.decode()) == without_tokens(
            unknown.content.decode()
        )
        assert complaint.number not in wrong_code.content.decode()

    def test_the_follow_up_shows_status_public_timeline_and_answer_but_nothing_internal(
        self, client, district
    ):
        complaint, code = file_one(client, district, name=NAME, phone=PHONE, id_number=ID_NUMBER)
        answered(complaint, district)
        visitor = Client()
        response = follow(visitor, complaint.number.lower(), code.upper().replace("-", " "))
        # The code is not in the URL it redirects to.
        assert response.status_code == 302 and response["Location"] == FOLLOW_URL
        page = visitor.get(FOLLOW_URL)
        html = page.content.decode()
        assert page["Cache-Control"] == "no-store"
        assert "已答复待回访" in html
        assert "已约谈窗口工作人员并当面致歉" in html
        assert "已转交区市场监督管理局办理" in html
        assert 'value="callback"' in html
        for secret in (INTERNAL_NOTE, "欧丽", "艾丽", "olivia", "alice", NAME, PHONE, ID_NUMBER):
            assert secret not in html
        assert PHONE[-4:] + "<" not in html

    def test_the_expected_date_is_shown_once_the_complaint_is_routed(self, client, district):
        complaint, code = file_one(client, district)
        actions.triage(actor=district.olivia, complaint=complaint, category="service")
        complaint.refresh_from_db()
        follow(client, complaint.number, code)
        html = client.get(FOLLOW_URL).content.decode()
        expected = complaint.resolve_due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert f"{expected.year}年{expected.month}月{expected.day}日前" in html

    def test_the_complainant_answers_the_callback_without_typing_the_code_again(
        self, client, district
    ):
        complaint, code = file_one(client, district)
        answered(complaint, district)
        follow(client, complaint.number, code)
        response = client.post(FOLLOW_URL, {"step": "callback", "result": "satisfied"})
        assert response.status_code == 302 and response["Location"] == FOLLOW_URL
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.CLOSED
        assert complaint.callback == Complaint.Callback.SATISFIED
        html = client.get(FOLLOW_URL).content.decode()
        assert "已办结" in html and "回访结果已记录" in html
        assert "提交评价" not in html

    def test_a_dissatisfied_complainant_may_reopen_once_with_a_reason(self, client, district):
        complaint, code = file_one(client, district)
        answered(complaint, district)
        follow(client, complaint.number, code)
        client.post(FOLLOW_URL, {"step": "callback", "result": "dissatisfied"})
        html = client.get(FOLLOW_URL).content.decode()
        assert 'value="reopen"' in html

        refused = client.post(FOLLOW_URL, {"step": "reopen", "reason": "  "})
        assert refused.status_code == 400
        assert "必须填写不满意的原因" in refused.content.decode()
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.DISSATISFIED

        markup = client.post(FOLLOW_URL, {"step": "reopen", "reason": "<b>没办</b>"})
        assert markup.status_code == 400
        assert "不能包含网页代码" in markup.content.decode()

        client.post(FOLLOW_URL, {"step": "reopen", "reason": "工作人员只道歉，事情还是没办"})
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.HANDLING
        assert complaint.reopen_count == 1

        # Answered again and still dissatisfied: this time it closes, no second reopen.
        actions.answer(actor=district.alice, complaint=complaint, text="已为您办结营业执照变更。")
        client.post(FOLLOW_URL, {"step": "callback", "result": "dissatisfied"})
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.CLOSED
        html = client.get(FOLLOW_URL).content.decode()
        assert 'value="reopen"' not in html
        again = client.post(FOLLOW_URL, {"step": "reopen", "reason": "再办一次"})
        assert again.status_code == 302
        complaint.refresh_from_db()
        assert complaint.reopen_count == 1

    def test_an_expired_or_missing_follow_up_session_needs_the_code_again(self, client, district):
        complaint, code = file_one(client, district)
        answered(complaint, district)
        stranger = Client()
        stranger.post(FOLLOW_URL, {"step": "callback", "result": "satisfied"})
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ANSWERED

        follow(client, complaint.number, code)
        with time_machine.travel(dt.timedelta(minutes=31)):
            page = client.get(FOLLOW_URL).content.decode()
            assert "举报进度查询" in page, page
            assert 'value="callback"' not in page
            client.post(FOLLOW_URL, {"step": "callback", "result": "satisfied"})
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ANSWERED

    def test_looking_up_is_throttled_per_address(self, client, district, settings):
        settings.ZUOFENG = {**settings.ZUOFENG, "COMPLAINT_FOLLOW_RATE": "3/m"}
        complaint, code = file_one(client, district)
        for _ in range(3):
            assert follow(client, complaint.number, "wrong").status_code == 200
        limited = follow(client, complaint.number, code)
        assert limited.status_code == 429
        assert "查询过于频繁" in limited.content.decode()
        assert limited["Retry-After"] == "60"


# --- my complaints -------------------------------------------------------------------------


@pytest.mark.django_db
class TestMyComplaints:
    def test_an_applicant_sees_only_their_own_complaints(self, district):
        ruth = district.client_for(district.ruth)
        mine, _ = file_one(ruth, district)
        Client().post(
            FILE_URL, complaint_form(district, text="青石镇办事大厅经常没人，打电话也不接")
        )
        listing = ruth.get(reverse("complaints:my_complaints")).content.decode()
        assert mine.number in listing
        assert listing.count("/my/complaints/JB") == 1

        sam = add_person(
            actor=None, username="sam", full_name="桑木", roles=[Role.APPLICANT], password=PASSWORD
        )
        other = district.client_for(sam)
        assert mine.number not in other.get("/my/complaints/").content.decode()
        assert other.get(f"/my/complaints/{mine.number}/").status_code == 404
        assert other.post(f"/my/complaints/{mine.number}/", {"step": "reopen"}).status_code == 404
        assert ruth.get(f"/my/complaints/{mine.number}/").status_code == 200

    def test_the_list_costs_the_same_few_queries_however_long_it_is(
        self, district, django_assert_max_num_queries
    ):
        ruth = district.client_for(district.ruth)
        for index in range(12):
            actions.file_complaint(
                actor=district.ruth,
                channel=Complaint.Channel.WEB,
                text=f"第{index}次反映：窗口工作人员态度差",
                unit=district.market if index % 2 else None,
            )
        with django_assert_max_num_queries(8):
            html = ruth.get("/my/complaints/").content.decode()
        assert html.count("/my/complaints/JB") == 12

    def test_my_complaints_needs_a_login(self, client, district):
        response = client.get("/my/complaints/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_the_applicant_answers_the_callback_from_their_own_page(self, district):
        ruth = district.client_for(district.ruth)
        complaint, _ = file_one(ruth, district)
        answered(complaint, district)
        url = f"/my/complaints/{complaint.number}/"
        assert 'value="callback"' in ruth.get(url).content.decode()
        response = ruth.post(url, {"step": "callback", "result": "basic"})
        assert response.status_code == 302 and response["Location"] == url
        complaint.refresh_from_db()
        assert complaint.callback == Complaint.Callback.BASIC
        assert complaint.status == Complaint.Status.CLOSED


# --- in a browser, on a phone ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_resident_files_anonymously_reads_the_receipt_and_follows_up(
    browser_page: Any, live_server: Any, district: District
) -> None:
    context = browser_page.context.browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.on("dialog", lambda dialog: dialog.accept())

    def fits_the_screen() -> bool:
        return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.goto("/")
    phone.get_by_role("link", name="我要举报").first.click()
    phone.get_by_role("heading", name="我要举报").wait_for()
    assert fits_the_screen()
    # The search box narrows the unit list to one and picks it.
    phone.get_by_label("查找被举报单位").fill("市场")
    assert phone.locator("#id_unit").input_value() == str(district.market.pk)
    phone.get_by_label("被举报干部").fill("王科长")
    phone.get_by_label("反映的问题").fill(ATTITUDE)
    phone.get_by_label("发生地点").fill("区政务服务中心3号窗口")
    phone.get_by_role("button", name="提交举报").click()

    phone.get_by_role("heading", name="举报已提交").wait_for()
    assert fits_the_screen()
    number = phone.locator("#receipt-number").inner_text().strip()
    code = phone.locator("#receipt-code").inner_text().strip()
    assert "receipt" in phone.url and code not in phone.url
    complaint = Complaint.objects.get(number=number)
    assert not ComplainantIdentity.objects.filter(complaint=complaint).exists()
    # Shown once: a reload no longer has it.
    phone.reload()
    assert code not in phone.content()

    # Staff triage and answer it (their pages are tested elsewhere).
    answered(complaint, district)

    phone.goto("/complaints/follow/")
    phone.get_by_label("举报编号").fill(number)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    phone.get_by_role("heading", name="举报办理进度").wait_for()
    assert fits_the_screen()
    page_text = phone.content()
    assert "已约谈窗口工作人员并当面致歉" in page_text
    assert INTERNAL_NOTE not in page_text
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_text("回访结果已记录").wait_for()
    assert "已办结" in phone.content()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.callback == Complaint.Callback.SATISFIED
    context.close()


def test_a_link_from_a_case_page_starts_the_form_with_its_unit(district: District) -> None:
    page = Client().get(FILE_URL, {"unit": district.market.pk}).content.decode()
    assert f'<option value="{district.market.pk}" selected>' in page
    # A malformed unit is ignored, not an error.
    assert Client().get(FILE_URL, {"unit": "x'"}).status_code == 200


def test_dates_and_files_are_asked_for_in_chinese(district: District) -> None:
    page = Client().get(FILE_URL).content.decode()
    assert 'type="date"' not in page and "年-月-日" in page
    assert "选择文件（可多选）" in page
