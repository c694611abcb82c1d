"""User text in the Excel exports is text, never a formula, and control characters neither break
an export nor get stored: the web form, the API, Open311 and the 12345 import all drop them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from catalog.models import Material, Matter
from catalog.tests.factories import make_matter
from complaints import actions
from complaints.intake.open311 import keys
from complaints.models import Complaint, ComplaintCategory, Open311Client
from complaints.tests.test_hotline import ROWS, csv_bytes, run
from complaints.tests.test_staff_pages import file
from conftest import District
from org.models import Unit
from scorecard.models import Indicator, Standard
from scorecard.tests.factories import cases_of_november, computed
from zuofeng.validation import plain_text, required_text

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What Excel and other spreadsheet programs read as the start of a formula.
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
# Short enough for the narrowest exported column (a matter's 30-character phone).
PAYLOAD = 'HYPERLINK("//e.cn","点此")'


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    return load_workbook(io.BytesIO(response.content))


def assert_text_not_formula(book: Any, planted: str) -> None:
    """No cell of the workbook is a formula, and every cell that holds the planted text holds
    it as text with the quote prefix (so Excel keeps it text even when the cell is edited)."""
    # XML stores a carriage return as a line feed; the cell is the same text otherwise.
    expected = planted.replace("\r", "\n")
    found = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(expected):
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    found += 1
    assert found, f"the planted text {planted!r} is not in the export"
    return None


# --- the office's complaint export -----------------------------------------------------------


def test_a_complaint_holding_a_nul_byte_no_longer_breaks_the_office_export(
    district: District,
) -> None:
    complaint = file(district)
    # Stored the way Open311 let it in before control characters were dropped (PostgreSQL
    # never held a NUL: there the other control characters broke the export alike).
    nul = "" if connection.vendor == "postgresql" else "\x00"
    Complaint.objects.filter(pk=complaint.pk).update(
        text=f"窗口{nul}态度差\x07", place="大厅\x1b3号窗口", subject_name=f"王{nul}科长\x01"
    )

    book = workbook(district.client_for(district.olivia).get("/staff/complaints/export.xlsx"))

    row = [cell.value for cell in book.worksheets[0][2]]
    assert complaint.number in row
    assert "窗口态度差" in row and "大厅3号窗口" in row and "王科长" in row


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_text_of_the_complaint_export_comes_out_as_text(
    district: District, prefix: str
) -> None:
    planted = prefix + PAYLOAD
    complaint = actions.triage(actor=district.olivia, complaint=file(district), category="service")
    Complaint.objects.filter(pk=complaint.pk).update(
        text=planted, place=planted, subject_name=planted, answer=planted
    )
    Unit.objects.filter(pk=district.market.pk).update(name=planted)
    ComplaintCategory.objects.filter(code="service").update(name=planted)

    book = workbook(district.client_for(district.olivia).get("/staff/complaints/export.xlsx"))

    assert_text_not_formula(book, planted)
    row = [cell.value for cell in book.worksheets[0][2]]
    # text, place, cadre, answer, both units and both categories
    assert row.count(planted.replace("\r", "\n")) == 8


# --- the matter list export ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_text_of_the_matter_export_comes_out_as_text(district: District, prefix: str) -> None:
    planted = prefix + PAYLOAD
    matter = make_matter(district.market)
    Matter.objects.filter(pk=matter.pk).update(
        name=planted, legal_basis=planted, steps=planted, fee=planted, contact_phone=planted
    )
    Material.objects.filter(matter=matter).update(name=planted)
    Unit.objects.filter(pk=district.market.pk).update(name=planted)

    book = workbook(district.client_for(district.olivia).get("/staff/matters/export.xlsx"))

    assert_text_not_formula(book, planted)
    row = [cell.value for cell in book.worksheets[0][2]]
    # name, unit, legal basis, materials, steps, fee, phone
    assert sum(isinstance(v, str) and v.startswith(planted.replace("\r", "\n")) for v in row) == 7


def test_formula_like_matter_text_is_exported_as_text_and_imports_again_unchanged(
    district: District,
) -> None:
    make_matter(district.market, fee="=不收费", steps="-申请\n-受理", legal_basis="+《条例》")
    before = list(Matter.objects.values("fee", "steps", "legal_basis", "updated_at"))
    client = district.client_for(district.olivia)
    exported = client.get("/staff/matters/export.xlsx").content
    for planted in ("=不收费", "-申请\n-受理", "+《条例》"):
        assert_text_not_formula(load_workbook(io.BytesIO(exported)), planted)

    response = client.post(
        "/staff/matters/import/",
        {"file": SimpleUploadedFile("事项清单.xlsx", exported)},
        follow=True,
    )

    assert "导入成功：新增 0 项，更新 0 项" in response.content.decode()
    assert list(Matter.objects.values("fee", "steps", "legal_basis", "updated_at")) == before


# --- the scorecard export --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_text_of_the_scorecard_export_comes_out_as_text(
    district: District, prefix: str
) -> None:
    from scorecard.export import scorecard_workbook

    planted = prefix + PAYLOAD
    cases_of_november(district)
    scorecard = computed(district)
    Unit.objects.filter(pk=district.market.pk).update(name=planted)
    Indicator.objects.filter(standard=scorecard.standard, code="overdue").update(
        name=planted, numerator_text=planted, denominator_text=planted
    )
    Standard.objects.filter(pk=scorecard.standard_id).update(name=planted)
    scorecard.refresh_from_db()

    book = load_workbook(io.BytesIO(scorecard_workbook(scorecard)))

    assert_text_not_formula(book, planted)
    notes = [[cell.value for cell in row] for row in book["指标说明"].iter_rows()]
    overdue = next(row for row in notes if row[0] == "overdue")
    assert overdue[1:4] == [planted.replace("\r", "\n")] * 3


# --- control characters are dropped on every channel -----------------------------------------


def test_the_shared_text_checks_drop_control_characters_but_keep_line_breaks_and_tabs() -> None:
    assert plain_text("a\x00b\x07c\x1b\x7f\x85d\r\n\te", "内容", 100) == "abcd\r\n\te"
    assert required_text("\x00 原因\x0c ", "原因") == "原因"


def test_the_web_form_files_a_complaint_with_the_nul_dropped(district: District) -> None:
    response = Client().post(
        "/complaints/new/",
        {
            "unit": district.market.pk,
            "subject_name": "王\x00科长",
            "text": "窗口\x00态度很差，问了三遍都不耐烦\x08",
            "place": "3号\x00窗口",
        },
    )

    assert response.status_code == 302, response.content.decode()[:1000]
    complaint = Complaint.objects.get()
    assert complaint.text == "窗口态度很差，问了三遍都不耐烦"
    assert (complaint.place, complaint.subject_name) == ("3号窗口", "王科长")


def test_the_api_stores_an_answer_with_the_nul_dropped(district: District) -> None:
    complaint = actions.triage(actor=district.olivia, complaint=file(district), category="service")
    alice = district.client_for(district.alice)
    actions.respond(actor=district.alice, complaint=complaint, note="收到")

    response = alice.post(
        f"/api/complaints/{complaint.pk}/answer/",
        {"text": "已约谈\x00窗口人员并致歉\x07"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content.decode()[:1000]
    complaint.refresh_from_db()
    assert complaint.answer == "已约谈窗口人员并致歉"


def test_open311_stores_a_request_with_the_nul_dropped(district: District) -> None:
    client = Open311Client(name="掌上政务 App")
    key = keys.set_key(client)
    client.save()

    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "service",
            "description": "窗口\x00态度很差\x01，问了三遍都不耐烦",
            "address_string": "政务\x00大厅",
        },
    )

    assert response.status_code in (200, 201), response.content.decode()[:1000]
    complaint = Complaint.objects.get()
    assert complaint.text == "窗口态度很差，问了三遍都不耐烦"
    assert complaint.place == "政务大厅"


def test_the_12345_import_stores_rows_with_control_characters_dropped(district: District) -> None:
    dirty = list(ROWS[0])
    dirty[0], dirty[2], dirty[5] = "GD\x00001", ROWS[0][2] + "\x00\x07", "政务\x00大厅"

    job = run(district, csv_bytes([dirty, ROWS[1]], "utf-8"))

    assert job.status == job.Status.DONE, job.message
    assert (job.created_count, job.error_count) == (2, 0), job.message
    complaint = Complaint.objects.get(text=ROWS[0][2])
    assert complaint.place == "政务大厅"
    assert all("\x00" not in text for text in Complaint.objects.values_list("text", flat=True))
