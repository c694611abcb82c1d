"""A scored month for the page tests: November 2026 in the conftest district, with many
plain cases (the hand-counted story is in `scorecard.tests.fixtures`): the market department
leaves some accepted cases to run past their deadline, the hr department decides all in time.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from scorecard import actions
from scorecard.models import Scorecard
from scorecard.tests.fixtures import NOVEMBER, NOW, accepted, at, decide

__all__ = ["NOVEMBER", "NOW", "Month", "cases_of_november", "computed"]


@dataclass
class Month:
    overdue: list[Case]
    on_time: list[Case]


def cases_of_november(d: District, *, overdue: int = 3, on_time: int = 6) -> Month:
    """market: `on_time` cases decided in time and `overdue` accepted cases never decided;
    hr: `on_time` cases decided in time."""
    month = Month([], [])
    for unit, staff in ((d.market, d.alice), (d.hr, d.bob)):
        matter = make_matter(unit, promised_limit_days=5)
        for _ in range(on_time):
            month.on_time.append(decide(d, accepted(d, matter, staff), at(4), staff))
        if unit == d.market:
            month.overdue += [accepted(d, matter, staff) for _ in range(overdue)]
    return month


def computed(d: District, *, publish: bool = False) -> Scorecard:
    scorecard = actions.compute_month(actor=d.olivia, month=NOVEMBER, now=NOW)
    if publish:
        scorecard = actions.publish_scorecard(actor=d.olivia, scorecard=scorecard, now=NOW)
    return scorecard
