"""督办 notices as measures (registered from `ready()`): per unit, attributed to the local day
the notice's deadline fell on, so lateness counts in the month the deadline passed."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from followup.models import FollowUp


def overdue_q(now: dt.datetime) -> Q:
    """A notice not answered by its deadline: answered (and accepted) late, answered late and
    waiting for review, or still unanswered with the deadline passed."""
    closed_late = Q(clock_stopped_at__isnull=False, clock_stopped_at__gt=F("due_at"))
    answered_late = Q(
        clock_stopped_at__isnull=True,
        clock_paused_at__isnull=False,
        clock_paused_at__gt=F("due_at"),
    )
    unanswered = Q(clock_stopped_at__isnull=True, clock_paused_at__isnull=True, due_at__lt=now)
    return closed_late | answered_late | unanswered


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    notices = Source(
        "followup.followup",
        "unit",
        "due_at",
        "督办通知",
        base=Q(kind=FollowUp.Kind.NOTICE),
        # A notice not yet closed becomes overdue when its deadline passes
        # (`followup_open_due_idx`).
        deadlines=(("due_at", Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True)),),
    )
    for measure in (
        Measure(
            "followup_notice_due",
            "督办通知数（按办复期限计）",
            notices,
            definition="督查室发给本单位的督办通知，按通知办复期限届满之日所在月份计",
        ),
        Measure(
            "followup_notice_overdue",
            "超期督办通知数",
            notices,
            overdue_q,
            time_dependent=True,
            definition="督查室发给本单位的督办通知中，未在通知规定的办复期限（工作日）内办复的件数："
            "期限已过仍未办复，或办复时已超过期限（被退回重办的，以督查室最终认可的那次办复为准，"
            "督查室审核期间不计入期限）；按期限届满之日所在月份计",
        ),
    ):
        register_measure(measure)
