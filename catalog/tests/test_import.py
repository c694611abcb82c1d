"""Importing the matter list from Excel: all or nothing, each bad row named in Chinese."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from catalog.models import Material, Matter
from catalog.spreadsheet import COLUMNS, ImportRefused, import_matters
from catalog.tests.factories import make_matter
from conftest import District
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

IMPORT_URL = "/staff/matters/import/"
EXPORT_URL = "/staff/matters/export.xlsx"
HEADERS = [header for _, header in COLUMNS]


def row(**values: Any) -> dict[str, Any]:
    """A good row for the market bureau; keyword arguments override cells by column key."""
    cells: dict[str, Any] = {
        "code": "MKT-IMP-001",
        "name": "个体工商户营业执照办理",
        "unit": "区市场监督管理局",
        "kind": "行政许可",
        "legal_basis": "《促进个体工商户发展条例》第八条",
        "materials": "个体工商户登记申请书|1|0\n经营者身份证|1|1|核验原件",
        "steps": "申请\n受理\n核准\n发照",
        "fee": "不收费",
        "statutory_limit_days": 15,
        "promised_limit_days": 3,
        "online": "是",
        "window_authority": "进驻大厅，窗口授权办理",
        "contact_phone": "0571-12345678",
    }
    cells.update(values)
    return cells


def workbook_bytes(rows: Iterable[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("事项清单")
    if headers:
        sheet.append(headers)
    key_of = {header: key for key, header in COLUMNS}
    for cells in rows:
        sheet.append([cells.get(key_of.get(header, ""), "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "事项清单.xlsx") -> Any:
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)}, follow=True)


def page_text(response: Any) -> str:
    return response.content.decode()


# --- who may import -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["olivia", "root"])
def test_the_office_and_admins_can_open_the_import_page(district: District, who: str) -> None:
    response = district.client_for(getattr(district, who)).get(IMPORT_URL)

    assert response.status_code == 200
    assert "导入事项清单" in page_text(response)


def test_unit_staff_cannot_import_and_are_told_why(district: District) -> None:
    client = district.client_for(district.alice)

    response = upload(client, workbook_bytes([row()]))

    assert "只有督查室或系统管理员可以导入事项清单" in page_text(response)
    assert not Matter.objects.filter(code="MKT-IMP-001").exists()
    assert not AuditEvent.objects.filter(action="catalog.import_matters").exists()


# --- good files ---------------------------------------------------------------------------


def test_a_good_file_creates_the_matters_with_their_materials(district: District) -> None:
    data = workbook_bytes(
        [
            row(),
            row(
                code="HRS-IMP-001",
                name="失业保险金申领",
                unit="HRS",  # a unit may be named by its code
                kind="",
                materials="",
                promised_limit_days=0,
                online="否",
                window_authority="",
            ),
        ]
    )

    response = upload(district.client_for(district.olivia), data)

    assert "导入成功：新增 2 项" in page_text(response)
    licence = Matter.objects.get(code="MKT-IMP-001")
    assert licence.name == "个体工商户营业执照办理"
    assert licence.unit == district.market
    assert licence.kind == Matter.Kind.LICENSING
    assert (licence.statutory_limit_days, licence.promised_limit_days) == (15, 3)
    assert licence.online
    assert [(m.name, m.originals, m.copies, m.notes) for m in licence.materials.all()] == [
        ("个体工商户登记申请书", 1, 0, ""),
        ("经营者身份证", 1, 1, "核验原件"),
    ]
    benefit = Matter.objects.get(code="HRS-IMP-001")
    assert benefit.unit == district.hr
    assert benefit.is_immediate
    assert not benefit.online
    assert benefit.kind == Matter.Kind.PUBLIC_SERVICE  # the default for an empty cell
    assert benefit.window_authority == Matter.WindowAuthority.DECIDE
    assert list(benefit.materials.all()) == []


def test_the_imported_matters_appear_in_the_public_catalogue(district: District) -> None:
    upload(district.client_for(district.olivia), workbook_bytes([row()]))

    page = Client().get("/matters/MKT-IMP-001/")

    assert page.status_code == 200
    assert "经营者身份证" in page_text(page)


def test_an_import_writes_exactly_one_audit_event_naming_what_it_created(
    district: District,
) -> None:
    rows = [row(code=f"MKT-IMP-{n:03d}") for n in range(1, 6)]

    upload(district.client_for(district.olivia), workbook_bytes(rows), name="五项.xlsx")

    [event] = AuditEvent.objects.filter(action="catalog.import_matters")
    assert event.actor == district.olivia
    assert event.after["file"] == "五项.xlsx"
    assert event.after["created"] == [f"MKT-IMP-{n:03d}" for n in range(1, 6)]
    assert event.after["updated"] == []


def test_importing_a_changed_row_updates_that_matter_and_replaces_its_materials(
    district: District,
) -> None:
    matter = make_matter(
        district.market,
        code="MKT-IMP-001",
        materials=[{"name": "旧材料", "originals": 1, "copies": 0}],
    )
    before = matter.updated_at

    response = upload(
        district.client_for(district.olivia), workbook_bytes([row(promised_limit_days=1)])
    )

    assert "新增 0 项，更新 1 项" in page_text(response)
    matter.refresh_from_db()
    assert matter.promised_limit_days == 1
    assert matter.updated_at > before  # the public page shows when the guide last changed
    assert [m.name for m in matter.materials.all()] == ["个体工商户登记申请书", "经营者身份证"]
    event = AuditEvent.objects.get(action="catalog.import_matters")
    assert event.after["updated"] == ["MKT-IMP-001"]


def test_importing_an_archived_matters_code_brings_it_back(district: District) -> None:
    from catalog import actions

    matter = make_matter(district.market, code="MKT-IMP-001")
    actions.archive_matter(actor=district.olivia, matter=matter, reason="暂停")

    upload(district.client_for(district.olivia), workbook_bytes([row()]))

    matter.refresh_from_db()
    assert not matter.archived


def test_an_exported_list_imported_again_changes_nothing(district: District) -> None:
    make_matter(
        district.market,
        code="MKT-A",
        name="食品经营许可证核发",
        kind="licensing",
        legal_basis="《食品安全法》第三十五条\n《食品经营许可管理办法》",
        statutory_limit_days=20,
        promised_limit_days=8,
        online=True,
        contact_phone="12345",
        fee="不收费",
        materials=[
            {"name": "申请书", "originals": 1, "copies": 0, "notes": ""},
            {"name": "营业执照", "originals": 0, "copies": 2, "notes": "加盖公章"},
        ],
    )
    make_matter(
        district.hr,
        code="HRS-B",
        name="就业创业证申领",
        promised_limit_days=0,
        window_authority="receive_only",
        materials=[],
    )
    client = district.client_for(district.olivia)

    def state() -> list[tuple[Any, ...]]:
        return [
            (
                *Matter.objects.filter(pk=m.pk).values_list(
                    "code",
                    "name",
                    "unit",
                    "kind",
                    "legal_basis",
                    "steps",
                    "fee",
                    "statutory_limit_days",
                    "promised_limit_days",
                    "online",
                    "window_authority",
                    "contact_phone",
                    "archived",
                    "updated_at",
                )[0],
                tuple(m.materials.values_list("pk", "name", "originals", "copies", "notes")),
            )
            for m in Matter.objects.order_by("code")
        ]

    before = state()
    exported = client.get(EXPORT_URL)
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")

    response = upload(client, exported.content, name="matters.xlsx")

    assert "导入成功：新增 0 项，更新 0 项" in page_text(response)
    assert state() == before
    event = AuditEvent.objects.get(action="catalog.import_matters")
    assert event.after["created"] == []
    assert event.after["updated"] == []


def test_the_export_has_the_template_headers_and_one_row_per_matter(district: District) -> None:
    make_matter(district.market, code="MKT-A")
    make_matter(district.hr, code="HRS-B")

    data = district.client_for(district.alice).get(EXPORT_URL).content
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == HEADERS
    # Unit staff export their own unit's list only.
    assert [r[0] for r in rows[1:]] == ["MKT-A"]


# --- bad rows: reported by row number, nothing imported -----------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(code="MKT-IMP-001", name="重复的编码"), "第 3 行：事项编码“MKT-IMP-001”与第 2 行重复"),
        (row(code="X-2", unit="区不存在局"), "第 3 行：实施单位“区不存在局”不存在"),
        (row(code="X-2", statutory_limit_days=-1), "第 3 行：“法定时限”不能为负数"),
        (row(code="X-2", promised_limit_days=-3), "第 3 行：“承诺时限”不能为负数"),
        (
            row(code="X-2", statutory_limit_days=5, promised_limit_days=9),
            "第 3 行：承诺时限（9）不能超过法定时限（5）",
        ),
        (
            row(code="X-2", statutory_limit_days="二十"),
            "第 3 行：“法定时限”必须是整数（当前为“二十”）",
        ),
        (row(code="X-2", promised_limit_days=2.5), "第 3 行：“承诺时限”必须是整数（当前为“2.5”）"),
        (row(code="X-2", name=""), "第 3 行：“事项名称”不能为空"),
        (row(code="X-2", legal_basis=None), "第 3 行：“设定依据”不能为空"),
        (row(code="X-2", kind="行政审批"), "第 3 行：事项类型“行政审批”无效"),
        (row(code="X-2", online="也许"), "第 3 行：网上可办应填“是”或“否”"),
        (row(code="X-2", materials="身份证|一份|0"), "第 3 行：申请材料“身份证|一份|0”格式不对"),
        (row(code="X-2", statutory_limit_days=99999999999), "第 3 行：“法定时限”不能超过"),
        (row(code="X-2", materials="身份证|100000|0"), "第 3 行：申请材料“身份证|100000|0”"),
        (row(code="X/2"), "第 3 行：事项编码只能"),
        (row(code="X" * 41), "第 3 行：事项编码不能超过 40 个字符"),
        (row(code="X-2", name="<b>营业执照</b>"), "第 3 行：事项名称不能包含网页代码"),
        (
            row(code="X-2", materials="申请书|1|0|<script>x</script>"),
            "第 3 行：备注不能包含网页代码",
        ),
    ],
    ids=[
        "duplicate-code",
        "unknown-unit",
        "negative-statutory",
        "negative-promised",
        "promised-over-statutory",
        "chinese-numeral-limit",
        "fractional-limit",
        "empty-name",
        "empty-legal-basis",
        "unknown-kind",
        "unclear-online",
        "bad-material-count",
        "absurd-limit",
        "absurd-material-count",
        "slash-in-code",
        "long-code",
        "markup-in-name",
        "markup-in-a-material",
    ],
)
def test_a_bad_row_is_reported_by_number_and_nothing_is_imported(
    district: District, bad: dict[str, Any], message: str
) -> None:
    data = workbook_bytes([row(), bad, row(code="MKT-IMP-003")])

    response = upload(district.client_for(district.olivia), data)

    text = page_text(response)
    assert response.status_code == 200
    assert message in text
    assert "未导入任何事项" in text
    assert not Matter.objects.exists()
    assert not Material.objects.exists()
    assert not AuditEvent.objects.filter(action="catalog.import_matters").exists()


def test_every_bad_row_is_reported_not_only_the_first(district: District) -> None:
    data = workbook_bytes(
        [
            row(code="A-1"),
            row(code="A-2", unit="无此单位"),
            row(code="A-3"),
            row(code="A-4", statutory_limit_days=2, promised_limit_days=3),
            row(code="A-5", promised_limit_days="三"),
        ]
    )

    text = page_text(upload(district.client_for(district.olivia), data))

    assert "第 3 行：实施单位“无此单位”不存在" in text
    assert "第 5 行：承诺时限（3）不能超过法定时限（2）" in text
    assert "第 6 行：“承诺时限”必须是整数" in text
    assert "第 2 行" not in text and "第 4 行" not in text
    assert not Matter.objects.exists()


def test_a_bad_row_does_not_let_the_good_rows_change_existing_matters(
    district: District,
) -> None:
    matter = make_matter(district.market, code="MKT-IMP-001", promised_limit_days=5)

    upload(
        district.client_for(district.olivia),
        workbook_bytes([row(promised_limit_days=1), row(code="X-2", unit="无此单位")]),
    )

    matter.refresh_from_db()
    assert matter.promised_limit_days == 5


def test_a_row_naming_an_archived_unit_is_refused(district: District) -> None:
    from org import actions as org_actions

    org_actions.archive_unit(actor=district.root, unit=district.town, reason="撤镇设街道")

    text = page_text(
        upload(district.client_for(district.olivia), workbook_bytes([row(unit="青石镇人民政府")]))
    )

    assert "第 2 行：实施单位“青石镇人民政府”不存在" in text
    assert not Matter.objects.exists()


def test_blank_rows_are_skipped_and_row_numbers_still_match_the_sheet(district: District) -> None:
    data = workbook_bytes([row(code="A-1"), {}, row(code="A-3", unit="无此单位")])

    text = page_text(upload(district.client_for(district.olivia), data))

    assert "第 4 行：实施单位“无此单位”不存在" in text


# --- unusable files -----------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_broken_sheet() -> bytes:
    good = workbook_bytes([row()])
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/"))
    members[sheet] = members[sheet][: len(members[sheet]) // 2]
    return _zip(members)


UNREADABLE = "无法读取该文件：请上传 Excel 2007 及以上格式（.xlsx）的文件"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "事项清单.txt",
            "事项编码,事项名称\n".encode(),
            "文件类型不对：请上传 .xlsx 格式的 Excel 文件",
        ),
        ("事项清单.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "文件类型不对"),
        ("事项清单.xlsx", "这不是表格".encode(), UNREADABLE),
        ("事项清单.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, UNREADABLE),
        ("事项清单.xlsx", _zip({"readme.txt": b"hello"}), UNREADABLE),
        ("事项清单.xlsx", _zip({"[Content_Types].xml": b"<broken"}), UNREADABLE),
        ("事项清单.xlsx", workbook_bytes([row()])[:700], UNREADABLE),
        ("事项清单.xlsx", _with_broken_sheet(), UNREADABLE),
        ("事项清单.xlsx", b"", "文件是空的"),
        ("事项清单.xlsx", workbook_bytes([]), "文件只有表头，没有事项数据"),
        ("事项清单.xlsx", workbook_bytes([], headers=[]), "没有任何内容"),
        ("事项清单.xlsx", workbook_bytes([{}, {}]), "文件只有表头，没有事项数据"),
    ],
    ids=[
        "txt",
        "xls",
        "text-named-xlsx",
        "ole-named-xlsx",
        "zip-without-workbook",
        "broken-zip-manifest",
        "truncated-xlsx",
        "broken-sheet-xml",
        "empty-file",
        "header-only",
        "nothing-at-all",
        "header-and-blank-rows",
    ],
)
def test_an_unusable_file_is_refused_with_a_chinese_explanation(
    district: District, name: str, data: bytes, message: str
) -> None:
    response = upload(district.client_for(district.olivia), data, name=name)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Matter.objects.exists()
    assert not AuditEvent.objects.filter(action="catalog.import_matters").exists()


def test_posting_without_a_file_asks_for_one(district: District) -> None:
    response = district.client_for(district.olivia).post(IMPORT_URL, {})

    assert "请选择要导入的 Excel 文件" in page_text(response)


def test_a_file_without_a_required_column_is_refused_naming_the_column(
    district: District,
) -> None:
    headers = [h for h in HEADERS if h != "承诺时限（工作日）"]

    response = upload(district.client_for(district.olivia), workbook_bytes([row()], headers))

    assert "缺少必填列：承诺时限（工作日）" in page_text(response)
    assert not Matter.objects.exists()


def test_optional_columns_may_be_left_out_and_columns_may_be_reordered(
    district: District,
) -> None:
    headers = [
        "承诺时限（工作日）",
        "事项名称",
        "事项编码",
        "实施单位",
        "设定依据",
        "法定时限（工作日）",
    ]

    response = upload(district.client_for(district.olivia), workbook_bytes([row()], headers))

    assert "导入成功：新增 1 项" in page_text(response)
    matter = Matter.objects.get(code="MKT-IMP-001")
    assert (matter.statutory_limit_days, matter.promised_limit_days) == (15, 3)
    assert not matter.online


def test_a_file_with_more_rows_than_allowed_is_refused(district: District, settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "IMPORT_MAX_ROWS": 3}

    with pytest.raises(ImportRefused, match="一次最多导入 3 行"):
        import_matters(
            actor=district.olivia,
            data=workbook_bytes([row(code=f"A-{n}") for n in range(4)]),
        )

    assert not Matter.objects.exists()


def test_a_file_larger_than_allowed_is_refused(district: District, settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "IMPORT_MAX_BYTES": 2 * 1024 * 1024}
    data = workbook_bytes([row()])
    data += b"\0" * (2 * 1024 * 1024)

    response = upload(district.client_for(district.olivia), data)

    assert "文件超过 2 MB，请拆分后分批导入" in page_text(response)
    assert not Matter.objects.exists()


# --- large files --------------------------------------------------------------------------

LARGE = 10_000
# Only the columns the rows need: openpyxl reads about 0.05 ms per cell, and the time is in
# the cells, not in the importer's own work.
LARGE_HEADERS = [
    "事项编码",
    "事项名称",
    "实施单位",
    "设定依据",
    "申请材料",
    "法定时限（工作日）",
    "承诺时限（工作日）",
]


def large_rows(bad_at: int | None = None) -> list[dict[str, Any]]:
    units = ["区市场监督管理局", "区人力资源和社会保障局", "QSZ"]
    rows = [
        row(
            code=f"BULK-{n:05d}",
            name=f"批量事项{n}",
            unit=units[n % 3],
            materials=f"申请书|1|0\n材料{n}|0|1",
            promised_limit_days=n % 6,
        )
        for n in range(LARGE)
    ]
    if bad_at is not None:
        rows[bad_at]["statutory_limit_days"] = 2  # promised 5 > statutory 2
        rows[bad_at]["promised_limit_days"] = 5
    return rows


def test_a_ten_thousand_row_file_imports_completely(district: District) -> None:
    data = workbook_bytes(large_rows(), LARGE_HEADERS)
    started = time.monotonic()

    report = import_matters(actor=district.olivia, data=data, filename="全区事项.xlsx")

    assert report.ok, report.errors[:3]
    assert time.monotonic() - started < 30
    assert (report.rows, report.created, report.updated) == (LARGE, LARGE, 0)
    assert Matter.objects.count() == LARGE
    assert Material.objects.count() == 2 * LARGE
    last = Matter.objects.get(code=f"BULK-{LARGE - 1:05d}")
    assert [m.name for m in last.materials.all()] == ["申请书", f"材料{LARGE - 1}"]
    assert Matter.objects.filter(unit=district.town).count() == LARGE // 3
    assert AuditEvent.objects.filter(action="catalog.import_matters").count() == 1


def test_a_ten_thousand_row_file_with_one_bad_row_imports_nothing(district: District) -> None:
    data = workbook_bytes(large_rows(bad_at=7_777), LARGE_HEADERS)

    report = import_matters(actor=district.olivia, data=data, filename="全区事项.xlsx")

    assert [str(error) for error in report.errors] == [
        "第 7779 行：承诺时限（5）不能超过法定时限（2）"
    ]
    assert not Matter.objects.exists()
    assert not Material.objects.exists()
    assert not AuditEvent.objects.filter(action="catalog.import_matters").exists()
