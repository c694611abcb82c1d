"""A scored month for the page tests: November 2026 in the conftest district, with many
plain cases (the hand-counted story is in `scorecard.tests.fixtures`): the market department
leaves some accepted cases to run past their deadline, the hr department decides all in time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import PASSWORD, District
from org import actions as org
from org.roles import Role
from scorecard import actions
from scorecard.models import Scorecard
from scorecard.tests.fixtures import CLOSED, NOVEMBER, NOW, accepted, at, decide

__all__ = ["CLOSED", "NOVEMBER", "NOW", "Month", "cases_of_november", "computed", "second_office"]


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


def second_office(d: District) -> User:
    """Another supervision-office user (oscar): publishes what olivia computed, since nobody
    publishes their own numbers."""
    existing = User.objects.filter(username="oscar").first()
    if existing is not None:
        return existing
    return org.add_person(
        actor=None,
        username="oscar",
        full_name="奥斯卡",
        roles=[Role.SUPERVISOR],
        unit=d.office,
        password=PASSWORD,
    )


def computed(d: District, *, publish: bool = False) -> Scorecard:
    """November computed by olivia: on the 20th as a draft of the running month, or, to be
    published, on 3 December (once ended) and published by oscar."""
    if not publish:
        return actions.compute_month(actor=d.olivia, month=NOVEMBER, now=NOW)
    scorecard = actions.compute_month(actor=d.olivia, month=NOVEMBER, now=CLOSED)
    return actions.publish_scorecard(actor=second_office(d), scorecard=scorecard, now=CLOSED)
