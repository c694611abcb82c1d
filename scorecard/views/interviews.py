"""约谈: the office's list of flagged and held interviews, and the page that records one
(minutes and the head's commitments, each with a limit in working days, which the action
puts on the duty clock)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from scorecard import actions
from scorecard.forms import CommitmentFormSet, InterviewForm, commitments_from
from scorecard.models import Interview
from scorecard.views.office import run_action
from zuofeng.access import office_required

PAGE_SIZE = 30


@require_GET
@office_required
def interviews(request: HttpRequest) -> HttpResponse:
    flagged_first = Case(
        When(status=Interview.Status.FLAGGED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    queryset = (
        Interview.objects.select_related("unit", "head", "held_by")
        .annotate(open_first=flagged_first)
        .order_by("open_first", "-flagged_month", "unit__sort_order", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scorecard/interviews.html", {"page": page})


@require_http_methods(["GET", "POST"])
@office_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_object_or_404(
        Interview.objects.select_related("unit", "head", "held_by"), pk=pk
    )
    form = InterviewForm(request.POST or None)
    formset = CommitmentFormSet(request.POST or None, prefix="c")
    posted = request.method == "POST" and interview.status == Interview.Status.FLAGGED
    if posted and form.is_valid() and formset.is_valid():
        done = run_action(
            request,
            lambda: actions.record_interview(
                actor=request.user,
                interview=interview,
                minutes=form.cleaned_data["minutes"],
                commitments=commitments_from(formset),
            ),
        )
        if done is not None:
            messages.success(request, f"已记录对{interview.unit.name}的约谈")
            return redirect("scorecard:interview", pk=interview.pk)
    return render(
        request,
        "scorecard/interview.html",
        {
            "interview": interview,
            "form": form,
            "formset": formset,
            "commitments": interview.commitments.all(),
        },
    )
