"""Monthly 好差评 results per unit, computed from the raw rows (the published page, the
benchmark's integrity check and, later, the scorecard all read these)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from evaluations.models import BAD_LEVELS, Evaluation, Level, Rectification
from org.models import Unit
from zuofeng.periods import month_range

# The conditions behind the numbers below, shared with the scorecard's measures
# (zuofeng/measures.py) so that a published rate and a scored rate count the same rows.
RATING_SATISFIED = Q(level__in=(Level.VERY_SATISFIED, Level.SATISFIED))
RATING_BAD = Q(level__in=BAD_LEVELS)
# A work order counts in statistics unless its rating was excluded by an upheld appeal.
COUNTED_RECTIFICATIONS = Q(evaluation__excluded=False)
RECTIFIED_ON_TIME = Q(closed_at__isnull=False, closed_at__lte=F("due_at"))


def rectification_settled(now: dt.datetime) -> Q:
    """Work orders whose outcome is known: closed, or already past their deadline."""
    return Q(closed_at__isnull=False) | Q(due_at__lt=now)


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    ratings: int
    very_satisfied: int
    satisfied: int
    basic: int
    bad: int
    rectifications: int
    rectified_on_time: int
    enough_sample: bool

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(非常满意 + 满意) / all ratings."""
        return _rate(self.very_satisfied + self.satisfied, self.ratings)

    @property
    def satisfaction_rate_with_basic(self) -> Decimal | None:
        """(非常满意 + 满意 + 基本满意) / all ratings."""
        return _rate(self.very_satisfied + self.satisfied + self.basic, self.ratings)

    @property
    def rectified_on_time_rate(self) -> Decimal | None:
        return _rate(self.rectified_on_time, self.rectifications)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar month (`cases.measures.month_range` by year and month)."""
    return month_range(dt.date(year, month, 1))


def monthly_results(
    year: int, month: int, *, include_defaults: bool = True, now: dt.datetime | None = None
) -> list[UnitResult]:
    """Per unit: ratings in the month (upheld appeals excluded) and the on-time share of the
    rectifications opened in the month whose outcome is settled: closed, or already past their
    deadline (an open order still within its time is not counted either way yet)."""
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    ratings = Evaluation.objects.counted().filter(created_at__gte=start, created_at__lt=end)
    if not include_defaults:
        ratings = ratings.filter(is_default=False)
    rows = {
        row["unit"]: row
        for row in ratings.values("unit").annotate(
            n=Count("id"),
            v5=Count("id", filter=Q(level=Level.VERY_SATISFIED)),
            v4=Count("id", filter=Q(level=Level.SATISFIED)),
            v3=Count("id", filter=Q(level=Level.BASIC)),
            bad=Count("id", filter=RATING_BAD),
        )
    }
    orders = {
        row["unit"]: row
        for row in Rectification.objects.filter(
            COUNTED_RECTIFICATIONS, opened_at__gte=start, opened_at__lt=end
        )
        .values("unit")
        .annotate(
            n=Count("id", filter=rectification_settled(now)),
            on_time=Count("id", filter=RECTIFIED_ON_TIME),
        )
    }
    minimum = int(settings.ZUOFENG["RATING_MIN_SAMPLE"])
    units = Unit.objects.filter(pk__in=set(rows) | set(orders)).order_by("sort_order", "code")
    results = []
    for unit in units:
        row = rows.get(unit.pk, {})
        order = orders.get(unit.pk, {})
        results.append(
            UnitResult(
                unit=unit,
                ratings=row.get("n", 0),
                very_satisfied=row.get("v5", 0),
                satisfied=row.get("v4", 0),
                basic=row.get("v3", 0),
                bad=row.get("bad", 0),
                rectifications=order.get("n", 0),
                rectified_on_time=order.get("on_time", 0),
                enough_sample=row.get("n", 0) >= minimum,
            )
        )
    return results


# Runs of digits that may be broken up by spaces, dashes or dots ("138-0013-8000",
# "110101 19900101 002X"): any such run of 6+ digits is treated as personal data.
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.·]*[\dXx]){5,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub_comment(text: str, applicant_name: str = "") -> str:
    """Remove personal data from a comment before it is published."""
    text = _EMAIL.sub("[已隐去]", text)
    text = _DIGIT_RUN.sub("[已隐去]", text)
    name = "".join(applicant_name.split())
    if len(name) >= 2:
        # The rater's own name, also when written with spaces between its characters.
        spaced = r"\s*".join(re.escape(ch) for ch in name)
        text = re.sub(spaced, "[已隐去]", text)
    return text
