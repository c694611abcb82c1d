"""Every state change of a report: generating a snapshot and its draft, saving an edit,
checking which facts have gone stale. Each in one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reports.draft import draft, scope_units
from reports.facts import live_values
from reports.layout import cited
from reports.models import Fact, Report, Version
from reports.text import tokens, typed_digits
from scorecard import rollups
from zuofeng.transitions import record_created, transition
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import local_date

MAX_SECTION_CHARS = 20000


def generate_report(
    *,
    actor: Any,
    title: str,
    start: dt.date,
    end: dt.date,
    scope: str = Report.Scope.DISTRICT,
    scope_value: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """Freeze the figures for [start, end] (local days, inclusive) in the scope and draft
    the report: version one, 系统生成."""
    now = now or timezone.now()
    title = plain_text(title, "标题", 120)
    if end < start:
        raise ValidationError({"截止日期": "截止日期不能早于起始日期"})
    if end >= local_date(now):
        raise ValidationError({"截止日期": "截止日期须早于今天（当天数据尚未完整）"})
    chosen = scope_units(scope, scope_value)
    if not chosen.units:
        raise ValidationError({"范围": "所选范围内没有单位"})
    with transaction.atomic():
        # The rollups as of the snapshot: what changed since the last sweep counts too.
        rollups.refresh(now)
        content, specs = draft(chosen, start, end + dt.timedelta(days=1), now)
        report = Report.objects.create(
            title=title,
            start=start,
            end=end,
            scope=scope,
            scope_value=scope_value,
            scope_label=chosen.label,
            unit_ids=chosen.units,
            snapshot_at=now,
            created_by=actor,
            created_at=now,
        )
        keep = _kept(content, {s.key: s for s in specs})
        Fact.objects.bulk_create(
            Fact(
                report=report,
                key=spec.key,
                position=index,
                label=spec.label,
                kind=spec.kind,
                code=spec.code,
                params=spec.params,
                value=spec.value,
                row_count=spec.row_count,
                snapshot_at=now,
            )
            for index, spec in enumerate(keep, start=1)
        )
        record_created(
            report,
            actor=actor,
            action="reports.generate_report",
            fields=["title", "start", "end", "scope", "scope_label", "snapshot_at"],
        )
        _add_version(report, content, Version.Origin.GENERATED, actor, now, "")
    return report


def _kept(content: dict[str, Any], specs: dict[str, Any]) -> list[Any]:
    """The facts the draft cites (and a cited rate's parts), in citation order."""
    keys = [key for key in cited(content) if key in specs]
    for key in list(keys):
        if specs[key].kind == "rate":
            for part in (specs[key].params["numerator"], specs[key].params["denominator"]):
                if part not in keys:
                    keys.append(part)
    return [specs[key] for key in keys]


def _add_version(
    report: Report, content: dict[str, Any], origin: str, actor: Any, now: dt.datetime, note: str
) -> Version:
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = Version.objects.create(
        report=report,
        number=number,
        origin=origin,
        content=content,
        created_by=actor,
        created_at=now,
        note=note,
    )
    record_created(
        version,
        actor=actor,
        action=f"reports.{'generate' if origin == Version.Origin.GENERATED else 'edit'}_version",
        fields=["report_id", "number", "origin", "content", "note"],
        reason=note,
    )
    return version


def edit_report(
    *, actor: Any, report: Report, texts: list[str], note: str = "", now: dt.datetime | None = None
) -> Version:
    """Save the office's edit of the sections' text as a new version (the previous ones stay).
    A number must cite a fact (`[[key]]`); a typed number is refused."""
    now = now or timezone.now()
    current = report.current
    if current is None or len(texts) != len(current.content["sections"]):
        raise ValidationError("报告内容已变化，请刷新页面后重新修改")
    known = set(report.facts.values_list("key", flat=True))
    figures = {f"chart:{key}" for key in current.content.get("charts", {})} | {
        f"table:{key}" for key in current.content.get("tables", {})
    }
    sections = []
    for section, text in zip(current.content["sections"], texts, strict=True):
        label = section["heading"]
        text = plain_text(text, label, MAX_SECTION_CHARS, required=False).replace("\r\n", "\n")
        digits = typed_digits(text)
        if digits:
            raise ValidationError(
                {
                    label: f"{label}中直接输入了数字（{'、'.join(digits[:3])}）："
                    "数字须引用数据来源中的数据项，如 [[case_received]]，或改用汉字表述"
                }
            )
        unknown = [name for name in tokens(text) if name not in known | figures]
        if unknown:
            raise ValidationError(
                {label: f"{label}引用了不存在的数据项：{'、'.join(sorted(unknown))}"}
            )
        sections.append({**section, "text": text, "draft": False})
    content = {**current.content, "sections": sections}
    with transaction.atomic():
        return _add_version(
            report,
            content,
            Version.Origin.EDITED,
            actor,
            now,
            plain_text(note, "修改说明", 200, required=False),
        )


def check_stale(*, actor: Any, report: Report, now: dt.datetime | None = None) -> int:
    """Re-run every fact's query on today's data; mark those whose value changed. Returns
    how many changed."""
    now = now or timezone.now()
    with transaction.atomic():
        rollups.refresh(now)
        facts = list(report.facts.all())
        live = live_values(facts, now)
        changed = []
        for fact in facts:
            fact.live_value = live.get(fact.key)
            fact.stale = fact.live_value != fact.value
            if fact.stale:
                changed.append(fact)
        Fact.objects.bulk_update(facts, ["live_value", "stale"])
        with transition(
            report,
            actor=actor,
            action="reports.check_stale",
            fields=["stale_checked_at", "stale_count"],
        ) as change:
            change.obj.stale_checked_at = now
            change.obj.stale_count = len(changed)
            change.obj.save(update_fields=["stale_checked_at", "stale_count"])
        report.stale_checked_at, report.stale_count = now, len(changed)
    return len(changed)
