"""Pages: the list of problems (the office's, every unit's, filterable; a unit's, its own), a
problem's page with its duty panel and the step forms (the unit's report, the office's
callback or verification, category correction, transfer), the one-time receipt slip for the
raiser, and the raiser's public follow page.

The raiser's contact appears on the office's page only, and only after the office asks for
it to call back (an audited `reveal_raiser`); no page of the owner unit reads it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from cases.views.documents import qr_svg
from complaints.intake.views.public import _limited, follow_rate
from complaints.models import ComplaintCategory
from org.models import Unit
from org.scoping import sees_all_units, unit_of
from problems import actions
from problems.forms import (
    FIELD_NAMES,
    CallbackForm,
    FollowForm,
    ReclassifyForm,
    ReportForm,
    TransferForm,
    VerifyForm,
)
from problems.measures import overdue_q
from problems.models import SOURCE_KINDS, Problem, ProblemStep
from problems.reads import find_by_receipt, get_problem_for_user, outcomes, visible_problems
from zuofeng.access import staff_required
from zuofeng.duty.models import WarningLevel
from zuofeng.forms import add_action_errors
from zuofeng.public_url import public_url
from zuofeng.transitions import Conflict

PAGE_SIZE = 25
RECEIPT_KEY = "problems.receipt"
FOLLOW_KEY = "problems.follow"
# How long a verified lookup stays open in the session (as for complaints).
FOLLOW_SECONDS = 30 * 60
NOT_FOUND = "未找到该问题，请核对查询码"

STATUS_CLASSES: dict[str, str] = {
    Problem.Status.OPEN: "is-link",
    Problem.Status.REPORTED: "is-warning",
    Problem.Status.RETURNED: "is-danger",
    Problem.Status.CLOSED: "is-success",
}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- lists -------------------------------------------------------------------------------


@staff_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """Every unit's problems for the office (filter by unit), a unit's own for its people;
    both filterable by status, source, category and warning level (the sweep links here)."""
    user = request.user
    office = sees_all_units(user)
    queryset = visible_problems(user)
    now = timezone.now()
    status = request.GET.get("status", "")
    if status == "unsolved":
        queryset = queryset.exclude(status=Problem.Status.CLOSED)
    elif status == "overdue":
        queryset = queryset.filter(overdue_q(now))
    elif status in Problem.Status.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    source = request.GET.get("source", "")
    if source in SOURCE_KINDS:
        queryset = queryset.filter(source_type__startswith=f"{source}.")
    else:
        source = ""
    category = request.GET.get("category", "")
    categories = list(ComplaintCategory.objects.all())
    if category in {c.code for c in categories}:
        queryset = queryset.filter(category_id=category)
    else:
        category = ""
    level = request.GET.get("level", "")
    if level in WarningLevel.values and level != WarningLevel.NONE:
        queryset = queryset.filter(warning_level=level, status__in=Problem.UNIT_OWES)
    else:
        level = ""
    unit_id = _int_or_none(request.GET.get("unit")) if office else None
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    filtered = bool(status or source or category or level or unit_id)
    return render(
        request,
        "problems/list.html",
        {
            "office": office,
            "page": page,
            "statuses": Problem.Status.choices,
            "status_selected": status,
            "sources": SOURCE_KINDS.items(),
            "source_selected": source,
            "categories": categories,
            "category_selected": category,
            "levels": [c for c in WarningLevel.choices if c[0] != WarningLevel.NONE],
            "level_selected": level,
            "units": Unit.objects.active().only("pk", "name", "short_name") if office else [],
            "unit_selected": unit_id,
            "querystring": params.urlencode(),
            "filtered": filtered,
            "outcomes": outcomes(queryset, now),
            "now": now,
        },
    )


# --- one problem -------------------------------------------------------------------------


def _forms_for(user: Any, problem: Problem) -> dict[str, forms.Form]:
    """The steps this user may take on the problem now."""
    found: dict[str, forms.Form] = {}
    own = unit_of(user)
    member = own is not None and own.pk == problem.unit_id
    office = sees_all_units(user)
    if problem.awaits_unit and member:
        found["report"] = ReportForm()
    if office and not member:
        if problem.status == Problem.Status.REPORTED:
            if problem.has_raiser:
                found["callback"] = CallbackForm()
            found["verify"] = VerifyForm()
        if problem.awaits_unit:
            found["transfer"] = TransferForm()
    if office:
        found["reclassify"] = ReclassifyForm(initial={"category": problem.category_id})
    return found


def _source_link(problem: Problem) -> str:
    """The source's staff page when its app names one `<app>:detail` (forums, visits)."""
    app = problem.source_type.split(".", 1)[0]
    try:
        return reverse(f"{app}:detail", args=[int(problem.source_id)])
    except (NoReverseMatch, ValueError):
        return ""


def _detail(
    request: HttpRequest,
    problem: Problem,
    *,
    bound: tuple[str, forms.Form] | None = None,
    raiser: Any = None,
    status: int = 200,
) -> HttpResponse:
    step_forms = _forms_for(request.user, problem)
    if bound is not None and bound[0] in step_forms:
        step_forms[bound[0]] = bound[1]
    office = sees_all_units(request.user)
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "office": office,
            "forms": step_forms,
            "steps": problem.steps.select_related("actor"),
            "raiser": raiser,
            "source_link": _source_link(problem) if office else "",
            "status_class": STATUS_CLASSES.get(problem.status, "is-light"),
            "now": timezone.now(),
        },
        status=status,
    )


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_problem_for_user(request.user, pk))


def _report(user: Any, problem: Problem, data: dict[str, Any]) -> str:
    actions.report_problem(problem, actor=user, report=data["report"])
    return f"{problem.number} 已报告办理情况，等待督查室回访"


def _callback(user: Any, problem: Problem, data: dict[str, Any]) -> str:
    done = actions.record_callback(problem, actor=user, result=data["result"], note=data["note"])
    if done.status == Problem.Status.CLOSED:
        return f"{problem.number} 回访{done.get_callback_result_display()}，已办结"
    return f"{problem.number} 回访不满意，已退回{done.unit.name}重新办理"


def _verify(user: Any, problem: Problem, data: dict[str, Any]) -> str:
    done = actions.verify_problem(problem, actor=user, result=data["result"], note=data["note"])
    if done.status == Problem.Status.CLOSED:
        return f"{problem.number} 经核实已解决，已办结"
    return f"{problem.number} 经核实未解决，已退回{done.unit.name}重新办理"


def _reclassify(user: Any, problem: Problem, data: dict[str, Any]) -> str:
    actions.reclassify_problem(problem, actor=user, category=data["category"])
    return f"{problem.number} 的类别已改为“{data['category'].name}”"


def _transfer(user: Any, problem: Problem, data: dict[str, Any]) -> str:
    actions.transfer_problem(problem, actor=user, unit=data["unit"], reason=data["reason"])
    return f"{problem.number} 已改交{data['unit'].name}办理"


STEPS: dict[str, tuple[type[forms.Form], Callable[[Any, Problem, dict[str, Any]], str]]] = {
    "report": (ReportForm, _report),
    "callback": (CallbackForm, _callback),
    "verify": (VerifyForm, _verify),
    "reclassify": (ReclassifyForm, _reclassify),
    "transfer": (TransferForm, _transfer),
}


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    problem = get_problem_for_user(request.user, pk)
    if step == "reveal":
        return _reveal(request, problem)
    if step not in STEPS:
        raise Http404
    form_class, run = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = run(request.user, problem, form.cleaned_data)
        except Conflict as exc:
            messages.error(request, str(exc))
            problem.refresh_from_db()
            return _detail(request, problem, status=409)
        except ValidationError as exc:
            add_action_errors(form, exc, FIELD_NAMES)
        else:
            messages.success(request, message)
            return redirect("problems:detail", pk=problem.pk)
    return _detail(request, problem, bound=(step, form), status=400)


def _reveal(request: HttpRequest, problem: Problem) -> HttpResponse:
    """The raiser's contact for the office's callback (audited each time; never cached)."""
    if "callback" not in _forms_for(request.user, problem):
        raise Http404
    raiser = actions.reveal_raiser(problem, actor=request.user)
    response = _detail(request, problem, raiser=raiser)
    response["Cache-Control"] = "no-store"
    return response


# --- the raiser's receipt ------------------------------------------------------------------


def show_receipt(request: HttpRequest, problem: Problem, code: str) -> HttpResponse:
    """After `open_problem`: keep the plain code in the session for one display of the
    receipt slip (the code never travels in a URL), and go there. For every page that opens
    problems (forums here, visits and surveys elsewhere)."""
    request.session[RECEIPT_KEY] = {"id": problem.pk, "code": code}
    return redirect("problems:receipt")


@staff_required
@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    """The number and the receipt code, once, printable as a slip for the raiser."""
    held = request.session.pop(RECEIPT_KEY, None)
    if not isinstance(held, dict):
        messages.info(request, "查询码只显示一次，已不能再次查看。")
        return redirect("problems:list")
    problem = get_problem_for_user(request.user, held.get("id"))
    # The follow page's public address, printed and as a QR code (never the code itself:
    # it is typed, so a photographed slip's QR alone opens nothing).
    follow_url = public_url(reverse("problems:follow"))
    context = {
        "problem": problem,
        "code": held["code"],
        "source_link": _source_link(problem),
        "follow_url": follow_url,
        "qr": qr_svg(follow_url, "问题办理进度查询"),
    }
    return render(request, "problems/receipt.html", context)


# --- the raiser's follow page (public) ------------------------------------------------------


def _followed(request: HttpRequest) -> Problem | None:
    held = request.session.get(FOLLOW_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        request.session.pop(FOLLOW_KEY, None)
        return None
    return Problem.objects.select_related("unit").filter(pk=held.get("id")).first()


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """查询问题办理进度: the raiser types the receipt code (POST, rate-limited like the
    complaint follow-up); the session then shows the problem for FOLLOW_SECONDS. Only what
    the raiser may see: status, the public steps, the unit's report, the deadline."""
    step = request.POST.get("step", "lookup") if request.method == "POST" else None
    if step == "forget":
        request.session.pop(FOLLOW_KEY, None)
        return redirect("problems:follow")
    if step == "lookup":
        return _follow_lookup(request)
    problem = _followed(request)
    if problem is None:
        return render(request, "problems/public/follow.html", {"form": FollowForm()})
    steps = problem.steps.filter(public=True).exclude(kind=ProblemStep.Kind.RECLASSIFIED)
    return render(
        request,
        "problems/public/problem.html",
        {
            "problem": problem,
            "steps": steps,
            "status_class": STATUS_CLASSES.get(problem.status, "is-light"),
        },
    )


def _follow_lookup(request: HttpRequest) -> HttpResponse:
    if is_ratelimited(
        request,
        group="problems.follow",
        key="ip",
        rate=follow_rate,
        method="POST",
        increment=True,
    ):
        return _limited(request, follow_rate(), "查询过于频繁", "problems:follow")
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "problems/public/follow.html", {"form": form}, status=400)
    problem = find_by_receipt(form.cleaned_data["code"])
    if problem is None:
        return render(
            request,
            "problems/public/follow.html",
            {"form": FollowForm(), "not_found": NOT_FOUND},
        )
    request.session.cycle_key()
    request.session[FOLLOW_KEY] = {"id": problem.pk, "until": time.time() + FOLLOW_SECONDS}
    return redirect("problems:follow")
