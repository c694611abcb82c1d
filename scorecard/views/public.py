"""The public rankings (考核排名): the latest published month that has ended, or any such
month picked from the list; departments and townships ranked separately; the standard's
indicators in plain Chinese. Drafts are never shown: only published scorecards are read
here, and never a month still running."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from scorecard.tables import definitions, month_label, published_scorecards, scorecard_groups
from zuofeng.periods import month_start, parse_month


@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    # Never a month still running, even one published before publishing checked the date.
    current = month_start(timezone.localdate())
    published = published_scorecards().filter(month__lt=current).select_related("standard")
    month = parse_month(request.GET.get("month"))
    scorecard = (published.filter(month=month) if month else published).first()
    if month is not None and scorecard is None:
        raise Http404
    context = {
        "scorecard": scorecard,
        "months": [(m, month_label(m)) for m in published.values_list("month", flat=True)],
    }
    if scorecard is not None:
        context.update(
            month_label=month_label(scorecard.month),
            groups=scorecard_groups(scorecard),
            definitions=definitions(scorecard),
        )
    return render(request, "scorecard/rankings.html", context)
