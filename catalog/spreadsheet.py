"""The matter list (事项清单) as an Excel workbook: export, and all-or-nothing import.

Offices keep their lists in Excel. An import reads every row, validates them all against
the units and each other, and writes nothing unless every row is good; the report names
each bad row by its row number in the sheet, in Chinese.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from catalog.cache import bump_version
from catalog.models import (
    MATTER_CODE_PATTERN,
    MATTER_CODE_RULE,
    TEXT_FIELDS,
    Material,
    Matter,
    refuse_markup,
)
from org.models import Unit
from zuofeng.audit.chain import record
from zuofeng.spreadsheets import append_row

# (key, header) in sheet order; headers are what offices see and type.
COLUMNS: list[tuple[str, str]] = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("unit", "实施单位"),
    ("kind", "事项类型"),
    ("legal_basis", "设定依据"),
    ("materials", "申请材料"),
    ("steps", "办理流程"),
    ("fee", "收费标准"),
    ("statutory_limit_days", "法定时限（工作日）"),
    ("promised_limit_days", "承诺时限（工作日）"),
    ("online", "网上可办"),
    ("window_authority", "窗口授权"),
    ("contact_phone", "咨询电话"),
    ("place", "办理地点"),
    ("hours", "办理时间"),
    ("window", "受理窗口"),
]
# Columns added after the first template: a sheet made from an older export has none of
# them, and importing it must leave what the matters already hold alone.
LATER_COLUMNS = {"place": 200, "hours": 200, "window": 100}
REQUIRED = {"code", "name", "unit", "legal_basis", "statutory_limit_days", "promised_limit_days"}
HEADER_TO_KEY = {header: key for key, header in COLUMNS}
KIND_BY_LABEL = {label: value for value, label in Matter.Kind.choices}
WINDOW_BY_LABEL = {label: value for value, label in Matter.WindowAuthority.choices}
YES = {"是", "可", "y", "yes", "true", "1"}
NO = {"否", "不可", "n", "no", "false", "0", ""}
MATERIAL_HINT = "每行一项：材料名称|原件份数|复印件份数|备注"
# Far beyond any real time limit or number of copies, and inside every database's integer
# range: a typo such as 150000 is reported on its row instead of failing the whole import.
MAX_LIMIT_DAYS = 9999
MAX_COPIES = 99
# What a damaged or foreign file raises inside openpyxl, when opened or while its rows are read.
UNREADABLE_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    ParseError,
)
UNREADABLE = "无法读取该文件：请上传 Excel 2007 及以上格式（.xlsx）的文件"


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}" if self.row else self.message


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(Exception):
    """The whole file is unusable (wrong type, empty, too big, missing columns)."""


# --- export ----------------------------------------------------------------------------


def _materials_cell(materials: list[Material]) -> str:
    return "\n".join(f"{m.name}|{m.originals}|{m.copies}|{m.notes}".rstrip("|") for m in materials)


def export_matters(queryset: Any) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "事项清单"
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for matter in queryset.select_related("unit").prefetch_related("materials").order_by("code"):
        append_row(
            sheet,
            [
                matter.code,
                matter.name,
                matter.unit.name,
                matter.get_kind_display(),
                matter.legal_basis,
                _materials_cell(list(matter.materials.all())),
                matter.steps,
                matter.fee,
                matter.statutory_limit_days,
                matter.promised_limit_days,
                "是" if matter.online else "否",
                matter.get_window_authority_display(),
                matter.contact_phone,
                matter.place,
                matter.hours,
                matter.window,
            ],
        )
    widths = [16, 30, 20, 12, 40, 40, 30, 12, 10, 10, 8, 20, 14, 30, 30, 14]
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    explanations = {
        "unit": "单位全称或单位编码，须为系统中已有单位",
        "kind": "、".join(KIND_BY_LABEL),
        "materials": MATERIAL_HINT,
        "steps": "每行一个步骤",
        "statutory_limit_days": "非负整数",
        "promised_limit_days": "非负整数，不超过法定时限；0 表示即办件",
        "online": "是 / 否",
        "window_authority": "、".join(WINDOW_BY_LABEL),
        "place": "如：区政务服务中心二楼 B 区；留空则显示单位地址",
        "hours": "如：工作日 上午 9:00—12:00，下午 13:30—17:00",
        "window": "如：15—18 号窗口",
    }
    for key, header in COLUMNS:
        append_row(notes, [header, "是" if key in REQUIRED else "否", explanations.get(key, "")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_int(value: Any, label: str, errors: list[str]) -> int | None:
    text = _text(value)
    if not re.fullmatch(r"[+-]?\d+", text):
        errors.append(f"“{label}”必须是整数（当前为“{text}”）")
        return None
    number = int(text)
    if number < 0:
        errors.append(f"“{label}”不能为负数（当前为 {number}）")
        return None
    if number > MAX_LIMIT_DAYS:
        errors.append(f"“{label}”不能超过 {MAX_LIMIT_DAYS} 个工作日（当前为 {number}）")
        return None
    return number


def parse_materials(text: str, errors: list[str]) -> list[dict[str, Any]]:
    materials = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        name = parts[0]
        try:
            originals = int(parts[1]) if len(parts) > 1 and parts[1] else 1
            copies = int(parts[2]) if len(parts) > 2 and parts[2] else 0
        except ValueError:
            errors.append(f"申请材料“{line.strip()}”格式不对（{MATERIAL_HINT}）")
            continue
        if not name or originals < 0 or copies < 0:
            errors.append(f"申请材料“{line.strip()}”格式不对（{MATERIAL_HINT}）")
            continue
        if originals > MAX_COPIES or copies > MAX_COPIES:
            errors.append(f"申请材料“{line.strip()}”的份数不能超过 {MAX_COPIES} 份")
            continue
        notes = "|".join(parts[3:])[:300]
        materials.append(
            {"name": name[:200], "originals": originals, "copies": copies, "notes": notes}
        )
    return materials


def _open_sheet(data: bytes) -> Any:
    limit = settings.ZUOFENG["IMPORT_MAX_BYTES"]
    if not data:
        raise ImportRefused("文件是空的，请选择填好的事项清单 Excel 文件（.xlsx）")
    if len(data) > limit:
        raise ImportRefused(f"文件超过 {limit // (1024 * 1024)} MB，请拆分后分批导入")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE_ERRORS:
        raise ImportRefused(UNREADABLE) from None
    return workbook.worksheets[0]


def _sheet_rows(sheet: Any) -> Any:
    """The sheet's rows as value tuples; a damaged sheet is refused, not a server error."""
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except UNREADABLE_ERRORS:
            raise ImportRefused(UNREADABLE) from None
        yield values


def _read_rows(sheet: Any) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    rows = _sheet_rows(sheet)
    header = next(rows, None)
    if header is None:
        raise ImportRefused("文件中没有任何内容，请使用导出的模板填写")
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = HEADER_TO_KEY.get(_text(value))
        if key is not None:
            positions[key] = index
    missing = [header for key, header in COLUMNS if key in REQUIRED and key not in positions]
    if missing:
        raise ImportRefused("缺少必填列：" + "、".join(missing) + "（请使用导出的模板）")
    max_rows = settings.ZUOFENG["IMPORT_MAX_ROWS"]
    body: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        body.append((number, values))
        if len(body) > max_rows:
            raise ImportRefused(f"一次最多导入 {max_rows} 行，请拆分后分批导入")
    if not body:
        raise ImportRefused("文件只有表头，没有事项数据")
    return positions, body


def import_matters(*, actor: Any, data: bytes, filename: str = "") -> ImportReport:
    """Validate every row, then create or update matters by code — all or nothing."""
    sheet = _open_sheet(data)
    positions, body = _read_rows(sheet)
    report = ImportReport(rows=len(body))
    units: dict[str, Unit] = {}
    for unit in Unit.objects.filter(archived=False):
        units[unit.name] = unit
        units[unit.code] = unit
    seen_codes: dict[str, int] = {}
    parsed: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []

    for number, values in body:

        def cell(key: str, values: tuple[Any, ...] = values) -> Any:
            index = positions.get(key)
            return values[index] if index is not None and index < len(values) else None

        problems: list[str] = []
        for key, header in COLUMNS:
            if key in REQUIRED and not _text(cell(key)):
                problems.append(f"“{header}”不能为空")
        code = _text(cell("code"))
        if code:
            if code in seen_codes:
                problems.append(f"事项编码“{code}”与第 {seen_codes[code]} 行重复")
            else:
                seen_codes[code] = number
            if len(code) > 40:
                problems.append("事项编码不能超过 40 个字符")
            elif not MATTER_CODE_PATTERN.fullmatch(code):
                problems.append(f"{MATTER_CODE_RULE}（当前为“{code}”）")
        unit_text = _text(cell("unit"))
        unit = units.get(unit_text)
        if unit_text and unit is None:
            problems.append(f"实施单位“{unit_text}”不存在（请填写系统中的单位全称或编码）")
        statutory = promised = None
        if _text(cell("statutory_limit_days")):
            statutory = _parse_int(cell("statutory_limit_days"), "法定时限", problems)
        if _text(cell("promised_limit_days")):
            promised = _parse_int(cell("promised_limit_days"), "承诺时限", problems)
        if statutory is not None and promised is not None and promised > statutory:
            problems.append(f"承诺时限（{promised}）不能超过法定时限（{statutory}）")
        kind_text = _text(cell("kind")) or Matter.Kind.PUBLIC_SERVICE.label
        if kind_text not in KIND_BY_LABEL:
            problems.append(f"事项类型“{kind_text}”无效，可选：" + "、".join(KIND_BY_LABEL))
        window_text = _text(cell("window_authority")) or Matter.WindowAuthority.DECIDE.label
        if window_text not in WINDOW_BY_LABEL:
            problems.append(f"窗口授权“{window_text}”无效，可选：" + "、".join(WINDOW_BY_LABEL))
        online_text = _text(cell("online")).lower()
        if online_text not in YES | NO:
            problems.append(f"网上可办应填“是”或“否”（当前为“{online_text}”）")
        name = _text(cell("name"))
        if len(name) > 200:
            problems.append("事项名称不能超过 200 个字符")
        later = {key: _text(cell(key)) for key in LATER_COLUMNS if key in positions}
        for key, limit in LATER_COLUMNS.items():
            if len(later.get(key, "")) > limit:
                label = dict(COLUMNS)[key]
                problems.append(f"“{label}”不能超过 {limit} 个字符")
        materials = parse_materials(_text(cell("materials")), problems)
        if problems:
            report.errors.extend(RowError(number, message) for message in problems)
            continue
        fields = {
            "code": code,
            "name": name,
            "unit": unit,
            "kind": KIND_BY_LABEL[kind_text],
            "legal_basis": _text(cell("legal_basis")),
            "steps": _text(cell("steps")),
            "fee": _text(cell("fee"))[:200] or "不收费",
            "statutory_limit_days": statutory,
            "promised_limit_days": promised,
            "online": online_text in YES and online_text != "",
            "window_authority": WINDOW_BY_LABEL[window_text],
            "contact_phone": _text(cell("contact_phone"))[:30],
            **later,
        }
        # Markup is refused here as in the staff form (the rows are written in bulk, which
        # skips the model's validation).
        for row in (Matter(**fields), *(Material(**m) for m in materials)):
            try:
                refuse_markup(row, TEXT_FIELDS if isinstance(row, Matter) else ("name", "notes"))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            report.errors.extend(RowError(number, message) for message in problems)
            continue
        parsed.append((fields, materials))

    if report.errors:
        return report
    _write(actor=actor, parsed=parsed, report=report, data=data, filename=filename)
    return report


def _differs(matter: Matter, fields: dict[str, Any], materials: list[dict[str, Any]]) -> bool:
    """Whether a row would change the stored matter (an unchanged row is left alone)."""
    if matter.archived:
        return True
    for name, value in fields.items():
        current = matter.unit_id if name == "unit" else getattr(matter, name)
        if current != (value.pk if name == "unit" else value):
            return True
    stored = [(m.name, m.originals, m.copies, m.notes) for m in matter.materials.all()]
    wanted = [(m["name"], m["originals"], m["copies"], m["notes"]) for m in materials]
    return stored != wanted


@transaction.atomic
def _write(
    *,
    actor: Any,
    parsed: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    report: ImportReport,
    data: bytes,
    filename: str,
) -> None:
    # Lock the matters being replaced: an editor saving one of them meanwhile must not have
    # their change silently overwritten half-way through the import.
    existing = {
        m.code: m
        for m in Matter.objects.select_for_update()
        .filter(code__in=[fields["code"] for fields, _ in parsed])
        .prefetch_related("materials")
    }
    now = timezone.now()
    to_create: list[Matter] = []
    to_update: list[Matter] = []
    rewrite: set[str] = set()
    for fields, materials in parsed:
        matter = existing.get(fields["code"])
        if matter is None:
            to_create.append(Matter(**fields))
            rewrite.add(fields["code"])
        elif _differs(matter, fields, materials):
            for name, value in fields.items():
                setattr(matter, name, value)
            matter.archived = False
            # bulk_update skips auto_now; the public page shows when a guide last changed.
            matter.updated_at = now
            to_update.append(matter)
            rewrite.add(fields["code"])
    Matter.objects.bulk_create(to_create, batch_size=500)
    update_fields = [key for key in parsed[0][0] if key != "code"] + ["archived", "updated_at"]
    Matter.objects.bulk_update(to_update, update_fields, batch_size=500)
    by_code = {m.code: m for m in Matter.objects.filter(code__in=sorted(rewrite))}
    Material.objects.filter(matter__in=[m.pk for m in to_update]).delete()
    Material.objects.bulk_create(
        (
            Material(matter=by_code[fields["code"]], position=index, **material)
            for fields, materials in parsed
            if fields["code"] in rewrite
            for index, material in enumerate(materials)
        ),
        batch_size=1000,
    )
    report.created, report.updated = len(to_create), len(to_update)
    report.unchanged = len(parsed) - report.created - report.updated
    record(
        actor=actor,
        action="catalog.import_matters",
        object_type="catalog.matter",
        object_id="import",
        after={
            "file": filename[:200],
            "sha256": hashlib.sha256(data).hexdigest(),
            "created": sorted(m.code for m in to_create),
            "updated": sorted(m.code for m in to_update),
            "unchanged": report.unchanged,
        },
    )
    bump_version()  # bulk writes send no signals: invalidate the public catalogue here
