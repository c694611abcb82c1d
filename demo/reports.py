"""Demo step for 调研报告: the office's report on the demo district for the twelve months
before the anchor, generated from a snapshot at `now` (after the scorecards, so the rollups
are current). The planted patterns (the slow unit, the buck-passing chain, the 明进暗不进
window, the formalist progress reports) come out as its top problems."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from org.roles import Role
from reports.actions import generate_report
from reports.models import Report
from zuofeng.periods import last_months

TITLE = "关于全区干部作风建设情况的调研报告"


def build_report(anchor: dt.date, *, now: dt.datetime) -> Report:
    """The last twelve whole months before the anchor's month, written by the office."""
    # The anchor's own month is not over yet: the twelve months before it.
    end = anchor.replace(day=1) - dt.timedelta(days=1)
    start = min(last_months(end, 12))
    author = User.objects.filter(groups__name=Role.SUPERVISOR).order_by("username").first()
    return generate_report(actor=author, title=TITLE, start=start, end=end, now=now)
