"""Reading a 12345 hotline export and checking its rows (see `complaints.intake.hotline`):
the file's encoding and format, the source's column mapping, and each row as a `Row` or a
Chinese error message by row number."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints.identity import Identity
from complaints.intake import actions
from org.models import Unit
from zuofeng.validation import without_controls

TZ = ZoneInfo("Asia/Shanghai")
PREVIEW_ROWS = 5
EXTENSIONS = (".csv", ".xlsx")
TICKET_MAX = 64


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    # Headers that 12345 systems commonly use, to propose a mapping from a preview.
    aliases: tuple[str, ...] = ()


FIELDS = (
    Field("ticket", "工单编号", True, ("工单编号", "工单号", "受理编号", "编号")),
    Field("received_at", "受理时间", True, ("受理时间", "来电时间", "登记时间", "创建时间")),
    Field("text", "诉求内容", True, ("诉求内容", "反映内容", "来电内容", "问题描述", "内容")),
    Field("unit", "被反映单位", False, ("被反映单位", "涉及单位", "承办单位", "责任单位")),
    Field("subject_name", "被反映人", False, ("被反映人", "涉及人员", "被投诉人")),
    Field("place", "发生地点", False, ("发生地点", "事发地点", "地址", "地点")),
    Field("caller_name", "来电人姓名", False, ("来电人姓名", "来电人", "市民姓名", "姓名")),
    Field("caller_phone", "来电号码", False, ("来电号码", "联系电话", "联系方式", "电话")),
    Field("caller_id_number", "身份证号", False, ("身份证号", "证件号码", "身份证号码")),
    Field("channel_detail", "来源渠道", False, ("来源渠道", "渠道", "来源", "诉求渠道")),
)
REQUIRED = tuple(f.key for f in FIELDS if f.required)


def setting(name: str) -> int:
    return int(settings.ZUOFENG[name])


class HotlineRefused(Exception):
    """The whole file is refused (nothing is stored); the message is for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, each with as many cells as headers
    first_row: int  # the spreadsheet row number of rows[0] (the header is the row before)


# --- reading -----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # UTF-16 read as one of these is full of NULs; a stray NUL in a row's text is not a
        # sign of the wrong encoding (it is dropped with the other control characters).
        if text.count("\x00") * 20 <= len(text):
            return text
    raise HotlineRefused(
        "无法识别文件编码：请从热线系统导出为 UTF-8 或 GBK（GB18030）编码的 CSV 文件，"
        "或导出为 Excel（.xlsx）文件。"
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _rows_csv(data: bytes) -> Iterator[list[str]]:
    text = decode(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise HotlineRefused(f"CSV 文件格式有误：{error}") from error


def _rows_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise HotlineRefused("无法打开 Excel 文件：请上传热线系统导出的 .xlsx 文件。") from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def read_table(data: bytes, extension: str, limit: int | None = None) -> Table:
    """The header and the data rows (at most `limit`) of an export; blank rows skipped."""
    extension = extension.lower()
    if extension not in EXTENSIONS:
        raise HotlineRefused("只能导入 CSV（.csv）或 Excel（.xlsx）文件。")
    reader = _rows_csv(data) if extension == ".csv" else _rows_xlsx(data)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    first_row = 0
    for number, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if headers is None:
            headers = [cell.strip().lstrip("\ufeff") for cell in row]
            first_row = number + 1
            continue
        width = len(headers)
        cells = [cell.strip() for cell in row[:width]]
        cells += [""] * (width - len(cells))
        rows.append([*cells, str(number)])
        if limit is not None and len(rows) >= limit:
            break
        if len(rows) > setting("HOTLINE_MAX_ROWS"):
            raise HotlineRefused(
                f"文件超过 {setting('HOTLINE_MAX_ROWS')} 行，请按日期分成几个文件导入。"
            )
    if headers is None:
        raise HotlineRefused("文件是空的：没有找到表头。")
    return Table(headers=headers, rows=rows, first_row=first_row)


def columns(table: Table, column_map: dict[str, str]) -> dict[str, int]:
    """Our field → the column index in this file; refuses a file without a mapped column."""
    missing_map = [f.label for f in FIELDS if f.required and not column_map.get(f.key)]
    if missing_map:
        raise HotlineRefused(f"该来源的列对应关系未设置：{'、'.join(missing_map)}。")
    index = {header: i for i, header in enumerate(table.headers) if header}
    found: dict[str, int] = {}
    missing: list[str] = []
    for field in FIELDS:
        header = (column_map.get(field.key) or "").strip()
        if not header:
            continue
        if header in index:
            found[field.key] = index[header]
        else:
            missing.append(f"“{header}”（{field.label}）")
    if missing:
        raise HotlineRefused(
            f"文件缺少以下列：{'、'.join(missing)}。请检查导出文件，或修改该来源的列对应关系。"
        )
    return found


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A proposed mapping from a preview's headers (exact alias matches only)."""
    present = set(headers)
    guess: dict[str, str] = {}
    for field in FIELDS:
        for alias in field.aliases:
            if alias in present and alias not in guess.values():
                guess[field.key] = alias
                break
    return guess


# --- checking rows ----------------------------------------------------------------------------

_TIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]*(\d{1,2})[:时](\d{1,2})分?(?::?(\d{1,2})(?:\.\d+)?秒?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$")


def parse_time(value: str) -> dt.datetime:
    """A time as 12345 exports write it, in Beijing time: 2026-11-02 10:15[:00],
    2026/11/2 10:15, 2026年11月2日 10时15分, 20261102101500, or a date alone."""
    match = _TIME.match(value) or _COMPACT.match(value)
    if match is None:
        raise ValueError(value)
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=TZ)


@dataclass
class Row:
    number: int
    ticket: str
    received_at: dt.datetime
    fields: dict[str, str]  # cleaned text, place, subject_name
    unit: Unit | None
    identity: Identity
    channel_detail: str


def _first_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return next(iter(error.message_dict.values()))[0]
    return error.messages[0]


class UnitMatcher:
    """The unit complained about, by full or short name (spaces ignored); archived units and
    unknown names match nothing, leaving the complaint for triage."""

    def __init__(self) -> None:
        self._by_name: dict[str, Unit] = {}
        for unit in Unit.objects.filter(archived=False).select_related("head"):
            for name in (unit.short_name, unit.name):
                if name:
                    self._by_name["".join(name.split())] = unit

    def __call__(self, name: str) -> Unit | None:
        return self._by_name.get("".join(name.split())) if name else None


def check_row(
    cells: list[str], cols: dict[str, int], units: UnitMatcher, latest: dt.datetime | None = None
) -> Row:
    """One data row as a Row, or ValidationError with a Chinese message. `latest`: the
    latest acceptable time (a day from now), computed once by a caller checking many rows."""
    # Every cell, not only the texts: a ticket or channel detail is stored too.
    value = {key: without_controls(cells[i]) for key, i in cols.items()}
    for key in REQUIRED:
        if not value.get(key):
            label = next(f.label for f in FIELDS if f.key == key)
            raise ValidationError(f"缺少{label}")
    ticket = value["ticket"]
    if len(ticket) > TICKET_MAX:
        raise ValidationError(f"工单编号不能超过 {TICKET_MAX} 个字符")
    try:
        received_at = parse_time(value["received_at"])
    except ValueError:
        raise ValidationError(
            f"受理时间“{value['received_at'][:30]}”无法识别（应如 2026-11-02 10:15:00）"
        ) from None
    if received_at > (latest or timezone.now() + dt.timedelta(days=1)):
        raise ValidationError("受理时间晚于当前时间")
    unit = units(value.get("unit", ""))
    try:
        fields = actions.clean_fields(
            text=value["text"],
            place=value.get("place", ""),
            subject_name=value.get("subject_name", ""),
            unit=unit,
        )
        identity = actions.clean_identity(
            Identity(
                name=value.get("caller_name", ""),
                phone=value.get("caller_phone", ""),
                id_number=value.get("caller_id_number", ""),
            )
        )
    except ValidationError as error:
        raise ValidationError(_first_message(error)) from None
    return Row(
        number=int(cells[-1]),
        ticket=ticket,
        received_at=received_at,
        fields=fields,
        unit=unit,
        identity=identity,
        channel_detail=value.get("channel_detail", "")[:60],
    )
