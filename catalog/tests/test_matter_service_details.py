"""A matter's page says where and when to go and offers its forms for download; staff
maintain these in the edit form, the admin and the Excel list; "原件 0 份" is never shown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from catalog.models import FormFile, Matter
from catalog.spreadsheet import export_matters, import_matters
from catalog.tests.factories import make_matter, real_pdf
from conftest import District
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


PDF = real_pdf()


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(
        district.market,
        code="MKT-0001",
        name="食品经营许可证核发",
        place="区政务服务中心二楼 B 区",
        hours="工作日 上午 9:00—12:00，下午 13:30—17:00",
        window="15—18 号窗口",
        materials=[
            {"name": "食品经营许可申请书", "originals": 1, "copies": 0, "notes": ""},
            {"name": "营业执照", "originals": 0, "copies": 1, "notes": ""},
        ],
    )


def upload(district: District, matter: Matter, **fields: Any) -> Any:
    data = {"kind": "blank", "material_name": "食品经营许可申请书", "title": ""}
    data.update(fields)
    data.setdefault("upload", SimpleUploadedFile("申请书.pdf", PDF, "application/pdf"))
    return district.client_for(district.alice).post(f"/staff/matters/{matter.pk}/forms/", data)


def test_the_page_says_where_when_and_at_which_window(matter: Matter) -> None:
    page = Client().get("/matters/MKT-0001/").content.decode()

    assert "区政务服务中心二楼 B 区" in page
    assert "工作日 上午 9:00—12:00，下午 13:30—17:00" in page
    assert "15—18 号窗口" in page


def test_a_zero_count_is_left_out(matter: Matter) -> None:
    page = Client().get("/matters/MKT-0001/").content.decode()

    assert "原件 0 份" not in page and "复印件 0 份" not in page and "0 份" not in page
    assert "原件 1 份" in page and "复印件 1 份" in page


def test_staff_upload_a_blank_form_that_anyone_can_download(
    district: District, matter: Matter
) -> None:
    response = upload(district, matter)
    assert response.status_code == 302

    form_file = FormFile.objects.get()
    assert form_file.title == "食品经营许可申请书"
    page = Client().get("/matters/MKT-0001/").content.decode()
    link = f"/matters/MKT-0001/forms/{form_file.token}/"
    assert link in page and "空白表格" in page
    download = Client().get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="catalog.add_form_file").count() == 1


def test_a_matter_wide_sample_is_listed_on_its_own(district: District, matter: Matter) -> None:
    upload(district, matter, kind="sample", material_name="", title="填写示例汇编")

    page = Client().get("/matters/MKT-0001/").content.decode()
    assert "填写示例汇编（示例样表）" in page


def test_a_form_of_a_renamed_material_is_still_offered(district: District, matter: Matter) -> None:
    upload(district, matter, title="旧申请书")
    matter.materials.filter(name="食品经营许可申请书").update(name="食品经营许可申请表")

    page = Client().get("/matters/MKT-0001/").content.decode()
    assert "旧申请书（空白表格）" in page


def test_a_file_that_is_not_what_it_claims_is_refused(district: District, matter: Matter) -> None:
    response = upload(
        district, matter, upload=SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00", "application/pdf")
    )

    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    assert not FormFile.objects.exists()


def test_another_units_staff_cannot_add_forms(district: District, matter: Matter) -> None:
    response = district.client_for(district.bob).post(
        f"/staff/matters/{matter.pk}/forms/",
        {"kind": "blank", "upload": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 404
    assert not FormFile.objects.exists()


def test_staff_remove_a_form_and_it_is_gone(district: District, matter: Matter) -> None:
    upload(district, matter)
    token = FormFile.objects.get().token

    response = district.client_for(district.alice).post(
        f"/staff/matters/{matter.pk}/forms/{token}/delete/"
    )

    assert response.status_code == 302
    assert not FormFile.objects.exists()
    assert Client().get(f"/matters/MKT-0001/forms/{token}/").status_code == 404
    assert AuditEvent.objects.filter(action="catalog.remove_form_file").count() == 1


def test_staff_edit_place_hours_and_window(district: District, matter: Matter) -> None:
    client = district.client_for(district.alice)
    form = client.get(f"/staff/matters/{matter.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(place="青石镇便民服务中心", hours="工作日 8:30—17:30", window="3 号窗口")

    response = client.post(f"/staff/matters/{matter.pk}/edit/", data)

    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.place, matter.hours, matter.window) == (
        "青石镇便民服务中心",
        "工作日 8:30—17:30",
        "3 号窗口",
    )


def test_the_excel_list_carries_the_new_columns_and_a_round_trip_changes_nothing(
    district: District, matter: Matter
) -> None:
    data = export_matters(Matter.objects.all())
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    assert {"办理地点", "办理时间", "受理窗口"} <= set(header)
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["办理地点"] == "区政务服务中心二楼 B 区"
    assert row["受理窗口"] == "15—18 号窗口"

    report = import_matters(actor=district.olivia, data=data)

    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_an_import_sets_the_new_columns_and_an_old_template_leaves_them_alone(
    district: District, matter: Matter
) -> None:
    workbook = load_workbook(io.BytesIO(export_matters(Matter.objects.all())))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("受理窗口") + 1, value="20 号窗口")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_matters(actor=district.olivia, data=buffer.getvalue()).updated == 1
    matter.refresh_from_db()
    assert matter.window == "20 号窗口"

    for name in ("受理窗口", "办理时间", "办理地点"):
        sheet.delete_cols(header.index(name) + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_matters(actor=district.olivia, data=buffer.getvalue())
    assert report.ok and report.unchanged == 1
    matter.refresh_from_db()
    assert matter.window == "20 号窗口" and matter.place == "区政务服务中心二楼 B 区"


def test_the_admin_adds_a_checked_form_file(district: District, matter: Matter) -> None:
    client = district.client_for(district.root)
    url = f"/admin/catalog/matter/{matter.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("on" if value is True else value)
        for name, value in form.initial.items()
        if value not in (None, False)
    }
    data["unit"] = matter.unit_id
    for prefix, rows in (("materials", list(matter.materials.all())), ("form_files", [])):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows) + 1),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {
                f"{prefix}-{index}-id": row.pk,
                f"{prefix}-{index}-matter": matter.pk,
                f"{prefix}-{index}-position": row.position,
                f"{prefix}-{index}-name": row.name,
                f"{prefix}-{index}-originals": row.originals,
                f"{prefix}-{index}-copies": row.copies,
            }
    extra = len(matter.materials.all())  # the empty material row, left at its defaults
    data |= {f"materials-{extra}-position": 0, f"materials-{extra}-originals": 1}
    data |= {f"materials-{extra}-copies": 0}
    bad = dict(data)
    bad |= {
        "form_files-0-kind": "blank",
        "form_files-0-title": "申请书",
        "form_files-0-file": SimpleUploadedFile("申请书.pdf", b"MZ\x90", "application/pdf"),
    }
    refused = client.post(url, bad)
    assert refused.status_code == 200  # the form shown again, with the reason
    assert "内容与扩展名不符" in refused.content.decode()
    assert not FormFile.objects.exists()

    data |= {
        "form_files-0-kind": "sample",
        "form_files-0-title": "申请书填写示例",
        "form_files-0-file": SimpleUploadedFile("示例.pdf", PDF, "application/pdf"),
    }
    response = client.post(url, data)

    assert response.status_code == 302
    form_file = FormFile.objects.get()
    assert (form_file.kind, form_file.original_name) == ("sample", "示例.pdf")
    assert form_file.size == len(PDF)
    assert Client().get(f"/matters/MKT-0001/forms/{form_file.token}/").status_code == 200


def test_the_api_lists_place_hours_window_and_forms(district: District, matter: Matter) -> None:
    upload(district, matter)

    data = Client().get("/api/matters/MKT-0001/").json()

    assert data["window"] == "15—18 号窗口" and data["place"] == "区政务服务中心二楼 B 区"
    [form_file] = data["form_files"]
    assert form_file["kind"] == "blank" and form_file["material"] == "食品经营许可申请书"
    assert Client().get(form_file["url"]).status_code == 200
