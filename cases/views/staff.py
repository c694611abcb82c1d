"""Staff pages for cases: the unit's work queue, one case with its actions, the head's view
of escalations, the hall counter, the printable receipt and the unit measures.

Reads go through `Case.objects.visible_to` (another unit's case is a 404); every change goes
through `cases.actions`, which also decides who may act and in which state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions
from cases.measures import (
    FLAG_LABELS,
    CaseMeasures,
    buck_passing_cases,
    flag_q,
    in_month,
    measures_by_month,
    measures_by_unit,
)
from cases.models import Case
from cases.staff_forms import (
    STATUS_ALL,
    STATUS_OPEN,
    AcceptForm,
    CloseForm,
    CounterForm,
    DecideForm,
    QueueFilterForm,
    RefuseAcceptanceForm,
    StepForm,
    SupplementForm,
    SupplyForm,
    TransferForm,
    named_files,
)
from org.models import Unit
from org.scoping import sees_all_units, unit_of
from zuofeng.access import counter_required, head_required, may, staff_required
from zuofeng.duty import clock
from zuofeng.duty.models import Escalation, EscalationLevel
from zuofeng.duty.ordering import with_urgency
from zuofeng.duty.registry import registered_duties
from zuofeng.forms import add_action_errors
from zuofeng.masking import mask_name
from zuofeng.periods import last_months, month_range, month_start, parse_month
from zuofeng.transitions import Conflict
from zuofeng.views import perform_step
from zuofeng.workdays.calendar import local_date

QUEUE_PAGE_SIZE = 20
# Only the columns the queue shows: matters carry long legal texts the list never needs.
QUEUE_COLUMNS = (
    "pk",
    "number",
    "matter__name",
    "unit__name",
    "unit__short_name",
    "applicant_name",
    "channel",
    "status",
    "due_at",
    "warning_level",
    "buck_passing",
    "forwarded_to_back_office",
    "one_time_rule_broken",
    "clock_phase",
)
_CHANNEL_LABELS: dict[str, str] = dict(Case.Channel.choices)
_STATUS_LABELS: dict[str, str] = dict(Case.Status.choices)
ESCALATION_DAYS = 30

# --- reads ---------------------------------------------------------------------------------


def get_case_for_staff(user: Any, pk: int) -> Case:
    """A case the user may see, or 404: another unit's case does not exist for them."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("matter", "unit", "handler"), pk=pk
    )


def is_member(user: Any, case: Case) -> bool:
    """Whether the user works in the unit handling the case (only they act and see identities)."""
    unit = unit_of(user)
    return unit is not None and unit.pk == case.unit_id


# --- the actions a page can post -------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One postable action: its form, and how it calls `cases.actions` (returns the message)."""

    form_class: type[forms.Form]
    run: Callable[[Any, Case, Any], str]


def _accept(user: Any, case: Case, data: dict[str, Any]) -> str:
    case = actions.accept_case(actor=user, case=case)
    due = timezone.localtime(case.due_at) if case.due_at else None
    return f"已受理办件 {case.number}" + (f"，承诺 {due:%Y年%m月%d日} 前办结" if due else "")


def _request_supplement(user: Any, case: Case, data: dict[str, Any]) -> str:
    notice = actions.request_supplement(
        actor=user,
        case=case,
        materials=data["materials"],
        note=data["note"],
        internal_note=data["internal_note"],
    )
    message = f"已一次性告知补正材料 {len(notice.materials)} 项"
    # Say what happened to the clock only when one ran.
    if notice.case.clock_paused_at is not None:
        message += "，办理时限暂停计时，材料交齐后恢复"
    elif notice.case.status_before_supplement == Case.Status.SUBMITTED:
        message += "，受理期限不再计算；申请人交齐全部材料后重新起算"
    message += "。请打印一次性告知书交申请人"
    if notice.is_repeat:
        message += "。注意：这不是该办件第一次要求补正，已记为违反一次性告知"
    return message


def _supply(user: Any, case: Case, data: dict[str, Any]) -> str:
    case = actions.supply_materials(
        actor=user,
        case=case,
        files=named_files(data["files"], "补正材料"),
        materials=data.get("materials", []),
        note=data["note"],
    )
    if case.status == Case.Status.SUPPLEMENT:
        notice = case.supplement_requests.filter(supplied_at__isnull=True).first()
        missing = "、".join(notice.outstanding_materials) if notice else ""
        return f"补正材料已登记，尚缺：{missing}。材料交齐前办件仍待补正"
    if case.awaiting_acceptance and case.due_at:
        due = timezone.localtime(case.due_at)
        return f"补正材料已交齐，请在 {due:%Y年%m月%d日} 前作出是否受理的决定"
    if case.clock_running:
        return "补正材料已交齐，办理时限恢复计时"
    return "补正材料已交齐"


def _refuse_acceptance(user: Any, case: Case, data: dict[str, Any]) -> str:
    actions.refuse_acceptance(
        actor=user, case=case, reason=data["reason"], legal_basis=data["legal_basis"]
    )
    return f"已对办件 {case.number} 作出不予受理决定"


def _step(user: Any, case: Case, data: dict[str, Any]) -> str:
    actions.record_step(actor=user, case=case, note=data["note"], public_note=data["public_note"])
    return "办理步骤已登记"


def _decide(user: Any, case: Case, data: dict[str, Any]) -> str:
    approve = data["decision"] == DecideForm.APPROVE
    actions.decide_case(
        actor=user,
        case=case,
        approve=approve,
        reason=data["reason"],
        legal_basis=data["legal_basis"],
    )
    return f"办件 {case.number} 已办结：" + ("准予" if approve else "不予许可")


def _close(user: Any, case: Case, data: dict[str, Any]) -> str:
    actions.close_case(actor=user, case=case)
    return f"办件 {case.number} 已归档"


def _transfer(user: Any, case: Case, data: dict[str, Any]) -> str:
    transfer = actions.transfer_case(
        actor=user, case=case, to_unit=data["to_unit"], reason=data["reason"]
    )
    message = f"办件 {case.number} 已转 {transfer.to_unit.name} 办理"
    if transfer.case.buck_passing:
        message += "。该办件已多次转办或被退回，已记为推诿"
    return message


ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(AcceptForm, _accept),
    "request_supplement": ActionSpec(SupplementForm, _request_supplement),
    "supply": ActionSpec(SupplyForm, _supply),
    "refuse_acceptance": ActionSpec(RefuseAcceptanceForm, _refuse_acceptance),
    "step": ActionSpec(StepForm, _step),
    "decide": ActionSpec(DecideForm, _decide),
    "close": ActionSpec(CloseForm, _close),
    "transfer": ActionSpec(TransferForm, _transfer),
}

# The forms a member sees in each state ("approve" and "refuse" both post to "decide").
SLOTS_BY_STATUS: dict[str, list[str]] = {
    Case.Status.SUBMITTED: ["accept", "request_supplement", "refuse_acceptance", "transfer"],
    Case.Status.SUPPLEMENT: ["supply", "refuse_acceptance"],
    Case.Status.ACCEPTED: ["step", "approve", "refuse", "request_supplement", "transfer"],
    Case.Status.APPROVED: ["close"],
    Case.Status.REFUSED: ["close"],
    Case.Status.NOT_ACCEPTED: ["close"],
    Case.Status.CLOSED: [],
}


def _slot_action(slot: str) -> str:
    return "decide" if slot in ("approve", "refuse") else slot


def _make_form(
    action: str, case: Case, slot: str, data: Any = None, files: Any = None
) -> forms.Form:
    kwargs: dict[str, Any] = {"auto_id": f"id_{slot}_%s"}
    if action in ("transfer", "supply"):
        kwargs["case"] = case
    if action == "decide" and data is None:
        kwargs["initial"] = {"decision": slot}
    form_class = ACTIONS[action].form_class
    return form_class(data, files, **kwargs) if data is not None else form_class(**kwargs)


def _action_forms(
    case: Case, user: Any, bound: tuple[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    """Forms for the actions this user may take now: none for a non-member (the office)."""
    if not is_member(user, case):
        return {}
    result = {}
    for slot in SLOTS_BY_STATUS.get(case.status, []):
        if slot == "refuse_acceptance" and case.accepted_at is not None:
            continue  # once accepted, the answer is a decision (不予许可), not 不予受理
        result[slot] = _make_form(_slot_action(slot), case, slot)
    if bound is not None:
        result[bound[0]] = bound[1]
    return result


# --- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One line of the work queue, formatted here: the template only places the strings
    (its loop is the hottest template of the staff pages)."""

    url: str
    number: str
    matter: str
    unit: str
    applicant: str  # masked
    channel: str
    status: str
    due: str  # the deadline's date in the district, "" when no clock runs
    due_kind: str  # "受理" when the deadline is the one to accept, refuse or notify
    warning_level: str
    buck_passing: bool
    forwarded_to_back_office: bool
    one_time_rule_broken: bool

    @classmethod
    def from_values(cls, row: dict[str, Any], detail_prefix: str) -> QueueRow:
        due = row["due_at"]
        return cls(
            url=f"{detail_prefix}{row['pk']}/",
            number=row["number"],
            matter=row["matter__name"],
            unit=row["unit__short_name"] or row["unit__name"],
            applicant=mask_name(row["applicant_name"]),
            channel=_CHANNEL_LABELS.get(row["channel"], row["channel"]),
            status=_STATUS_LABELS.get(row["status"], row["status"]),
            due=timezone.localtime(due).strftime("%Y-%m-%d") if due else "",
            due_kind="受理" if due and row["clock_phase"] == Case.ClockPhase.ACCEPTANCE else "",
            warning_level=row["warning_level"],
            buck_passing=row["buck_passing"],
            forwarded_to_back_office=row["forwarded_to_back_office"],
            one_time_rule_broken=row["one_time_rule_broken"],
        )


class _CountedPaginator(Paginator):
    """A paginator told its count instead of asking the database for it."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__((), per_page)
        self.count = count  # type: ignore[misc]  # shadows the cached_property


def _queue_page(cases: QuerySet[Case], number: Any) -> Page:
    """One page of the queue, most urgent first, and the number of cases in the whole queue,
    in one query: the count is a window aggregate over the filtered cases (which the sort
    reads anyway), not a separate COUNT(*). Like `Paginator.get_page`: a page number that is
    not a number gives the first page, one past the end the last page."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    ordered = with_urgency(cases).values(*QUEUE_COLUMNS, total=Window(Count("pk")))
    start = (number - 1) * QUEUE_PAGE_SIZE
    rows = list(ordered[start : start + QUEUE_PAGE_SIZE])
    if rows:
        count = rows[0]["total"]
    else:
        count = cases.count() if number > 1 else 0
        last = max(1, -(-count // QUEUE_PAGE_SIZE))
        if number > last:
            return _queue_page(cases, last)
    # One reverse() for the page, not one a row: the detail URL ends in "<pk>/".
    detail_prefix = reverse("cases:staff_detail", args=[0]).removesuffix("0/")
    paginator = _CountedPaginator(count, QUEUE_PAGE_SIZE)
    return Page([QueueRow.from_values(row, detail_prefix) for row in rows], number, paginator)


def _queue_link(**params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse("cases:staff_queue") + (f"?{query}" if query else "")


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    all_units = sees_all_units(user)
    form = QueueFilterForm(request.GET, unit=unit_of(user), all_units=all_units)
    form.is_valid()  # invalid filters are shown as errors and left out
    data = form.cleaned_data
    now = timezone.now()

    cases = Case.objects.visible_to(user)
    status = data.get("status") or STATUS_OPEN
    if status == STATUS_OPEN:
        cases = cases.open()
    elif status != STATUS_ALL:
        cases = cases.filter(status=status)
    if data.get("level"):
        cases = cases.filter(warning_level=data["level"])
    if data.get("matter"):
        cases = cases.filter(matter=data["matter"])
    if all_units and data.get("unit"):
        cases = cases.filter(unit=data["unit"])
    flag = data.get("flag") or ""
    flag_error = ""
    if flag:
        condition = flag_q(flag, now)
        if condition is None:
            flag_error = f"不支持的筛选项“{flag[:30]}”"
            flag = ""
        else:
            cases = cases.filter(condition)
    month = parse_month(data.get("month"))
    if month is not None:
        cases = in_month(cases, month)

    page = _queue_page(cases, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/staff/queue.html",
        {
            "form": form,
            "page": page,
            "all_units": all_units,
            "status": status,
            "flag": flag,
            "flag_label": FLAG_LABELS.get(flag, ""),
            "flag_error": flag_error,
            "month": month,
            "querystring": params.urlencode(),
            "can_use_counter": may(user, "counter"),
            "can_see_escalations": may(user, "head"),
        },
    )


def _detail_context(
    request: HttpRequest, case: Case, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    member = is_member(user, case)
    remaining = clock.remaining_workdays(case, now) if case.is_open and case.due_at else None
    notices = list(case.supplement_requests.select_related("requested_by"))
    return {
        "case": case,
        "member": member,
        "acceptance_limit": actions.acceptance_limit(),
        # The printed 不予受理决定书: only for a refusal of acceptance.
        "refused_acceptance": bool(case.decided_at and case.accepted_at is None),
        "forms": _action_forms(case, user, bound),
        "remaining": remaining,
        "events": case.events.select_related("actor"),
        "notices": notices,
        "transfers": case.transfers.select_related("from_unit", "to_unit", "actor"),
        "attachments": case.attachments.all(),
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_staff(request.user, pk)
    return render(request, "cases/staff/detail.html", _detail_context(request, case))


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = get_case_for_staff(request.user, pk)
    if not is_member(request.user, case):
        # The office reads every case but acts on none; the actions refuse it as well.
        raise PermissionDenied("只有承办单位的工作人员可以办理该办件")
    slot = action
    if action == "decide":
        slot = "refuse" if request.POST.get("decision") == DecideForm.REFUSE else "approve"
    form = _make_form(action, case, slot, request.POST, request.FILES)

    def done() -> HttpResponse:
        if action == "transfer":
            # The case now belongs to another unit: this user can no longer open it.
            return redirect("cases:staff_queue")
        return redirect("cases:staff_detail", pk=case.pk)

    def page(status: int, bound: forms.Form | None) -> HttpResponse:
        if bound is None:
            case.refresh_from_db()
        context = _detail_context(request, case, bound=(slot, bound) if bound else None)
        return render(request, "cases/staff/detail.html", context, status=status)

    return perform_step(
        request, form, lambda data: spec.run(request.user, case, data), done=done, page=page
    )


def _escalation_summary(escalations: QuerySet[Escalation], request: HttpRequest) -> list[dict]:
    """The escalations of the period per unit and level, each count with the link to the
    records behind it (the same filters as the list below)."""
    rows = (
        escalations.order_by()
        .values("unit__code", "unit__name", "unit__short_name", "level")
        .annotate(count=Count("pk"))
        .order_by("unit__code", "level")
    )
    base = request.GET.copy()
    for key in ("page", "record_unit", "record_level"):
        base.pop(key, None)
    summary: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = summary.setdefault(
            row["unit__code"],
            {"unit": row["unit__short_name"] or row["unit__name"], "levels": {}},
        )
        params = base.copy()
        params["record_unit"] = row["unit__code"]
        params["record_level"] = str(row["level"])
        entry["levels"][row["level"]] = {
            "count": row["count"],
            "link": f"?{params.urlencode()}#records",
        }
    return [
        {
            "unit": entry["unit"],
            "head": entry["levels"].get(EscalationLevel.HEAD),
            "office": entry["levels"].get(EscalationLevel.OFFICE),
        }
        for entry in summary.values()
    ]


@head_required
@require_GET
def escalated(request: HttpRequest) -> HttpResponse:
    user = request.user
    since = timezone.now() - dt.timedelta(days=ESCALATION_DAYS)
    office = sees_all_units(user)
    if office:
        # The office looks at what reached it (level 2) unless it asks for the heads' level too.
        level = EscalationLevel.HEAD if request.GET.get("level") == "1" else EscalationLevel.OFFICE
        cases = Case.objects.visible_to(user).filter(escalation_level__gte=level)
        escalations = Escalation.objects.filter(level__gte=level, created_at__gte=since)
        units: list[Unit] = []
    else:
        units = list(Unit.objects.filter(head=user))
        level = EscalationLevel.HEAD
        cases = Case.objects.visible_to(user).filter(unit__in=units, escalation_level__gte=level)
        escalations = Escalation.objects.filter(unit__in=units, created_at__gte=since)
    show_all = request.GET.get("status") == STATUS_ALL
    if not show_all:
        cases = cases.open()
    cases = with_urgency(cases.select_related("matter", "unit", "handler"))
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    summary = _escalation_summary(escalations, request)
    # Each count above links here with its unit and level: the list shows exactly those.
    record_unit = request.GET.get("record_unit", "")[:32]
    record_level = request.GET.get("record_level", "")
    if record_unit:
        escalations = escalations.filter(unit__code=record_unit)
    if record_level in ("1", "2"):
        escalations = escalations.filter(level=int(record_level))
    kinds = {kind.object_type: kind for kind in registered_duties()}
    records = [
        {
            "escalation": escalation,
            "link": (
                kinds[escalation.duty_type].link(escalation.duty_id)
                if escalation.duty_type in kinds
                else ""
            ),
            "kind": (
                kinds[escalation.duty_type].model._meta.verbose_name
                if escalation.duty_type in kinds
                else ""
            ),
        }
        for escalation in escalations.select_related("unit")[:200]
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/staff/escalated.html",
        {
            "office": office,
            "units": units,
            "level": level,
            "show_all": show_all,
            "page": page,
            "records": records,
            "summary": summary,
            "record_filter": bool(record_unit or record_level in ("1", "2")),
            "days": ESCALATION_DAYS,
            "querystring": params.urlencode(),
        },
    )


@counter_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = unit_of(user)
    assert unit is not None  # the counter area is for members of a unit
    if request.method != "POST":
        form = CounterForm(unit=unit)
        return render(request, "cases/staff/counter.html", {"form": form, "unit": unit})
    form = CounterForm(request.POST, request.FILES, unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a case is not left half-entered if acceptance fails.
            with transaction.atomic():
                case = actions.submit_case(
                    actor=user,
                    matter=data["matter"],
                    channel=Case.Channel.WINDOW,
                    applicant_kind=data["applicant_kind"],
                    applicant_name=data["applicant_name"],
                    applicant_phone=data["applicant_phone"],
                    applicant_id_number=data["applicant_id_number"],
                    files=named_files(data["files"], "申请材料"),
                )
                if data["accept_now"]:
                    case = actions.accept_case(actor=user, case=case)
        except (ValidationError, Conflict) as exc:
            if isinstance(exc, ValidationError):
                add_action_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            done = "已受理" if data["accept_now"] else "已收件（待受理）"
            messages.success(
                request,
                f"{done}：办件编号 {case.number}，查询码 {case.query_code}。"
                "请打印回执交申请人，凭编号和查询码查询办理进度。",
            )
            return redirect("cases:staff_detail", pk=case.pk)
    return render(request, "cases/staff/counter.html", {"form": form, "unit": unit}, status=400)


# --- measures --------------------------------------------------------------------------------


# The office table's columns, each sortable (highest first); the buck-passing share sorts too.
MEASURE_COLUMNS: list[tuple[str, str]] = [
    ("received", "收件数"),
    ("forwarded_share", "明进暗不进"),
    ("buck_passing", "推诿"),
    ("repeat_supplement", "重复补正"),
    ("on_time_share", "按期办结率"),
    ("overdue_open", "超期未办结"),
]
SORT_KEYS = {key for key, _ in MEASURE_COLUMNS} | {"buck_passing_share"}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class MeasureRow:
    """One row of the measures table, with the drill-down link behind each number."""

    measures: CaseMeasures
    unit: Unit | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def forwarded_percent(self) -> str:
        return _percent(self.measures.forwarded_share)

    @property
    def buck_passing_percent(self) -> str:
        return _percent(self.measures.buck_passing_share)

    @property
    def on_time_percent(self) -> str:
        return _percent(self.measures.on_time_share)


def _measure_row(measures: CaseMeasures, unit: Unit | None, unit_code: str = "") -> MeasureRow:
    month = f"{measures.month:%Y-%m}"

    def link(flag: str = "") -> str:
        return _queue_link(unit=unit_code, flag=flag, month=month, status=STATUS_ALL)

    return MeasureRow(
        measures=measures,
        unit=unit,
        links={
            "received": link(),
            "forwarded": link("forwarded"),
            "buck_passing": link("buck_passing"),
            "repeat_supplement": link("repeat_supplement"),
            "decided": link("decided"),
            "on_time": link("on_time"),
            "overdue_open": link("overdue"),
        },
    )


def _sort_value(row: MeasureRow, key: str) -> float:
    value = getattr(row.measures, key)
    return -1.0 if value is None else float(value)


def _transfer_chains(cases: QuerySet[Case]) -> list[Case]:
    return list(buck_passing_cases(cases)[:100])


@staff_required
@require_GET
def unit_measures(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    today = local_date(now)
    visible = Case.objects.visible_to(user)
    if sees_all_units(user):
        month = parse_month(request.GET.get("month")) or month_start(today)
        sort = request.GET.get("sort", "")
        if sort not in SORT_KEYS:
            sort = ""
        figures = measures_by_unit(month, now=now)
        units = Unit.objects.exclude(kind__in=[Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE])
        units = units.filter(archived=False) | Unit.objects.filter(pk__in=list(figures))
        rows = [
            _measure_row(
                figures.get(unit.pk) or CaseMeasures(unit_id=unit.pk, month=month),
                unit,
                unit.code,
            )
            for unit in units.order_by("sort_order", "code")
        ]
        if sort:
            rows.sort(key=lambda row: _sort_value(row, sort), reverse=True)
        chains = _transfer_chains(in_month(visible, month))
        return render(
            request,
            "cases/staff/measures_office.html",
            {
                "month": month,
                "months": last_months(today, 12),
                "sort": sort,
                "columns": [
                    (key, label, f"?{urlencode({'month': f'{month:%Y-%m}', 'sort': key})}")
                    for key, label in MEASURE_COLUMNS
                ],
                "rows": rows,
                "chains": chains,
            },
        )
    unit = unit_of(user)
    if unit is None:
        raise Http404
    months = last_months(today, 12)
    rows = [_measure_row(m, None) for m in measures_by_month(unit.pk, months, now=now)]
    since = month_range(months[-1])[0]
    chains = _transfer_chains(visible.filter(submitted_at__gte=since))
    return render(
        request,
        "cases/staff/measures_unit.html",
        {"unit": unit, "rows": rows, "chains": chains},
    )
