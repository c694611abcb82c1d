"""Visit pages: log a visit (a phone form), my visits, the unit's ledger (printable), the
office's list and flag review queue, a visit's page (revisions, flags, problems), annual plans.

Views stay thin: every change is a `visits.actions` function; reads go through
`visits.scoping` (another unit's visit is 404)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from org.scoping import sees_all_units, unit_of
from visits import actions
from visits.forms import (
    ERROR_FIELDS,
    FilterForm,
    PlanForm,
    ReviewForm,
    ReviseForm,
    SitesForm,
    VisitForm,
    leading_cadres,
)
from visits.models import Site, Visit, VisitFlag, VisitPlan
from visits.scoping import (
    get_flag_for_office,
    get_photo_for_user,
    get_visit_for_user,
    visits_visible_to,
)
from zuofeng.access import office_required, staff_required
from zuofeng.forms import add_action_errors
from zuofeng.public_url import public_url
from zuofeng.transitions import Conflict
from zuofeng.workdays.calendar import LOCAL_TZ, local_date

PAGE_SIZE = 20
LOGGED_KEY = "visits.logged"


def _page(request: HttpRequest, rows: QuerySet[Any] | list[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _listed(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("unit", "cadre", "site").annotate(
        open_flags=Count("flags", filter=Q(flags__status=VisitFlag.Status.OPEN), distinct=True)
    )


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ),
        dt.datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ),
    )


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or local_date(timezone.now()).year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


# --- logging and revising -------------------------------------------------------------------


@staff_required
def log_visit(request: HttpRequest) -> HttpResponse:
    unit = unit_of(request.user)
    if unit is None:  # the office's admins without a unit log no visits
        raise Http404
    initial = {"day": local_date(timezone.now()), "kind": Visit.Kind.RESEARCH}
    form = VisitForm(
        request.POST or None, request.FILES or None, cadre=request.user, unit=unit, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            logged = actions.log_visit(actor=request.user, **form.action_kwargs())
        except ValidationError as exc:
            add_action_errors(form, exc, ERROR_FIELDS)
        else:
            # The receipt codes are shown once, on the next page, for the cadre to hand to the
            # raisers (only their hashes are kept); they wait in the session, never in a URL,
            # and reloading that page does not log the visit again.
            request.session[LOGGED_KEY] = {
                "visit": logged.visit.pk,
                "codes": {str(problem.pk): code for problem, code in logged.problems},
                "flags": len(logged.flags),
            }
            return redirect("visits:logged")
    sites = Site.objects.filter(unit=unit, archived=False).values_list("name", flat=True)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "visits/log.html", {"form": form, "site_names": sites, "unit": unit}, status=status
    )


@staff_required
@never_cache
def logged(request: HttpRequest) -> HttpResponse:
    from problems.reads import problems_of

    held = request.session.pop(LOGGED_KEY, None)
    if not isinstance(held, dict):
        messages.info(request, "回执码只显示一次，已不能再次查看。走访记录在“我的走访”中。")
        return redirect("visits:mine")
    visit = get_visit_for_user(request.user, held.get("visit"))
    codes = held.get("codes") or {}
    receipts = [(p, codes[str(p.pk)]) for p in problems_of(visit) if str(p.pk) in codes]
    context = {
        "visit": visit,
        "receipts": receipts,
        "flag_count": held.get("flags", 0),
        "follow_url": public_url(reverse("problems:follow")),
    }
    return render(request, "visits/logged.html", context)


@staff_required
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    if visit.cadre_id != request.user.pk:
        raise Http404
    form = ReviseForm(request.POST or None, initial=ReviseForm.initial_for(visit))
    if request.method == "POST" and form.is_valid():
        try:
            actions.revise_visit(
                visit, actor=request.user, reason=form.cleaned_data["reason"], **form.changes()
            )
        except ValidationError as exc:
            add_action_errors(form, exc, ERROR_FIELDS)
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "修改已保存，原记录保留在修改历史中")
            return redirect("visits:detail", pk=visit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "visits/revise.html", {"form": form, "visit": visit}, status=status)


# --- reading --------------------------------------------------------------------------------


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    from problems.reads import problems_of

    revisions = list(visit.revisions.all())
    history = []
    for revision in revisions:
        history.append(
            {
                "revision": revision,
                "changes": [
                    (actions.FIELD_LABELS[name], _shown(name, revision.values.get(name)))
                    for name in (revision.changed or [])
                ],
            }
        )
    office = sees_all_units(request.user)
    flags = visit.flags.select_related("other_visit", "reviewer") if office else None
    context = {
        "visit": visit,
        "history": history,
        "first": revisions[0] if revisions else None,
        "problems": problems_of(visit),
        "flags": flags,
        "office": office,
        "may_revise": visit.cadre_id == request.user.pk,
        "review_form": ReviewForm(),
    }
    return render(request, "visits/detail.html", context)


def _shown(name: str, value: Any) -> str:
    if name in ("started_at", "ended_at") and value:
        return f"{dt.datetime.fromisoformat(value).astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}"
    if name == "kind":
        return Visit.Kind(value).label if value in Visit.Kind.values else str(value)
    if name == "unannounced":
        return "是" if value else "否"
    return str(value or "（空）")


@staff_required
def photo(request: HttpRequest, token: str) -> HttpResponse:
    stored = get_photo_for_user(request.user, token)
    try:
        handle = stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def my_visits(request: HttpRequest) -> HttpResponse:
    user = request.user
    visits = _listed(
        Visit.objects.filter(Q(cadre=user) | Q(companions=user))
        .distinct()
        .order_by("-started_at", "-id")
    )
    return render(
        request,
        "visits/mine.html",
        {"page": _page(request, visits), "querystring": _querystring(request)},
    )


@staff_required
def unit_visits(request: HttpRequest) -> HttpResponse:
    """The unit's ledger (台账) for a year, printable."""
    unit = unit_of(request.user)
    if unit is None:
        raise Http404
    year = _year(request)
    start, end = _year_bounds(year)
    visits = _listed(
        visits_visible_to(request.user)
        .filter(unit=unit, started_at__gte=start, started_at__lt=end)
        .prefetch_related("counterparts", "companions")
        .order_by("-started_at", "-id")
    )
    printing = request.GET.get("print") == "1"
    rows = list(visits) if printing else None
    context = {
        "unit": unit,
        "year": year,
        "years": [year - 1, year, year + 1],
        "page": None if printing else _page(request, visits),
        "rows": rows,
        "printing": printing,
        "querystring": _querystring(request),
    }
    return render(request, "visits/unit.html", context)


@office_required
def office_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    visits = Visit.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("unit"):
            visits = visits.filter(unit=data["unit"])
        if data.get("kind"):
            visits = visits.filter(kind=data["kind"])
        if data.get("flagged") == "open":
            visits = visits.filter(flags__status=VisitFlag.Status.OPEN)
        elif data.get("flagged") == "any":
            visits = visits.filter(flags__isnull=False)
        if data.get("start"):
            visits = visits.filter(started_at__gte=_day_start(data["start"]))
        if data.get("end"):
            visits = visits.filter(started_at__lt=_day_start(data["end"] + dt.timedelta(days=1)))
    visits = _listed(visits.distinct().order_by("-started_at", "-id"))
    context = {
        "form": form,
        "page": _page(request, visits),
        "querystring": _querystring(request),
        "open_flags": VisitFlag.objects.filter(status=VisitFlag.Status.OPEN).count(),
    }
    return render(request, "visits/office_list.html", context)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)


@staff_required
def sites(request: HttpRequest) -> HttpResponse:
    """A unit's area: the places its cadres should visit, with this year's visits to each (the
    office picks the unit with ?unit=)."""
    from org.models import Unit

    unit = unit_of(request.user)
    if sees_all_units(request.user) and request.GET.get("unit"):
        unit = Unit.objects.filter(pk=_int(request.GET["unit"])).first()
    if unit is None:
        raise Http404
    form = SitesForm(request.POST or None) if request.POST.get("do") == "add" else SitesForm()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "archive":
                site = Site.objects.filter(pk=_int(request.POST.get("site")), unit=unit).first()
                if site is None:
                    raise Http404
                actions.archive_site(
                    site, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, f"已撤销地点：{site.name}")
                return redirect(f"{reverse('visits:sites')}?unit={unit.pk}")
            if form.is_valid():
                names = form.cleaned_data["names"].splitlines()
                added = actions.add_sites(
                    actor=request.user, unit=unit, kind=form.cleaned_data["kind"], names=names
                )
                messages.success(request, f"已登记 {len(added)} 个地点")
                return redirect(f"{reverse('visits:sites')}?unit={unit.pk}")
        except ValidationError as exc:
            if request.POST.get("do") == "archive":
                messages.error(request, " ".join(exc.messages))
                return redirect(f"{reverse('visits:sites')}?unit={unit.pk}")
            add_action_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
    year = local_date(timezone.now()).year
    start, end = _year_bounds(year)
    rows = (
        Site.objects.filter(unit=unit, archived=False)
        .annotate(
            seen=Count(
                "visits", filter=Q(visits__started_at__gte=start, visits__started_at__lt=end)
            )
        )
        .order_by("seen", "kind", "name")
    )
    never = rows.filter(seen=0).count()
    context = {
        "unit": unit,
        "year": year,
        "form": form,
        "page": _page(request, rows),
        "querystring": _querystring(request),
        "never": never,
    }
    return render(request, "visits/sites.html", context, status=400 if form.errors else 200)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


# --- the office's review of flags -----------------------------------------------------------


@office_required
def flags(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or VisitFlag.Status.OPEN
    if status not in VisitFlag.Status.values:
        raise Http404
    rows = VisitFlag.objects.filter(status=status).select_related(
        "unit", "cadre", "visit__site", "other_visit", "reviewer"
    )
    counts = dict(VisitFlag.objects.values_list("status").annotate(n=Count("id")).order_by())
    reviewed = counts.get("confirmed", 0) + counts.get("dismissed", 0)
    by_kind = (
        VisitFlag.objects.values("kind")
        .annotate(
            raised=Count("id"),
            confirmed=Count("id", filter=Q(status=VisitFlag.Status.CONFIRMED)),
            dismissed=Count("id", filter=Q(status=VisitFlag.Status.DISMISSED)),
        )
        .order_by("kind")
    )
    labels = dict(VisitFlag.Kind.choices)
    context = {
        "status": status,
        "statuses": VisitFlag.Status.choices,
        "page": _page(request, rows),
        "querystring": _querystring(request),
        "counts": {key: counts.get(key, 0) for key in VisitFlag.Status.values},
        "false_rate": round(100 * counts.get("dismissed", 0) / reviewed) if reviewed else None,
        "by_kind": [{**row, "label": labels.get(row["kind"], row["kind"])} for row in by_kind],
    }
    return render(request, "visits/flags.html", context)


@office_required
@require_POST
def flag_review(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_flag_for_office(request.user, pk)
    form = ReviewForm(request.POST)
    back = request.POST.get("next") or reverse("visits:flags")
    if not back.startswith("/staff/visits/"):
        back = reverse("visits:flags")
    if not form.is_valid():
        messages.error(request, "请填写复核意见（确认或排除都需要写明理由）")
        return redirect(back)
    decide = (
        actions.confirm_flag if form.cleaned_data["decision"] == "confirm" else actions.dismiss_flag
    )
    try:
        decide(flag, actor=request.user, reason=form.cleaned_data["reason"])
    except (Conflict, ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        flag.refresh_from_db()
        done = flag.get_status_display()
        messages.success(request, f"疑点{done}：{flag.get_kind_display()}")
    return redirect(back)


# --- annual plans ---------------------------------------------------------------------------


def plan_rows(cadres: list[Any], year: int) -> list[dict[str, Any]]:
    """Plan against done for each cadre: days with a visit (as the logger or a companion) in
    the year, and the problems their visits found that are still open."""
    from problems.models import Problem

    start, end = _year_bounds(year)
    ids = [c.pk for c in cadres]
    in_year = Visit.objects.filter(started_at__gte=start, started_at__lt=end)
    days: dict[int, set[dt.date]] = defaultdict(set)
    visits_of: dict[int, set[int]] = defaultdict(set)
    for cadre_id, pk, started in in_year.filter(cadre_id__in=ids).values_list(
        "cadre_id", "pk", "started_at"
    ):
        days[cadre_id].add(local_date(started))
        visits_of[cadre_id].add(pk)
    for user_id, pk, started in in_year.filter(companions__in=ids).values_list(
        "companions", "pk", "started_at"
    ):
        days[user_id].add(local_date(started))
        visits_of[user_id].add(pk)
    plans = {p.cadre_id: p for p in VisitPlan.objects.filter(cadre_id__in=ids, year=year)}
    all_visits = {pk for pks in visits_of.values() for pk in pks}
    open_by_visit: dict[int, list[Any]] = defaultdict(list)
    problems = (
        Problem.objects.filter(
            source_type="visits.visit", source_id__in=[str(pk) for pk in all_visits]
        )
        .exclude(status=Problem.Status.CLOSED)
        .select_related("unit")
        .order_by("first_due_at")
    )
    for problem in problems:
        open_by_visit[int(problem.source_id)].append(problem)
    rows = []
    for cadre in cadres:
        plan = plans.get(cadre.pk)
        done = len(days.get(cadre.pk, ()))
        open_problems = [p for pk in sorted(visits_of.get(cadre.pk, ())) for p in open_by_visit[pk]]
        rows.append(
            {
                "cadre": cadre,
                "plan": plan,
                "done": done,
                "percent": round(100 * done / plan.planned_days) if plan else None,
                "open_problems": open_problems,
            }
        )
    return rows


@staff_required
def my_plan(request: HttpRequest) -> HttpResponse:
    """A cadre's (a head's) page: the year's plan against the days visited, and the problems
    their visits found that are still open."""
    year = _year(request)
    row = plan_rows([request.user], year)[0]
    start, end = _year_bounds(year)
    recent = _listed(
        Visit.objects.filter(Q(cadre=request.user) | Q(companions=request.user))
        .filter(started_at__gte=start, started_at__lt=end)
        .distinct()
        .order_by("-started_at", "-id")
    )[:10]
    return render(
        request,
        "visits/my_plan.html",
        {"row": row, "year": year, "years": [year - 1, year, year + 1], "recent": recent},
    )


@office_required
def plans(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = PlanForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_visit_plan(
                actor=request.user,
                cadre=data["cadre"],
                year=data["year"],
                planned_days=data["planned_days"],
                note=data.get("note") or "",
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "年度走访计划已保存")
            return redirect(f"{reverse('visits:plans')}?year={data['year']}")
    cadres = list(leading_cadres())
    rows = plan_rows(cadres, year)
    context = {
        "form": form,
        "year": year,
        "years": [year - 1, year, year + 1],
        "page": _page(request, rows),
        "querystring": _querystring(request),
    }
    return render(request, "visits/plans.html", context, status=400 if form.errors else 200)
