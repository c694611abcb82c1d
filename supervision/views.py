"""Pages: the office's directives, trees and reviews; a unit's tasks and report form; the public
page of a public directive (tasks, verified progress and cards, never the reports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from org.scoping import sees_all_units, unit_of
from supervision import actions, rollup, spreadsheet
from supervision import forms as sv_forms
from supervision.actions.reports import parse_links, prefill
from supervision.conf import conf
from supervision.models import (
    Card,
    Directive,
    DirectiveAttachment,
    FormalismFlag,
    Report,
    ReportAttachment,
    Task,
)
from supervision.scoping import (
    get_directive_for_office,
    get_flag_for_office,
    get_public_directive,
    get_report_for_user,
    get_task_for_user,
    tasks_visible_to,
)
from zuofeng.access import office_required, staff_required
from zuofeng.forms import add_action_errors
from zuofeng.periods import day_start, last_months, month_start, next_month, parse_month
from zuofeng.transitions import Conflict
from zuofeng.uploads import private_download
from zuofeng.views import perform_step


def tree_rows(directive: Directive) -> list[dict[str, Any]]:
    """The directive's tasks in tree order, each with its depth and (for a parent) the rows
    of its formula panel."""
    tasks = list(directive.tasks.select_related("unit").prefetch_related("assisting_units"))
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in sorted(tasks, key=lambda t: (t.position, t.pk)):
        children[task.parent_id].append(task)
    rows: list[dict[str, Any]] = []
    stack = [(task, 0) for task in reversed(children[None])]
    while stack:
        task, depth = stack.pop()
        kids = children.get(task.pk, [])
        rows.append(
            {"task": task, "depth": depth, "formula": formula_rows(task, kids) if kids else None}
        )
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return rows


def formula_rows(parent: Task, kids: list[Task]) -> dict[str, Any]:
    rows = [
        {
            "task": kid,
            "weight": kid.weight,
            "progress": kid.verified_progress,
            "product": kid.weight * kid.verified_progress,
        }
        for kid in kids
    ]
    total_weight = sum(r["weight"] for r in rows)
    total = sum(r["product"] for r in rows)
    return {
        "rows": rows,
        "total_weight": total_weight,
        "total": total,
        "result": rollup.weighted((r["weight"], r["progress"]) for r in rows),
        "weights_ok": total_weight == 100,
    }


def gap_flagged(task: Task) -> bool:
    """报喜不报忧: the unit reports much more than the office could verify."""
    return task.reported_progress - task.verified_progress > float(conf("GAP_MARGIN"))


# --- office: directives -------------------------------------------------------------------


@office_required
def directive_list(request: HttpRequest) -> HttpResponse:
    directives = Directive.objects.annotate(
        task_count=Count("tasks"),
        yellow=Count("tasks", filter=Q(tasks__card=Card.YELLOW)),
        red=Count("tasks", filter=Q(tasks__card=Card.RED)),
    )
    pending = Report.objects.filter(status=Report.Status.SUBMITTED).count()
    open_flags = FormalismFlag.objects.filter(status=FormalismFlag.Status.OPEN).count()
    return render(
        request,
        "supervision/directive_list.html",
        {"directives": directives, "pending": pending, "open_flags": open_flags},
    )


def _directive_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "attachments"} | {
        "attachments": data.get("attachments") or []
    }


@office_required
def directive_create(request: HttpRequest) -> HttpResponse:
    form = sv_forms.DirectiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            directive = actions.create_directive(
                actor=request.user, **_directive_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "决策部署已录入，请分解任务")
            return redirect("supervision:directive", directive.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supervision/directive_form.html", {"form": form, "directive": None}, status=status
    )


@office_required
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    initial = {
        "title": directive.title,
        "source": directive.source,
        "issued_on": directive.issued_on,
        "leader": directive.leader,
        "summary": directive.summary,
        "cadence": directive.cadence,
        "report_fields": "，".join(directive.report_fields),
        "public": directive.public,
    }
    form = sv_forms.DirectiveForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        return perform_step(
            request,
            form,
            lambda data: (
                actions.update_directive(directive, actor=request.user, **_directive_fields(data)),
                "已保存",
            )[1],
            done=lambda: redirect("supervision:directive", directive.pk),
            page=lambda status, f: render(
                request,
                "supervision/directive_form.html",
                {"form": f or form, "directive": directive},
                status=status,
            ),
        )
    return render(
        request, "supervision/directive_form.html", {"form": form, "directive": directive}
    )


@office_required
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    rows = tree_rows(directive)
    for row in rows:
        row["gap"] = gap_flagged(row["task"])
    return render(
        request,
        "supervision/directive_detail.html",
        {
            "directive": directive,
            "rows": rows,
            "roots": formula_rows(directive, [r["task"] for r in rows if r["depth"] == 0])
            if rows
            else None,
            "problems": actions.tree.weight_problems(directive)
            if directive.status == Directive.Status.DRAFT
            else [],
            "burden": burden(directive),
        },
    )


def burden(directive: Directive) -> dict[str, int]:
    """What the directive asks of the units: reports per period and typed fields."""
    leaves = directive.tasks.filter(children__isnull=True).count()
    return {"leaves": leaves, "fields": len(directive.report_fields) + 1}


@office_required
@require_POST
def directive_issue(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    try:
        actions.issue_directive(directive, actor=request.user)
    except (ValidationError, Conflict) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, "已下达，各末级任务开始计时")
    return redirect("supervision:directive", directive.pk)


@office_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    parent = None
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if parent_id:
        parent = directive.tasks.filter(pk=parent_id).first()
        if parent is None:
            raise Http404
    siblings = (
        list(directive.tasks.filter(parent=parent))
        if directive.status == Directive.Status.ISSUED
        else []
    )
    form = sv_forms.TaskForm(request.POST or None, siblings=siblings)

    def run(data: dict[str, Any]) -> str:
        fields = {k: v for k, v in data.items() if k in TASK_INPUTS}
        actions.add_task(
            directive,
            actor=request.user,
            parent=parent,
            assisting=list(data["assisting"]),
            sibling_weights=form.sibling_weights(),
            **fields,
        )
        return "任务已添加"

    if request.method == "POST":
        return perform_step(
            request,
            form,
            run,
            done=lambda: redirect("supervision:directive", directive.pk),
            page=lambda status, f: render(
                request,
                "supervision/task_form.html",
                {"form": f or form, "directive": directive, "parent": parent},
                status=status,
            ),
        )
    return render(
        request,
        "supervision/task_form.html",
        {"form": form, "directive": directive, "parent": parent},
    )


TASK_INPUTS = {
    "title",
    "unit",
    "deadline",
    "weight",
    "kind",
    "target",
    "measure_unit",
    "affects_residents",
    "problem_text",
}


@office_required
def weights_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    parent = None
    if request.GET.get("parent"):
        parent = directive.tasks.filter(pk=request.GET["parent"]).first()
        if parent is None:
            raise Http404
    siblings = list(directive.tasks.filter(parent=parent))
    form = sv_forms.WeightsForm(request.POST or None, siblings=siblings)
    if request.method == "POST":
        return perform_step(
            request,
            form,
            lambda data: (
                actions.set_weights(
                    directive,
                    actor=request.user,
                    parent=parent,
                    weights=form.weights(),
                    reason=data["reason"],
                ),
                "权重已调整",
            )[1],
            done=lambda: redirect("supervision:directive", directive.pk),
            page=lambda status, f: render(
                request,
                "supervision/weights_form.html",
                {"form": f or form, "directive": directive, "parent": parent},
                status=status,
            ),
        )
    return render(
        request,
        "supervision/weights_form.html",
        {"form": form, "directive": directive, "parent": parent},
    )


@office_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    initial = {name: getattr(task, name) for name in TASK_INPUTS} | {
        "assisting": list(task.assisting_units.all())
    }
    form = sv_forms.TaskForm(request.POST or None, initial=initial)
    del form.fields["weight"]  # weights change only together, on the weights page

    def run(data: dict[str, Any]) -> str:
        fields = {k: v for k, v in data.items() if k in TASK_INPUTS}
        actions.update_task(task, actor=request.user, assisting=list(data["assisting"]), **fields)
        return "任务已保存"

    context = {"form": form, "directive": task.directive, "parent": task.parent, "task": task}
    if request.method == "POST":
        return perform_step(
            request,
            form,
            run,
            done=lambda: redirect("supervision:task", task.pk),
            page=lambda status, f: render(
                request, "supervision/task_form.html", context | {"form": f or form}, status=status
            ),
        )
    return render(request, "supervision/task_form.html", context)


# --- tasks, for the office and the units concerned -------------------------------------------


def _task_context(request: HttpRequest, task: Task, **extra: Any) -> dict[str, Any]:
    office = sees_all_units(request.user)
    kids = list(task.children.select_related("unit"))
    unit = unit_of(request.user)
    reports = list(
        task.reports.select_related("submitted_by", "reviewed_by").prefetch_related(
            "attachments", "links", "flags"
        )
    )
    context = {
        "task": task,
        "office": office,
        "lead": unit is not None and unit.pk == task.unit_id,
        "formula": formula_rows(task, kids) if kids else None,
        "milestones": list(task.milestones.all()),
        "reports": reports,
        "history": list(task.card_history.all()),
        "closures": list(
            task.closures.select_related("requested_by", "reviewed_by").prefetch_related(
                "attachments"
            )
        ),
        "gap": gap_flagged(task),
        "assisting": list(task.assisting_units.all()),
        "return_form": sv_forms.ReasonForm(),
        "close_form": sv_forms.CloseForm(),
        "milestone_form": sv_forms.MilestoneForm(),
    }
    context.update(extra)
    return context


@staff_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    return render(request, "supervision/task_detail.html", _task_context(request, task))


@staff_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = (
        tasks_visible_to(request.user)
        .filter(directive__status=Directive.Status.ISSUED, children__isnull=True)
        .select_related("directive", "unit")
        .order_by("deadline", "pk")
    )
    level = request.GET.get("level")
    if level in {"blue", "yellow", "red"}:
        tasks = tasks.filter(warning_level=level)
    card = request.GET.get("card")
    if card in {Card.YELLOW, Card.RED}:
        tasks = tasks.filter(card=card)
    return render(
        request, "supervision/my_tasks.html", {"tasks": tasks[:500], "level": level, "card": card}
    )


def _step_on_task(
    request: HttpRequest, task: Task, form: forms.Form, run: Callable[[dict[str, Any]], str]
) -> HttpResponse:
    def page(status: int, bound: forms.Form | None) -> HttpResponse:
        fresh = get_task_for_user(request.user, task.pk)
        extra = {"bound_form": bound} if bound is not None else {}
        return render(
            request,
            "supervision/task_detail.html",
            _task_context(request, fresh, **extra),
            status=status,
        )

    try:
        return perform_step(
            request, form, run, done=lambda: redirect("supervision:task", task.pk), page=page
        )
    except PermissionDenied:
        raise Http404 from None


@staff_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    unit = unit_of(request.user)
    if unit is None or unit.pk != task.unit_id:
        raise Http404
    form = sv_forms.ReportForm(
        request.POST or None, request.FILES or None, task=task, prefill=prefill(task)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.submit_report(
                task,
                actor=request.user,
                text=data["text"],
                amount=data.get("amount"),
                milestones_done=[int(x) for x in data.get("milestones_done", [])],
                state=data.get("state", ""),
                field_values=form.field_values(),
                links=parse_links(data.get("links", "")),
                attachments=data.get("attachments") or [],
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("supervision:task", task.pk)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "进展已报送，等待督查室审核")
            return redirect("supervision:task", task.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supervision/report_form.html", {"form": form, "task": task}, status=status
    )


@office_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    try:
        actions.accept_report(report, actor=request.user)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已采纳，核实进度已更新")
    return redirect(request.POST.get("next") or reverse("supervision:task", args=[report.task_id]))


@office_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    form = sv_forms.ReasonForm(request.POST or None)
    return _step_on_task(
        request,
        report.task,
        form,
        lambda data: (
            actions.return_report(report, actor=request.user, reason=data["reason"]),
            "已退回，并告知原因",
        )[1],
    )


@staff_required
def close_request(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    form = sv_forms.CloseRequestForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "supervision/close_request.html", {"form": form, "task": task})
    return _step_on_task(
        request,
        task,
        form,
        lambda data: (
            actions.request_close(
                task, actor=request.user, evidence=data["evidence"], attachments=data["attachments"]
            ),
            "已申请销号，等待督查室另一人审核",
        )[1],
    )


@office_required
def close_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    form = sv_forms.CloseForm(request.POST or None)
    return _step_on_task(
        request,
        task,
        form,
        lambda data: (
            actions.close_task(task, actor=request.user, callback_note=data["callback_note"]),
            "已销号",
        )[1],
    )


@office_required
def refuse_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    form = sv_forms.ReasonForm(request.POST or None)
    return _step_on_task(
        request,
        task,
        form,
        lambda data: (
            actions.refuse_close(task, actor=request.user, reason=data["reason"]),
            "已退回销号申请",
        )[1],
    )


@office_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    form = sv_forms.MilestoneForm(request.POST or None)
    return _step_on_task(
        request,
        task,
        form,
        lambda data: (actions.add_milestone(task, actor=request.user, **data), "节点已添加")[1],
    )


@staff_required
def report_file(request: HttpRequest, token: str) -> HttpResponse:
    attachment = ReportAttachment.objects.select_related("report").filter(token=token).first()
    if attachment is None:
        raise Http404
    get_report_for_user(request.user, attachment.report_id)
    return private_download(attachment.file, attachment.original_name, attachment.content_type)


@office_required
def directive_file(request: HttpRequest, token: str) -> HttpResponse:
    attachment = DirectiveAttachment.objects.filter(token=token).first()
    if attachment is None:
        raise Http404
    return private_download(attachment.file, attachment.original_name, attachment.content_type)


# --- office: review of reports and formalism flags ------------------------------------------------


@office_required
def review(request: HttpRequest) -> HttpResponse:
    pending = (
        Report.objects.filter(status=Report.Status.SUBMITTED)
        .select_related("task", "task__directive", "unit", "submitted_by")
        .prefetch_related("flags", "attachments", "links")
        .order_by("submitted_at")[:200]
    )
    flags = (
        FormalismFlag.objects.filter(status=FormalismFlag.Status.OPEN)
        .select_related(
            "report", "report__task", "report__unit", "source_report", "source_report__unit"
        )
        .order_by("-score")[:200]
    )
    reviewed = FormalismFlag.objects.exclude(status=FormalismFlag.Status.OPEN).aggregate(
        dismissed=Count("pk", filter=Q(status=FormalismFlag.Status.DISMISSED)),
        upheld=Count("pk", filter=Q(status=FormalismFlag.Status.UPHELD)),
    )
    total = reviewed["dismissed"] + reviewed["upheld"]
    false_rate = 100.0 * reviewed["dismissed"] / total if total else None
    closing = Task.objects.filter(status=Task.Status.CLOSE_REQUESTED).select_related(
        "unit", "directive"
    )
    # 报喜不报忧: leaves whose unit claims much more than the office has verified.
    gaps = (
        Task.objects.filter(children__isnull=True, status=Task.Status.ACTIVE)
        .annotate(gap=F("reported_progress") - F("verified_progress"))
        .filter(gap__gt=float(conf("GAP_MARGIN")))
        .select_related("unit")
        .order_by("-gap")[:100]
    )
    return render(
        request,
        "supervision/review.html",
        {
            "pending": pending,
            "flags": flags,
            "reviewed": reviewed,
            "false_rate": false_rate,
            "closing": closing,
            "return_form": sv_forms.ReasonForm(),
            "gaps": gaps,
            "gap_margin": conf("GAP_MARGIN"),
        },
    )


@office_required
@require_POST
def flag_review(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_flag_for_office(pk)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    try:
        if decision == "dismiss":
            actions.dismiss_flag(flag, actor=request.user, reason=reason)
            messages.success(request, "已排除该疑点，理由已记录")
        elif decision == "uphold":
            actions.uphold_flag(flag, actor=request.user, note=reason)
            messages.success(request, "已确认该疑点")
        else:
            raise Http404
    except (ValidationError, Conflict) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    return redirect("supervision:review")


@office_required
def burden_page(request: HttpRequest) -> HttpResponse:
    """What the platform asked of each unit in one month: reports due and typed fields (the
    burden the 2024 rules on grassroots burden limit). Counts of meetings, documents or photos
    are never asked for or scored."""
    today = timezone.localdate()
    month = parse_month(request.GET.get("month")) or month_start(today)
    period = f"{month:%Y-%m}"
    quarter_start = month.month in (1, 4, 7, 10)
    rows: dict[int, dict[str, Any]] = {}
    leaves = (
        Task.objects.filter(
            directive__status=Directive.Status.ISSUED,
            children__isnull=True,
            directive__issued_at__lt=day_start(next_month(month)),
        )
        .exclude(status=Task.Status.CLOSED, closed_at__lt=day_start(month))
        .select_related("unit", "directive")
        .only("unit__name", "unit__short_name", "directive__cadence", "directive__report_fields")
    )
    for task in leaves:
        cadence = task.directive.cadence
        if cadence == Directive.Cadence.QUARTERLY and not quarter_start:
            continue
        if cadence == Directive.Cadence.ON_COMPLETION:
            continue
        row = rows.setdefault(
            task.unit_id, {"unit": task.unit, "reports": 0, "fields": 0, "submitted": 0}
        )
        row["reports"] += 1
        # Progress text, the kind's own claim, and the directive's declared fields.
        row["fields"] += 2 + len(task.directive.report_fields)
    for unit_id, count in (
        Report.objects.filter(period=period).values_list("unit_id").annotate(n=Count("pk"))
    ):
        if unit_id in rows:
            rows[unit_id]["submitted"] = count
    table = sorted(rows.values(), key=lambda r: (-r["fields"], r["unit"].name))
    return render(
        request,
        "supervision/burden.html",
        {"rows": table, "month": month, "months": last_months(today, 12)},
    )


# --- Excel -----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text="使用本平台导出的表格格式：“决策部署”和“任务”两个工作表",
    )


@office_required
def directive_export(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_directive_for_office(pk)
    response = HttpResponse(
        spreadsheet.export_directive(directive),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="directive-{directive.pk}.xlsx"'
    return response


@office_required
def directive_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    directive = get_directive_for_office(pk) if pk else None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            form.add_error("file", "文件超过 10 MB")
        else:
            try:
                target, changes = spreadsheet.import_workbook(
                    upload.read(), actor=request.user, directive=directive
                )
            except (ValidationError, Conflict) as exc:
                for message in getattr(exc, "messages", [str(exc)]):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    f"导入完成：{changes} 处变动"
                    if changes
                    else "导入完成：与现有内容一致，没有变动",
                )
                return redirect("supervision:directive", target.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supervision/import.html", {"form": form, "directive": directive}, status=status
    )


# --- public ---------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    directives = Directive.objects.filter(public=True, status=Directive.Status.ISSUED)
    return render(request, "supervision/public_list.html", {"directives": directives})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_public_directive(pk)
    rows = tree_rows(directive)
    return render(request, "supervision/public_detail.html", {"directive": directive, "rows": rows})
