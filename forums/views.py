"""The office's forum pages: the list, recording a forum, a forum's page (attendance, minutes,
its problems and the form to raise one) and its printable minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forums import actions
from forums.forms import FIELD_NAMES, ForumForm
from forums.models import Attendance, Forum
from org.scoping import unit_of
from problems.forms import FIELD_NAMES as PROBLEM_FIELD_NAMES
from problems.forms import NewProblemForm
from problems.models import Problem
from problems.reads import problems_of
from problems.views import show_receipt
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors

PAGE_SIZE = 20


def _forum(pk: int) -> Forum:
    return get_object_or_404(
        Forum.objects.select_related("unit", "recorded_by").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.order_by("id"))
        ),
        pk=pk,
    )


@office_required
@require_GET
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = (
        Forum.objects.select_related("unit")
        .prefetch_related("attendance")
        .annotate(people=Sum("attendance__count"))
        .order_by("-held_on", "-id")
    )
    page = Paginator(forums, PAGE_SIZE).get_page(request.GET.get("page"))
    # Problems per forum on this page, in one query.
    ids = [str(f.pk) for f in page.object_list]
    counts = {
        row["source_id"]: row
        for row in Problem.objects.filter(source_type="forums.forum", source_id__in=ids)
        .values("source_id")
        .annotate(total=Count("id"), solved=Count("id", filter=Q(status=Problem.Status.CLOSED)))
    }
    for forum in page.object_list:
        row = counts.get(str(forum.pk), {})
        forum.problem_total = row.get("total", 0)
        forum.problem_solved = row.get("solved", 0)
    return render(request, "forums/list.html", {"page": page})


@office_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ForumForm.for_user_unit(unit_of(request.user))
        return render(request, "forums/new.html", {"form": form})
    form = ForumForm(request.POST)
    if form.is_valid():
        try:
            forum = actions.record_forum(actor=request.user, **form.values())
        except ValidationError as exc:
            add_action_errors(form, exc, FIELD_NAMES)
        else:
            messages.success(request, "座谈会已登记。请逐条登记会上群众反映的问题并交办。")
            return redirect("forums:detail", pk=forum.pk)
    return render(request, "forums/new.html", {"form": form}, status=400)


def _detail(
    request: HttpRequest, forum: Forum, form: NewProblemForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "forums/detail.html",
        {
            "forum": forum,
            "problems": problems_of(forum),
            "form": form or NewProblemForm(),
        },
        status=status,
    )


@office_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _forum(pk))


@office_required
@require_POST
def raise_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """登记交办 one problem raised at the forum; the receipt slip for the raiser follows."""
    forum = _forum(pk)
    form = NewProblemForm(request.POST)
    if form.is_valid():
        try:
            problem, code = form.open(request.user, forum)
        except ValidationError as exc:
            add_action_errors(form, exc, PROBLEM_FIELD_NAMES)
        else:
            messages.success(request, f"已交办{problem.unit.name}：{problem.title}")
            return show_receipt(request, problem, code)
    return _detail(request, forum, form, status=400)


@office_required
@require_GET
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum(pk)
    context: dict[str, Any] = {"forum": forum, "problems": problems_of(forum)}
    return render(request, "forums/print.html", context)
