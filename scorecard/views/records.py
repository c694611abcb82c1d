"""How the records behind a measure are listed on the drill-down page.

A measure's records are cases, transfers, ratings, rectifications, complaints or escalations;
each kind gets a few columns and a link to its staff detail page where one exists. A transfer
shows its case's whole chain of units with the reasons given, so a head sees who passed the
case on and why. Complaints never show who complained (nor their text, which may name them):
number, category, dates and status only. Ratings show the level and channel, never the rater
or the comment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from org.scoping import sees_all_units, unit_of


def _day(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else "—"


def _link(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class RecordKind:
    label: str
    headers: tuple[str, ...]
    cells: Callable[[Any], list[str]]
    link: Callable[[Any], str]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    # The unit whose staff may open a record's link, when that is not the drill-down's unit
    # (a transferred case is seen by the unit holding it now); None: whoever sees the list.
    holder: Callable[[Any], int] | None = None


def _case_flags(case: Any) -> str:
    flags = [
        text
        for flag, text in (
            (case.buck_passing, "推诿"),
            (case.forwarded_to_back_office, "转后台"),
            (case.one_time_rule_broken, "重复补正"),
        )
        if flag
    ]
    return "、".join(flags)


def _unit_name(unit: Any) -> str:
    return unit.short_name or unit.name


def _chain(transfer: Any) -> list[Any]:
    # Prefetched (`case__transfers`), in the order the transfers were made.
    return sorted(transfer.case.transfers.all(), key=lambda t: t.pk)


def _transfer_why(transfer: Any) -> str:
    """Why this transfer is buck-passing (the reasons `transfer_case` flags it for)."""
    reasons = []
    if transfer.is_return:
        reasons.append("退回曾办理过的单位")
    ordinal = [t.pk for t in _chain(transfer)].index(transfer.pk) + 1
    if ordinal >= 2:
        reasons.append(f"第 {ordinal} 次转办")
    return "、".join(reasons) or "—"


def _transfer_chain(transfer: Any) -> str:
    """The case's chain, one transfer a line: 日期 甲 → 乙（理由），this one marked."""
    return "\n".join(
        f"{_day(t.at)} {_unit_name(t.from_unit)} → {_unit_name(t.to_unit)}（{t.reason}）"
        + ("  ← 本次" if t.pk == transfer.pk else "")
        for t in _chain(transfer)
    )


def _complaint_category(complaint: Any) -> str:
    category = complaint.category or complaint.suggested_category
    return category.name if category else "—"


KINDS: dict[str, RecordKind] = {
    "cases.case": RecordKind(
        "办件",
        ("办件编号", "事项", "状态", "收件日期", "截止日期", "办结日期", "标记"),
        lambda c: [
            c.number,
            c.matter.name,
            c.get_status_display(),
            _day(c.submitted_at),
            _day(c.due_at),
            _day(c.clock_stopped_at),
            _case_flags(c),
        ],
        lambda c: _link("cases:staff_detail", c.pk),
        ("matter",),
    ),
    "cases.transfer": RecordKind(
        "转办",
        ("办件编号", "事项", "转出日期", "本次转办", "推诿情形", "转办经过（理由）"),
        lambda t: [
            t.case.number,
            t.case.matter.name,
            _day(t.at),
            f"{_unit_name(t.from_unit)} → {_unit_name(t.to_unit)}",
            _transfer_why(t),
            _transfer_chain(t),
        ],
        lambda t: _link("cases:staff_detail", t.case_id),
        ("case__matter", "from_unit", "to_unit"),
        ("case__transfers__from_unit", "case__transfers__to_unit"),
        lambda t: t.case.unit_id,
    ),
    "evaluations.evaluation": RecordKind(
        "评价",
        ("办件编号", "评价等级", "评价渠道", "评价日期"),
        lambda e: [
            e.case.number,
            e.get_level_display(),
            e.get_source_display(),
            _day(e.created_at),
        ],
        lambda e: _link("cases:staff_detail", e.case_id),
        ("case",),
    ),
    "evaluations.rectification": RecordKind(
        "差评整改",
        ("整改单号", "状态", "派单日期", "截止日期", "办结日期"),
        lambda r: [
            r.number,
            r.get_status_display(),
            _day(r.opened_at),
            _day(r.due_at),
            _day(r.closed_at),
        ],
        lambda r: _link("evaluations:rectification", r.pk),
    ),
    "complaints.complaint": RecordKind(
        "举报",
        ("举报编号", "问题类别", "状态", "分办日期", "响应期限", "办理期限", "回访结果"),
        lambda c: [
            c.number,
            _complaint_category(c),
            c.get_status_display(),
            _day(c.triaged_at),
            _day(c.respond_due_at),
            _day(c.resolve_due_at),
            c.get_callback_display() or "—",
        ],
        lambda c: _link("complaints:staff_detail", c.pk),
        ("category", "suggested_category"),
    ),
    "duty.escalation": RecordKind(
        "超期升级",
        ("事项", "升级至", "升级时间", "原截止时间"),
        lambda e: [e.duty_label, e.get_level_display(), _day(e.created_at), _day(e.due_at)],
        lambda e: "",
    ),
}


def kind_of(queryset: QuerySet[Any]) -> RecordKind:
    model: type[Model] = queryset.model
    label = model._meta.label_lower
    if label in KINDS:
        return KINDS[label]
    return RecordKind(str(model._meta.verbose_name), ("记录",), lambda r: [str(r)], lambda r: "")


def prepare(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset with what its rows show loaded, in a stable order for pagination."""
    kind = kind_of(queryset)
    if kind.related:
        queryset = queryset.select_related(*kind.related)
    if kind.prefetch:
        queryset = queryset.prefetch_related(*kind.prefetch)
    if not queryset.query.order_by:
        queryset = queryset.order_by("pk")
    return queryset


def rows(kind: RecordKind, records: list[Any], viewer: Any = None) -> list[tuple[str, list[str]]]:
    """(link, cells) per record; no link to a record the viewer's unit may not open (the
    chain in the cells already says what happened)."""
    own = None if viewer is None or sees_all_units(viewer) else unit_of(viewer)

    def link(record: Any) -> str:
        if own is not None and kind.holder is not None and kind.holder(record) != own.pk:
            return ""
        return kind.link(record)

    return [(link(record), kind.cells(record)) for record in records]
