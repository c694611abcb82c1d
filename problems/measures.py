"""Problems found by investigation as measures (registered from `ready()`): outcomes only —
problems solved, solved by their deadline, still unsolved past it, and the raisers'
satisfaction at the callback. Never a count of visits, forums or problems raised (design §7:
outcomes, not traces; finding more problems must never look worse or better by itself).

Problems are attributed to the owner unit and the local day of their first deadline, so
lateness counts in the month the deadline passed; callbacks to the owner unit and the day
of the callback.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from problems.models import Problem


def solved_q(now: dt.datetime) -> Q:
    return Q(status=Problem.Status.CLOSED)


def solved_on_time_q(now: dt.datetime) -> Q:
    return Q(status=Problem.Status.CLOSED, solved_at__lte=F("first_due_at"))


def overdue_q(now: dt.datetime) -> Q:
    """Past the first deadline and not solved, unless the unit reported in time and the
    problem only waits for the office's callback (that wait is not the unit's)."""
    reported_in_time = Q(status=Problem.Status.REPORTED, reported_at__lte=F("first_due_at"))
    return ~Q(status=Problem.Status.CLOSED) & Q(first_due_at__lt=now) & ~reported_in_time


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    problems = Source(
        "problems.problem",
        "unit",
        "first_due_at",
        "调研发现问题",
        # An unsolved problem becomes overdue when its first deadline passes
        # (`problem_open_due_idx`).
        deadlines=(("first_due_at", ~Q(status=Problem.Status.CLOSED)),),
    )
    callbacks = Source("problems.problemcallback", "unit", "at", "调研问题回访")
    for measure in (
        Measure(
            "problems.due",
            "调研发现问题数（按办理期限计）",
            problems,
            definition="走访、座谈会、问卷调查中发现并交本单位办理的问题，按首次办理期限届满之日所在月份计",
        ),
        Measure(
            "problems.solved",
            "调研发现问题解决数",
            problems,
            solved_q,
            definition="经督查室回访反映人满意或基本满意（无可回访的反映人时经督查室核实）后办结的问题，"
            "按首次办理期限届满之日所在月份计",
        ),
        Measure(
            "problems.solved_on_time",
            "调研发现问题按期解决数",
            problems,
            solved_on_time_q,
            definition="已解决的问题中，责任单位在首次办理期限内报告办理结果、且该结果经回访或核实认可的"
            "（回访不满意退回后重新办理的，以最终认可的那次报告时间为准）",
        ),
        Measure(
            "problems.overdue",
            "调研发现问题超期未解决数",
            problems,
            overdue_q,
            time_dependent=True,
            definition="首次办理期限已过仍未解决的问题（责任单位已在期限内报告、等待督查室回访的不计）",
        ),
        Measure(
            "problems.callbacks",
            "调研问题回访数",
            callbacks,
            lambda now: Q(result__in=Problem.CALLBACK_RESULTS),
            definition="督查室就本单位办理的调研发现问题回访反映人并取得评价的次数（督查室自行核实的不计）",
        ),
        Measure(
            "problems.callback_satisfied",
            "调研问题回访满意数",
            callbacks,
            lambda now: Q(result__in=[Problem.Result.SATISFIED, Problem.Result.BASIC]),
            definition="回访中反映人评价为满意或基本满意的次数；与回访数之比为回访满意率",
        ),
    ):
        register_measure(measure)
