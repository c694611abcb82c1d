"""Demo helpers for problems found by investigation: play a problem through its life to a
chosen fate, with every step through `problems.actions` at a time in the past (so the audit
chain explains the data). Used by the forums demo (demo/forums.py) and open to the visits
and surveys demos: open the problem with `open_problem(..., at=...)`, then `settle(...)`.

Fates (times counted in working days from the opening, never later than `now`):
- "solved": reported after a few days, the raiser satisfied at the callback;
- "solved_late": reported after the deadline, the raiser basically satisfied;
- "returned": reported, the raiser dissatisfied: back with the unit on a new clock;
- "awaiting": reported, waiting for the office's callback;
- "verified": (a problem without a raiser) reported, verified solved by the office;
- "overdue" / "open": nothing yet (overdue once its deadline has passed).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from complaints.intake.actions import RECEIPT_ALPHABET, receipt_hash
from problems import actions
from problems.models import Problem
from zuofeng.workdays.calendar import LOCAL_TZ, add_workdays_to_date, local_date

FATES = ("solved", "solved_late", "returned", "awaiting", "verified", "overdue", "open")

REPORTS = {
    "solved": "已现场核查并整改到位：{fix}。已向反映人当面说明。",
    "solved_late": "经多次协调，{fix}。因涉及多个部门，办理时间有所延长。",
    "returned": "已安排专人了解情况，{fix}。",
    "awaiting": "已{fix}，请督查室回访。",
    "verified": "{fix}，现场已拍照存档。",
}
CALLBACK_NOTES = {
    "solved": "反映人表示问题已解决，对办理结果满意。",
    "solved_late": "反映人表示问题基本解决，希望以后办得更快一些。",
    "returned": "反映人表示问题仍未解决：只是口头答复，实际情况没有变化。",
}


def at_workday(start: dt.datetime, workdays: int, hour: int = 10) -> dt.datetime:
    day = add_workdays_to_date(local_date(start), workdays)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)


def demo_receipt(rng: random.Random) -> str:
    """A receipt code drawn from the demo's own random stream (the build is reproducible)."""
    raw = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def set_receipt(problem: Problem, code: str) -> None:
    """Give a demo problem a known receipt code (only the hash is stored, as always)."""
    Problem.objects.filter(pk=problem.pk).update(receipt_hash=receipt_hash(code))


def settle(
    problem: Problem,
    fate: str,
    *,
    office: Any,
    staff: Any,
    fix: str,
    now: dt.datetime,
) -> Problem:
    """Play `problem` (just opened) to `fate`; `staff` belongs to its unit, `office` is a
    supervisor of another unit. Steps whose time would fall after `now` are not taken."""
    if fate not in FATES:
        raise ValueError(f"unknown fate {fate!r}")
    if fate in ("overdue", "open"):
        return problem
    opened = problem.opened_at
    limit = problem.limit_workdays or 1
    reported = (
        at_workday(problem.first_due_at, 2, 15)
        if fate == "solved_late"
        else at_workday(opened, max(1, min(limit - 1, 4 if fate != "returned" else 3)), 15)
    )
    if reported >= now:
        return problem
    problem = actions.report_problem(
        problem, actor=staff, report=REPORTS[fate].format(fix=fix), at=reported
    )
    judged = at_workday(reported, 1, 11)
    if fate == "awaiting" or judged >= now:
        return problem
    if fate == "verified":
        return actions.verify_problem(
            problem,
            actor=office,
            result=Problem.Result.VERIFIED,
            note="反映人未留联系方式，督查室现场查看，已整改到位。",
            at=judged,
        )
    result = {
        "solved": Problem.Result.SATISFIED,
        "solved_late": Problem.Result.BASIC,
        "returned": Problem.Result.DISSATISFIED,
    }[fate]
    return actions.record_callback(
        problem, actor=office, result=result, note=CALLBACK_NOTES[fate], at=judged
    )
