"""The 好差评 measures the scorecard and the report may use, on the same conditions as the
published monthly results (`evaluations.stats`). Registered from `ready()`."""

from __future__ import annotations

from django.db.models import Q

from evaluations import stats


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    ratings = Source(
        "evaluations.evaluation", "unit", "created_at", "好差评", base=Q(excluded=False)
    )
    rectifications = Source(
        "evaluations.rectification",
        "unit",
        "opened_at",
        "差评整改",
        base=stats.COUNTED_RECTIFICATIONS,
        deadlines=(("due_at", Q(closed_at__isnull=True)),),  # a closed one is settled for good
    )
    for measure in (
        Measure(
            "rating_count",
            "评价数",
            ratings,
            definition="办事人对本单位办件的评价（申诉成立被剔除的不计）",
        ),
        Measure(
            "rating_satisfied",
            "满意评价数（非常满意、满意）",
            ratings,
            lambda now: stats.RATING_SATISFIED,
            definition="评价为“非常满意”或“满意”的",
        ),
        Measure(
            "rating_bad",
            "差评数",
            ratings,
            lambda now: stats.RATING_BAD,
            definition="评价为“不满意”或“非常不满意”的",
        ),
        Measure(
            "rectification_settled",
            "已有结果的差评整改单数（已办结或已过期限）",
            rectifications,
            stats.rectification_settled,
            time_dependent=True,
            definition="差评整改单中已办结或已过整改期限的",
        ),
        Measure(
            "rectification_on_time",
            "按期整改完成的整改单数",
            rectifications,
            lambda now: stats.RECTIFIED_ON_TIME,
            definition="在整改期限内办结的差评整改单",
        ),
    ):
        register_measure(measure)
