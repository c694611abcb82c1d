"""The demo's scorecards: twelve computed months for the demo district, all published except
the last (a draft awaiting the office's review), so the planted patterns show in the
rankings (the slow unit HOU near the bottom of the departments, and so on).

The history was bulk-loaded without signals, so the rollups are rebuilt from raw rows first;
then each month is computed from the rollups and published in order, through the actions
(audited, and flagging interviews as a real office's publishing would). As in a real
office, nobody publishes their own numbers: a supervisor of the office computes, the head
of the office publishes; the `office` account does neither, so it can publish the next
month once that has ended. A month not yet publishable (still running, or within
SCORECARD_PUBLISH_AFTER_DAYS of its end) stays a draft.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from org.models import Unit
from org.roles import Role
from scorecard import actions, rollups
from zuofeng.periods import last_months

MONTHS = 12
OFFICE_ACCOUNT = "office"  # demo.builder's fixed username for the office's demo login


def _computer_and_publisher() -> tuple[User, User]:
    """Two different supervision-office users, neither of them the `office` login."""
    office = Unit.objects.get(kind=Unit.Kind.SUPERVISION)
    publisher = office.head
    computer = (
        User.objects.filter(groups__name=Role.SUPERVISOR)
        .exclude(username=OFFICE_ACCOUNT)
        .exclude(pk=getattr(publisher, "pk", None))
        .order_by("username")
        .first()
    )
    if publisher is None or computer is None:
        raise RuntimeError("演示数据缺少督查室负责人或另一名督查人员，无法发布考核")
    return computer, publisher


def build_scorecards(anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    rollups.rebuild(now=now)
    computer, publisher = _computer_and_publisher()
    months = sorted(last_months(anchor, MONTHS))
    published = 0
    for month in months:
        scorecard = actions.compute_month(actor=computer, month=month, now=now, refresh=False)
        if month != months[-1] and actions.publishable_from(month) <= timezone.localdate(now):
            actions.publish_scorecard(actor=publisher, scorecard=scorecard, now=now)
            published += 1
    return {"scorecards": len(months), "scorecards_published": published}
