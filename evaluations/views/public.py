"""Rating pages (好差评) of every channel, and the published monthly results.

Four channels show the same `RatingForm` and store through `evaluations.actions.rate_case`:
the applicant's own case page, the signed SMS link (no login), the hall rating device (评价器)
a window opens for the case in front of it, and staff entering a rating given by phone. A case
that cannot be rated (not decided, already rated) gets a message page with 409; input the
action refuses comes back as form errors with 400; a forged or expired link is a 400 page.

The published results page is public: it shows units' numbers and comments their raters
allowed to publish, with personal data scrubbed, and never loads an applicant's phone or ID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases.models import Case
from evaluations.actions import RATABLE_STATUSES, answer_rectification, rate_case
from evaluations.links import BadLink, case_pk_from_token
from evaluations.models import Evaluation, Rectification
from evaluations.public_forms import RaterAnswerForm, RatingForm
from evaluations.stats import UnitResult, month_bounds, monthly_results, scrub_comment
from org.scoping import unit_of
from zuofeng.access import office_required, staff_required
from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict
from zuofeng.workdays.calendar import local_date

NOT_DECIDED = "该办件尚未办结，办结后才能评价。"
ALREADY_RATED = "该办件已经评价过了，每件事只能评价一次。感谢您的参与！"
# Published results start here; earlier months have no data and are not worth a page each.
FIRST_YEAR = 2000
PUBLISHED_COMMENTS = 50

# --- rating -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Back:
    """Where the page sends the rater afterwards (a staff page, their own case, or nowhere)."""

    url: str
    label: str


def rating_blocker(case: Case) -> str | None:
    """Why the case cannot be rated now, or None. `rate_case` decides again under a lock;
    this only spares the rater a form they could not submit."""
    if case.status not in RATABLE_STATUSES:
        return NOT_DECIDED
    if Evaluation.objects.filter(case=case).exists():
        return ALREADY_RATED
    return None


def _refused(
    request: HttpRequest,
    message: str,
    *,
    status: int,
    back: Back | None = None,
    title: str = "",
) -> HttpResponse:
    if not title:
        title = "已经评价过了" if "已经评价过了" in message else "暂不能评价"
    return render(
        request,
        "evaluations/public/refused.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )


def _rating_page(
    request: HttpRequest,
    case: Case,
    *,
    source: str,
    actor: Any,
    template: str,
    context: dict[str, Any],
    done: Callable[[Evaluation], HttpResponse],
    back: Back | None = None,
) -> HttpResponse:
    """The flow every channel shares: refuse a case that cannot be rated, show the form,
    store through `rate_case`, and map its refusals to 409 (state) or 400 (input)."""
    blocker = rating_blocker(case)
    if blocker is not None:
        return _refused(request, blocker, status=409, back=back)
    posted = request.method == "POST"
    form = RatingForm(request.POST if posted else None, case=case)
    if posted and form.is_valid():
        try:
            evaluation = rate_case(actor=actor, case=case, source=source, **form.rating_kwargs())
        except Conflict as exc:
            # Rated by another channel between the page load and the lock in rate_case.
            return _refused(request, str(exc), status=409, back=back)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return done(evaluation)
    return render(
        request,
        template,
        {**context, "case": case, "form": form, "back": back},
        status=400 if posted else 200,
    )


def _thanks(request: HttpRequest, back: Back | None = None, *, large: bool = False) -> HttpResponse:
    return render(request, "evaluations/public/thanks.html", {"back": back, "large": large})


@login_required
@require_http_methods(["GET", "POST"])
def rate_own(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant rates their own decided case from their case page."""
    case = get_object_or_404(
        Case.objects.owned_by(request.user).select_related("matter", "unit"), number=number
    )
    back = Back(reverse("cases:my_case", args=[case.number]), "返回办件")

    def done(evaluation: Evaluation) -> HttpResponse:
        messages.success(request, "感谢您的评价！")
        return redirect(back.url)

    return _rating_page(
        request,
        case,
        source=Evaluation.Source.APPLICANT_PAGE,
        actor=request.user,
        template="evaluations/public/rate.html",
        context={
            "heading": "办事评价",
            "facts": [
                ("办件编号", case.number),
                ("事项", case.matter.name),
                ("承办单位", case.unit.name),
                ("办结时间", _date(case.decided_at)),
            ],
            "action": reverse("evaluations:rate_own", args=[case.number]),
        },
        done=done,
        back=back,
    )


@require_http_methods(["GET", "POST"])
def sms_rate(request: HttpRequest, token: str) -> HttpResponse:
    """The link an SMS carries: no login; the signed token names the case. The page shows
    the matter, the unit and the decision date, nothing about the person."""
    try:
        case_pk = case_pk_from_token(token)
    except BadLink as exc:
        return _refused(request, str(exc), status=400, title="评价链接不可用")
    case = Case.objects.select_related("matter", "unit").filter(pk=case_pk).first()
    if case is None:
        return _refused(
            request, "评价链接无效，请核对短信中的链接", status=400, title="评价链接不可用"
        )
    order = Rectification.objects.filter(evaluation__case=case).first()
    if order is not None:
        return _rectification_result(request, case, order)
    return _rating_page(
        request,
        case,
        source=Evaluation.Source.SMS_LINK,
        # The link holder is not a user: a logged-in visitor (a staff member testing the link)
        # must not become the rater on record.
        actor=None,
        template="evaluations/public/rate.html",
        context={
            "heading": "办事评价",
            "facts": [
                ("事项", case.matter.name),
                ("承办单位", case.unit.name),
                ("办结日期", _date(case.decided_at, time=False)),
            ],
            "action": request.path,
        },
        done=lambda evaluation: _thanks(request),
    )


def _rectification_result(request: HttpRequest, case: Case, order: Rectification) -> HttpResponse:
    """What the link shows once its bad rating opened a work order: the order's progress, the
    unit's rectification or explanation once given, and the rater's own answer to it."""
    waiting = order.status == Rectification.Status.CALLBACK
    posted = request.method == "POST"
    form = RaterAnswerForm(request.POST if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            answer_rectification(rectification=order, answer=data["answer"], note=data["note"])
        except Conflict:
            # Answered already (by the office's call or an earlier visit), or not yet rectified.
            messages.error(request, "该整改单当前不需要您确认，页面已更新为最新状态。")
            return redirect(request.path)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "感谢您的反馈，已转交承办单位一把手审核办结。")
            return redirect(request.path)
    return render(
        request,
        "evaluations/public/rectification.html",
        {
            "case": case,
            "order": order,
            "form": form if waiting else None,
            "facts": [
                ("事项", case.matter.name),
                ("承办单位", case.unit.name),
                ("办结日期", _date(case.decided_at, time=False)),
            ],
        },
        status=400 if posted and form.errors else 200,
    )


def get_case_for_member(user: Any, pk: int) -> Case:
    """A case of the user's own unit, or 404. The office may read every case, but only the
    unit that served the applicant offers them a rating."""
    case = get_object_or_404(Case.objects.visible_to(user).select_related("matter", "unit"), pk=pk)
    unit = unit_of(user)
    if unit is None or unit.pk != case.unit_id:
        raise Http404
    return case


@staff_required
@require_http_methods(["GET", "POST"])
def hall_device(request: HttpRequest, case_pk: int) -> HttpResponse:
    """评价器: the window turns the screen (or a tablet) to the applicant in front of it."""
    case = get_case_for_member(request.user, case_pk)
    back = Back(reverse("cases:staff_detail", args=[case.pk]), "返回办件")
    return _rating_page(
        request,
        case,
        source=Evaluation.Source.HALL_DEVICE,
        actor=request.user,
        template="evaluations/public/hall_device.html",
        context={"action": reverse("evaluations:hall_device", args=[case.pk])},
        done=lambda evaluation: _thanks(request, back, large=True),
        back=back,
    )


@office_required
@require_http_methods(["GET", "POST"])
def phone_rate(request: HttpRequest, case_pk: int) -> HttpResponse:
    """电话回访: the supervision office records the rating an applicant gave on the phone
    (rated_by=the office user). The rated unit never enters a rating of its own case; the
    page is the office's (404 for anyone else), and `rate_case` refuses the unit as well."""
    case = get_object_or_404(Case.objects.select_related("matter", "unit"), pk=case_pk)
    unit = unit_of(request.user)
    if unit is not None and unit.pk == case.unit_id:
        raise Http404
    back = Back(reverse("cases:staff_detail", args=[case.pk]), "返回办件")

    def done(evaluation: Evaluation) -> HttpResponse:
        messages.success(request, f"已录入电话回访评价：{evaluation.get_level_display()}")
        return redirect(back.url)

    return _rating_page(
        request,
        case,
        source=Evaluation.Source.PHONE,
        actor=request.user,
        template="evaluations/public/rate.html",
        context={
            "heading": "录入电话回访评价",
            "intro": "请如实录入申请人在电话中给出的评价，录入人将记入评价记录。",
            "facts": [
                ("办件编号", case.number),
                ("事项", case.matter.name),
                ("申请人", case.applicant_name),
                ("联系电话", case.applicant_phone),
                ("办结时间", _date(case.decided_at)),
            ],
            "action": reverse("evaluations:phone_rate", args=[case.pk]),
        },
        done=done,
        back=back,
    )


def _date(moment: dt.datetime | None, *, time: bool = True) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    day = f"{local.year}年{local.month}月{local.day}日"
    return f"{day} {local:%H:%M}" if time else day


# --- published results --------------------------------------------------------------------


def this_month() -> tuple[int, int]:
    today = local_date(timezone.now())
    return today.year, today.month


def last_complete_month() -> tuple[int, int]:
    first = local_date(timezone.now()).replace(day=1)
    previous = first - dt.timedelta(days=1)
    return previous.year, previous.month


def check_published_month(year: int, month: int) -> None:
    """404 for a month that is not a month, before FIRST_YEAR, or still to come."""
    if not 1 <= month <= 12 or year < FIRST_YEAR or (year, month) > this_month():
        raise Http404("没有该月份的评价结果")


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


@dataclass(frozen=True)
class ResultRow:
    unit_name: str
    ratings: int
    satisfaction: str
    satisfaction_with_basic: str
    bad: int
    rectified_on_time: str
    enough_sample: bool

    @classmethod
    def of(cls, result: UnitResult) -> ResultRow:
        if result.enough_sample:
            rate = percent(result.satisfaction_rate)
            rate_with_basic = percent(result.satisfaction_rate_with_basic)
        else:
            rate = rate_with_basic = "样本不足"
        if result.rectifications:
            on_time = (
                f"{result.rectified_on_time}/{result.rectifications}"
                f"（{percent(result.rectified_on_time_rate)}）"
            )
        else:
            on_time = "—"
        return cls(
            unit_name=result.unit.name,
            ratings=result.ratings,
            satisfaction=rate,
            satisfaction_with_basic=rate_with_basic,
            bad=result.bad,
            rectified_on_time=on_time,
            enough_sample=result.enough_sample,
        )


@dataclass(frozen=True)
class PublishedComment:
    unit_name: str
    matter_name: str
    level: str
    date: str
    text: str


def published_comments(
    year: int, month: int, *, include_defaults: bool = True
) -> list[PublishedComment]:
    """Comments the raters allowed to publish, with personal data scrubbed. Only the
    applicant's name is loaded (to scrub it): never their phone or ID number."""
    start, end = month_bounds(year, month)
    ratings = (
        Evaluation.objects.counted()
        .filter(created_at__gte=start, created_at__lt=end, allow_publication=True)
        .exclude(comment="")
    )
    if not include_defaults:
        ratings = ratings.filter(is_default=False)
    ratings = (
        ratings.select_related("unit", "case__matter")
        .only(
            "comment",
            "level",
            "created_at",
            "unit__name",
            "case__applicant_name",
            "case__matter__name",
        )
        .order_by("-created_at", "-id")[:PUBLISHED_COMMENTS]
    )
    return [
        PublishedComment(
            unit_name=rating.unit.name,
            matter_name=rating.case.matter.name,
            level=rating.get_level_display(),
            date=_month_day(rating.created_at),
            text=scrub_comment(rating.comment, rating.case.applicant_name),
        )
        for rating in ratings
    ]


def _month_day(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日"


def _results_url(year: int, month: int, include_defaults: bool) -> str:
    url = reverse("evaluations:results_month", args=[year, month])
    return url if include_defaults else f"{url}?{urlencode({'defaults': '0'})}"


@require_safe
def results(
    request: HttpRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    """好差评结果公开: one month, per unit. Defaults to the last complete month."""
    if year is None or month is None:
        year, month = last_complete_month()
    check_published_month(year, month)
    include_defaults = request.GET.get("defaults") != "0"
    rows = [
        ResultRow.of(result)
        for result in monthly_results(year, month, include_defaults=include_defaults)
    ]
    previous = _shift(year, month, -1)
    following = _shift(year, month, 1)
    context = {
        "year": year,
        "month": month,
        "rows": rows,
        "comments": published_comments(year, month, include_defaults=include_defaults),
        "include_defaults": include_defaults,
        "toggle_url": _results_url(year, month, not include_defaults),
        "previous_url": (
            _results_url(*previous, include_defaults) if previous[0] >= FIRST_YEAR else None
        ),
        "next_url": (
            _results_url(*following, include_defaults) if following <= this_month() else None
        ),
        "is_current_month": (year, month) == this_month(),
        "min_sample": int(settings.ZUOFENG["RATING_MIN_SAMPLE"]),
        "comment_limit": PUBLISHED_COMMENTS,
    }
    return render(request, "evaluations/public/results.html", context)
