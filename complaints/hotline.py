"""12345 hotline import: read a hotline system's CSV or Excel export, map its columns to our
fields with the source's saved mapping, and file every good row as a complaint — exactly what
`actions.file_complaint` would store, but in batches (100,000 rows in well under a minute).

Refused as a whole, nothing stored: a file that is neither UTF-8 nor GBK/GB18030, an Excel
file that cannot be opened, a header without a mapped column. Reported by row number, the
other rows imported: a missing ticket, time or text, an unreadable time, text that is too long
or contains HTML, a ticket repeated within the file. A ticket imported before (this file
again, or an overlapping export) is counted as a duplicate and skipped.

Each batch is one transaction: complaints, their sealed identities, FILED steps, groups of
near-duplicates and audit events are stored together or not at all. An import that stops
half-way (an error, or the process killed) keeps the batches it committed and says so on its
job; running the same file again stores the rest, the committed tickets counted as imported
before. A killed process cannot write its own end: a running job whose progress stopped more
than STALLED_AFTER ago is closed as interrupted by the next import or page that looks.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from complaints import actions
from complaints.classifier import get_classifier
from complaints.classifier.text import normalise
from complaints.identity import Identity, seal
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintEvent,
    HotlineImport,
    HotlineSource,
)
from complaints.similarity import ClusterIndex, normalised_signatures, window_start
from org.models import Unit
from zuofeng.audit.chain import record_many
from zuofeng.bulk import insert_rows

TZ = ZoneInfo("Asia/Shanghai")
CHUNK = 5000
MAX_ERRORS_KEPT = 1000
PREVIEW_ROWS = 5
EXTENSIONS = (".csv", ".xlsx")
TICKET_MAX = 64
# A batch (classification, then one transaction) takes seconds; reading and checking the
# largest allowed file, well under a minute. No progress for this long means the process died.
STALLED_AFTER = dt.timedelta(minutes=10)


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


def _setting(name: str) -> int:
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
        if "\x00" not in text:
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
        if len(rows) > _setting("HOTLINE_MAX_ROWS"):
            raise HotlineRefused(
                f"文件超过 {_setting('HOTLINE_MAX_ROWS')} 行，请按日期分成几个文件导入。"
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
    value = {key: cells[i] for key, i in cols.items()}
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


# --- importing ------------------------------------------------------------------------------


@dataclass
class Counts:
    total: int = 0
    processed: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0


def inspect(data: bytes, extension: str, source: HotlineSource) -> Table:
    """Read the whole file and check its columns (raises HotlineRefused): done when the file
    is uploaded, so that a wrong file is refused at once."""
    table = read_table(data, extension)
    columns(table, source.column_map)
    return table


def _allocate_ids(count: int) -> list[int]:
    """Primary keys for `count` new complaints, reserved now so that numbers (which contain
    the key), identities, steps and audit events are built before one bulk insert."""
    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the caller already wrote in this transaction, so it holds the only write
        # lock and nobody else can take these keys before it commits.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _known(tickets: list[str]) -> set[str]:
    """The tickets already stored. Plain SQL: the ORM prepares each of a batch's thousands
    of parameters one by one."""
    if not tickets:
        return set()
    table = connection.ops.quote_name(Complaint._meta.db_table)
    if connection.vendor == "postgresql":  # one array parameter, not thousands
        where, params = "hotline_ticket = ANY(%s)", [tickets]
    else:
        where, params = f"hotline_ticket IN ({', '.join(['%s'] * len(tickets))})", tickets
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hotline_ticket FROM {table} WHERE {where}", params)
        return {ticket for (ticket,) in cursor.fetchall()}


class NewComplaint(SimpleNamespace):
    """A new complaint's values by attname, as `actions.complaint_values` gives them: what
    `insert_rows`, `actions.join_clusters` and `actions.filed_audit_event` read, without
    building a model instance per row."""

    @property
    def pk(self) -> int:
        return self.id


def _store_batch(
    job: HotlineImport, rows: list[Row], actor: Any, counts: Counts, index: ClusterIndex
) -> None:
    """File one batch of checked rows in one transaction. Tickets imported before are
    counted, not filed: checked before the costly work, and again under the write lock."""
    known = _known([row.ticket for row in rows])
    todo = [row for row in rows if row.ticket not in known]
    # Normalised once for both the classifier and the near-duplicate signatures.
    cleaned = [normalise(row.fields["text"]) for row in todo]
    predictions = get_classifier().classify_normalised(cleaned) if todo else []
    sigs = normalised_signatures(cleaned) if todo else []
    sealed = [None if row.identity.is_empty else seal(row.identity) for row in todo]
    with transaction.atomic():
        # The first write takes SQLite's write lock (and shows progress to the page).
        HotlineImport.objects.filter(pk=job.pk).update(
            processed_rows=counts.processed, progress_at=timezone.now()
        )
        known = _known([row.ticket for row in todo]) if todo else set()
        fresh = [i for i, row in enumerate(todo) if row.ticket not in known]
        ids = _allocate_ids(len(fresh)) if fresh else []
        # Every field's default, as a model instance would have them.
        defaults = {f.attname: f.get_default() for f in Complaint._meta.concrete_fields}
        complaints: list[NewComplaint] = []
        for pk, i in zip(ids, fresh, strict=True):
            row = todo[i]
            values, _code = actions.complaint_values(
                channel=Complaint.Channel.HOTLINE,
                fields=row.fields,
                unit=row.unit,
                prediction=predictions[i],
                signature=sigs[i],
                at=row.received_at,
                hotline_ticket=row.ticket,
            )
            complaint = NewComplaint(**{**defaults, **values, "id": pk})
            actions.assign_number(complaint)
            complaints.append(complaint)
        if complaints:
            actions.join_clusters(complaints, index)
            insert_rows(Complaint, complaints)
            insert_rows(
                ComplainantIdentity,
                [
                    SimpleNamespace(complaint_id=c.id, sealed=sealed[i])
                    for c, i in zip(complaints, fresh, strict=True)
                    if sealed[i] is not None
                ],
            )
            public_note = actions.filed_public_note(Complaint.Channel.HOTLINE)
            insert_rows(
                ComplaintEvent,
                [
                    SimpleNamespace(
                        complaint_id=c.id,
                        kind=ComplaintEvent.Kind.FILED,
                        at=c.received_at,
                        actor_id=actor.pk if actor is not None else None,
                        note=_note(todo[i]),
                        public_note=public_note,
                    )
                    for c, i in zip(complaints, fresh, strict=True)
                ],
            )
            record_many(actor=actor, events=[actions.filed_audit_event(c) for c in complaints])
        counts.created += len(complaints)
        counts.duplicates += len(rows) - len(complaints)
        counts.processed += len(rows)
        _save_counts(job, counts)


def _cluster_index(rows: list[Row]) -> ClusterIndex:
    """The near-duplicate index over the stored complaints the file's rows may join; the
    batches then feed it their own complaints, in time order."""
    if not rows:
        return ClusterIndex()
    units = {row.unit.pk if row.unit else None for row in rows}
    return actions.recent_index(units, window_start(rows[0].received_at))


def _note(row: Row) -> str:
    note = f"12345热线工单 {row.ticket}（文件第 {row.number} 行）"
    return f"{note}，来源渠道：{row.channel_detail}" if row.channel_detail else note


def _save_counts(job: HotlineImport, counts: Counts, **extra: Any) -> None:
    values = {
        "total_rows": counts.total,
        "processed_rows": counts.processed,
        "created_count": counts.created,
        "duplicate_count": counts.duplicates,
        "error_count": counts.errors,
        "progress_at": timezone.now(),
        **extra,
    }
    HotlineImport.objects.filter(pk=job.pk).update(**values)
    for key, value in values.items():
        setattr(job, key, value)


def run_import(
    job: HotlineImport, *, progress: Callable[[HotlineImport], None] | None = None
) -> HotlineImport:
    """Import one uploaded file (the background task and `manage.py import_hotline` both
    call this). Ends DONE with its counts and bad rows, or FAILED with the reason."""
    actor = job.created_by
    counts = Counts()
    close_stalled()
    _save_counts(job, counts, status=HotlineImport.Status.RUNNING, started_at=timezone.now())
    # Millions of small objects (index buckets, rows): the cyclic collector would rescan
    # them again and again; none of them form cycles that need it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        actions.require_channel_actor(actor, Complaint.Channel.HOTLINE)
        table = getattr(job, "table", None)  # read by create_import in this process
        if table is None:
            with job.file.open("rb") as handle:
                table = read_table(handle.read(), job.extension)
        cols = columns(table, job.source.column_map)
        counts.total = len(table.rows)
        good, errors = _check_rows(table, cols)
        counts.errors = len(errors)
        counts.processed = len(errors)
        _save_counts(job, counts, errors=errors[:MAX_ERRORS_KEPT])
        if progress:
            progress(job)
        # In time order, so that near-duplicates group as they would have, filed one by one.
        good.sort(key=lambda row: (row.received_at, row.number))
        index = _cluster_index(good)
        for start in range(0, len(good), CHUNK):
            batch = good[start : start + CHUNK]
            try:
                _store_batch(job, batch, actor, counts, index)
            except IntegrityError:
                # Another import stored some of these tickets meanwhile: check again, with
                # an index rebuilt from what is stored (the failed batch's entries are gone)
                # over the units of this batch and of every batch still to come.
                index = _cluster_index(good[start:])
                _store_batch(job, batch, actor, counts, index)
            if progress:
                progress(job)
    except (HotlineRefused, PermissionDenied) as error:
        _finish(job, counts, HotlineImport.Status.FAILED, str(error))
        return job
    except Exception:
        _finish(job, counts, HotlineImport.Status.FAILED, _stopped(counts, SYSTEM_ERROR))
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    _finish(job, counts, HotlineImport.Status.DONE, _summary(counts))
    return job


SYSTEM_ERROR = "导入因系统错误中断"
KILLED = "导入中断：导入进程意外终止（超过 {minutes} 分钟没有进展）"


def _stopped(counts: Counts, why: str) -> str:
    """What a user reads on a job that stopped half-way: what was kept, and how to finish."""
    return (
        f"{why}。共 {counts.total} 行，已处理 {counts.processed} 行：新增 {counts.created} 件"
        f"已保存，已导入过 {counts.duplicates} 件，错误 {counts.errors} 行；其余 "
        f"{counts.total - counts.processed} 行未导入。请重新上传同一文件完成导入："
        "已保存的工单会计为“已导入过”，不会重复。"
    )


def close_stalled() -> int:
    """Mark running imports whose progress stopped STALLED_AFTER ago as failed, with what they
    kept (the killed process could not). Conditional: a job that moved meanwhile is left."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    running = HotlineImport.objects.filter(stalled, status=HotlineImport.Status.RUNNING)
    closed = 0
    for job in running:
        counts = Counts(
            total=job.total_rows,
            processed=job.processed_rows,
            created=job.created_count,
            duplicates=job.duplicate_count,
            errors=job.error_count,
        )
        why = KILLED.format(minutes=int(STALLED_AFTER.total_seconds() // 60))
        closed += HotlineImport.objects.filter(
            stalled, pk=job.pk, status=HotlineImport.Status.RUNNING
        ).update(
            status=HotlineImport.Status.FAILED,
            message=_stopped(counts, why),
            finished_at=timezone.now(),
        )
    return closed


def _finish(job: HotlineImport, counts: Counts, status: str, message: str) -> None:
    _save_counts(job, counts, status=status, message=message, finished_at=timezone.now())


def _summary(counts: Counts) -> str:
    return (
        f"共 {counts.total} 行：新增 {counts.created} 件，"
        f"已导入过 {counts.duplicates} 件，错误 {counts.errors} 行。"
    )


def _check_rows(table: Table, cols: dict[str, int]) -> tuple[list[Row], list[dict[str, Any]]]:
    units = UnitMatcher()
    latest = timezone.now() + dt.timedelta(days=1)
    good: list[Row] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for cells in table.rows:
        number = int(cells[-1])
        try:
            row = check_row(cells, cols, units, latest)
        except ValidationError as error:
            errors.append({"row": number, "message": error.messages[0]})
            continue
        if row.ticket in seen:
            errors.append(
                {"row": number, "message": f"工单编号 {row.ticket} 与第 {seen[row.ticket]} 行重复"}
            )
            continue
        seen[row.ticket] = number
        good.append(row)
    return good, errors


def create_import(*, actor: Any, source: HotlineSource, name: str, data: bytes) -> HotlineImport:
    """Store an uploaded export (checked first: a refused file stores nothing) as a pending
    import; the caller runs it (in the background or in the foreground)."""
    actions.require_channel_actor(actor, Complaint.Channel.HOTLINE)
    extension = Path(name).suffix.lower()
    if len(data) > _setting("HOTLINE_MAX_BYTES"):
        limit = _setting("HOTLINE_MAX_BYTES") // (1024 * 1024)
        raise HotlineRefused(f"文件超过 {limit} MB，请按日期分成几个文件导入。")
    table = inspect(data, extension, source)
    from django.core.files.base import ContentFile

    job = HotlineImport(
        source=source,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=Path(name).name[:200],
        created_by=actor,
        created_at=timezone.now(),
    )
    job.file.save(job.token + extension, ContentFile(data), save=False)
    job.save()
    job.table = table  # run_import in this process need not read the file again
    return job
