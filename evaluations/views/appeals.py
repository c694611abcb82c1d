"""Staff pages of 好差评: a unit's ratings, its appeals, and the office's decisions on them.

The work orders themselves are in evaluations/views/staff.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluations import actions
from evaluations.models import BAD_LEVELS, Appeal, Evaluation, Rectification
from evaluations.staff_forms import (
    APPEAL_ALL,
    APPEAL_DECIDED,
    APPEAL_PENDING,
    LEVEL_BAD,
    AppealForm,
    DecideAppealForm,
    RatingFilterForm,
    add_action_errors,
)
from evaluations.stats import month_bounds
from evaluations.views.staff import (
    PAGE_SIZE,
    get_evaluation_for_staff,
    is_member,
    may_decide_appeals,
)
from org.scoping import sees_all_units, unit_of
from zuofeng.access import staff_required
from zuofeng.transitions import Conflict

# --- ratings ------------------------------------------------------------------------------


@dataclass
class RatingRow:
    evaluation: Evaluation
    rectification: Rectification | None
    appeal: Appeal | None  # the latest
    appeal_form: forms.Form | None


def _rating_rows(page_items: list[Evaluation], user: Any) -> list[RatingRow]:
    rows = []
    for evaluation in page_items:
        try:
            order: Rectification | None = evaluation.rectification
        except Rectification.DoesNotExist:
            order = None
        appeals = list(evaluation.appeals.all())
        latest = appeals[0] if appeals else None
        can_appeal = (
            is_member(user, evaluation.unit_id)
            and not evaluation.excluded
            and not any(a.status == Appeal.Status.PENDING for a in appeals)
        )
        rows.append(
            RatingRow(
                evaluation=evaluation,
                rectification=order,
                appeal=latest,
                appeal_form=(
                    AppealForm(auto_id=f"id_appeal_{evaluation.pk}_%s") if can_appeal else None
                ),
            )
        )
    return rows


@staff_required
@require_GET
def unit_ratings(request: HttpRequest) -> HttpResponse:
    user = request.user
    all_units = sees_all_units(user)
    form = RatingFilterForm(request.GET, all_units=all_units)
    form.is_valid()
    data = form.cleaned_data

    ratings = Evaluation.objects.visible_to(user)
    level = data.get("level") or ""
    if level == LEVEL_BAD:
        ratings = ratings.filter(level__in=BAD_LEVELS)
    elif level:
        ratings = ratings.filter(level=int(level))
    month = data.get("month") or ""
    if month:
        start, end = month_bounds(int(month[:4]), int(month[5:7]))
        ratings = ratings.filter(created_at__gte=start, created_at__lt=end)
    if all_units and data.get("unit"):
        ratings = ratings.filter(unit=data["unit"])
    summary = ratings.aggregate(
        total=Count("id"),
        bad=Count("id", filter=Q(level__in=BAD_LEVELS)),
        defaults=Count("id", filter=Q(is_default=True)),
        excluded=Count("id", filter=Q(excluded=True)),
    )
    ratings = (
        ratings.select_related("case", "case__matter", "unit", "rectification")
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-filed_at", "-pk")))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "evaluations/staff/ratings.html",
        {
            "form": form,
            "page": page,
            "rows": _rating_rows(list(page.object_list), user),
            "summary": summary,
            "all_units": all_units,
            "unit": unit_of(user),
            "querystring": params.urlencode(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """申诉 against one rating: the form alone (GET, or a POST with errors)."""
    user = request.user
    evaluation = get_evaluation_for_staff(user, pk)
    if not is_member(user, evaluation.unit_id):
        raise PermissionDenied("只有被评价单位的工作人员可以对该评价提出申诉")
    template = "evaluations/staff/appeal_form.html"
    if request.method != "POST":
        return render(request, template, {"evaluation": evaluation, "form": AppealForm()})
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            actions.file_appeal(
                actor=user,
                evaluation=evaluation,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            return render(request, template, {"evaluation": evaluation, "form": None}, status=409)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request, f"已对办件 {evaluation.case.number} 的评价提出申诉，待督查室裁定"
            )
            return redirect("evaluations:appeals")
    return render(request, template, {"evaluation": evaluation, "form": form}, status=400)


# --- appeals -----------------------------------------------------------------------------


@dataclass
class AppealRow:
    appeal: Appeal
    uphold_form: forms.Form | None
    reject_form: forms.Form | None


def _decide_form(appeal: Appeal, decision: str, data: Any = None) -> forms.Form:
    kwargs: dict[str, Any] = {"auto_id": f"id_{decision}_{appeal.pk}_%s"}
    if data is not None:
        return DecideAppealForm(data, **kwargs)
    return DecideAppealForm(initial={"decision": decision}, **kwargs)


def _appeals_context(
    request: HttpRequest, bound: tuple[int, str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    decider = may_decide_appeals(user)
    default = APPEAL_PENDING if decider else APPEAL_ALL
    status = request.GET.get("status") or default
    if status not in (APPEAL_PENDING, APPEAL_DECIDED, APPEAL_ALL):
        status = default
    appeals = Appeal.objects.visible_to(user).select_related(
        "evaluation",
        "evaluation__case",
        "evaluation__case__matter",
        "evaluation__rectification",
        "unit",
        "filed_by",
        "decided_by",
    )
    if status == APPEAL_PENDING:
        # The queue: the longest-waiting first.
        appeals = appeals.filter(status=Appeal.Status.PENDING).order_by("filed_at", "pk")
    else:
        if status == APPEAL_DECIDED:
            appeals = appeals.exclude(status=Appeal.Status.PENDING)
        appeals = appeals.order_by("-filed_at", "-pk")
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for appeal in page.object_list:
        uphold = reject = None
        if decider and appeal.status == Appeal.Status.PENDING:
            uphold = _decide_form(appeal, DecideAppealForm.UPHOLD)
            reject = _decide_form(appeal, DecideAppealForm.REJECT)
            if bound and bound[0] == appeal.pk:
                if bound[1] == DecideAppealForm.UPHOLD:
                    uphold = bound[2]
                else:
                    reject = bound[2]
        rows.append(AppealRow(appeal, uphold, reject))
    pending_count = (
        Appeal.objects.visible_to(user).filter(status=Appeal.Status.PENDING).count()
        if status != APPEAL_PENDING
        else page.paginator.count
    )
    return {
        "rows": rows,
        "page": page,
        "status": status,
        "decider": decider,
        "all_units": sees_all_units(user),
        "pending_count": pending_count,
        "querystring": f"status={status}",
    }


@staff_required
@require_GET
def appeals(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/staff/appeals.html", _appeals_context(request))


@staff_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = get_object_or_404(Appeal.objects.visible_to(user), pk=pk)
    if not may_decide_appeals(user):
        raise PermissionDenied("只有督查室可以裁定申诉")
    decision = (
        DecideAppealForm.UPHOLD
        if request.POST.get("decision") == DecideAppealForm.UPHOLD
        else DecideAppealForm.REJECT
    )
    form = _decide_form(appeal, decision, request.POST)
    if form.is_valid():
        try:
            actions.decide_appeal(
                actor=user, appeal=appeal, uphold=form.uphold, note=form.cleaned_data["note"]
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            context = _appeals_context(request)
            return render(request, "evaluations/staff/appeals.html", context, status=409)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                "已裁定申诉成立：该评价不计入统计，未办结的整改单随之终止"
                if form.uphold
                else "已裁定申诉不成立：该评价继续计入统计",
            )
            return redirect("evaluations:appeals")
    context = _appeals_context(request, bound=(appeal.pk, decision, form))
    return render(request, "evaluations/staff/appeals.html", context, status=400)
