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

import datetime as dt
import gc
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from complaints.classifier import get_classifier
from complaints.classifier.text import normalise
from complaints.identity import seal
from complaints.intake import actions

# FIELDS, PREVIEW_ROWS and guess_mapping are re-exported ("as"): the pages, the demo and the
# benchmark read an export through this module.
from complaints.intake.hotline_rows import FIELDS as FIELDS
from complaints.intake.hotline_rows import PREVIEW_ROWS as PREVIEW_ROWS
from complaints.intake.hotline_rows import (
    HotlineRefused,
    Row,
    Table,
    UnitMatcher,
    check_row,
    columns,
    read_table,
    setting,
)
from complaints.intake.hotline_rows import guess_mapping as guess_mapping
from complaints.intake.similarity import ClusterIndex, normalised_signatures, window_start
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintEvent,
    HotlineImport,
    HotlineSource,
)
from zuofeng.audit.chain import record_many
from zuofeng.bulk import insert_rows

CHUNK = 5000
MAX_ERRORS_KEPT = 1000
# A batch (classification, then one transaction) takes seconds; reading and checking the
# largest allowed file, well under a minute. No progress for this long means the process died.
STALLED_AFTER = dt.timedelta(minutes=10)


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
    if len(data) > setting("HOTLINE_MAX_BYTES"):
        limit = setting("HOTLINE_MAX_BYTES") // (1024 * 1024)
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
