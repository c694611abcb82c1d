"""The default standard (考核办法) installed by migration 0003: the indicators of issue 6,
built on the measures of `zuofeng.measures`. Weights sum to 100.

Later changes to the defaults are applied by their own data migration through `revise`: the
default standard is edited in place while no published month used it, otherwise a revised
copy takes effect from the month after the last one scored (a published standard is frozen).

The second version (`REVISED_STANDARD`, migration 0005, issue 11) is volume-fair: every
indicator is a rate with a minimum sample below which it is 数据不足 (so a unit with a
handful of records is not ranked on them), and lateness is counted in the month the deadline
passed (`case_due*`, see `cases.measures`) instead of the month the case was received. It is a
new standard, never an edit of one that scored a month (`upgrade`).

The third version (`STANDARD_2027`, migration 0006, issue 12 item 7) adds the government's own
follow-through: supervision tasks closed on time (督办任务按期销号率), tasks lagging behind the
elapsed time (督办任务进度滞后率), progress reports returned (督办进展报送退回率) and
supervision notices answered late (督办通知超期办复率), from the measures `supervision` and
`followup` declare. Rates with a minimum sample like the others; a unit with no supervision
work that month has them as 数据不足 and is scored on the rest, as before. The weights of the
indicators with the smallest samples are reduced to make room (still 100 in all; the core
case and rating rates keep theirs, see `WEIGHTS_2027`). Added by `upgrade_2027`, never
by editing a standard that scored a month.

The fourth version (`STANDARD_2027_INVESTIGATION`, migration 0007, issue 14) adds the
outcomes of problems found by investigation: solved on time and callback satisfaction.

`install(apps)` takes the migration's app registry, so the historical models are used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zuofeng.periods import next_month

DEFAULT_STANDARD = {
    "name": "作风建设考核办法（试行）",
    "effective_from": dt.date(2020, 1, 1),
    "note": "按月考核各部门、乡镇（街道）；部门与乡镇（街道）分别排名。",
}

ALL = ["department", "township", "street"]

# 推诿 is charged per transfer to the unit that passed the case on (issue 11), not per case to
# the unit holding it at the end of the chain (the first default counted `case_buck_passing`).
BUCK_PASSING_MEASURE = "transfer_buck_passing"
BUCK_PASSING_TEXT = "当月本单位转出、构成推诿的转办次数（第二次及以后的转办，或退回曾办理过的单位）"

# (code, name, numerator measure, numerator text, denominator measure, denominator text,
#  direction, weight, target, min_sample)
DEFAULT_INDICATORS: list[tuple[str, str, str, str, str, str, str, int, str, int]] = [
    (
        "on_time",
        "按期办结率",
        "case_on_time",
        "当月受理并按承诺时限办结的办件数",
        "case_decided",
        "当月受理且已办结的办件数",
        "higher",
        15,
        "0.95",
        5,
    ),
    (
        "immediate",
        "即办件当场办结率",
        "case_immediate_on_time",
        "当月受理并当场（当日）办结的即办件数",
        "case_immediate_decided",
        "当月受理且已办结的即办件数",
        "higher",
        8,
        "0.98",
        5,
    ),
    (
        "first_time",
        "一次办成率",
        "case_decided_first_time",
        "当月受理、未要求补正材料即办结的办件数",
        "case_decided",
        "当月受理且已办结的办件数",
        "higher",
        8,
        "0.90",
        5,
    ),
    (
        "satisfaction",
        "好差评满意率",
        "rating_satisfied",
        "当月“非常满意”“满意”的评价数",
        "rating_count",
        "当月收到的评价数（申诉成立的不计）",
        "higher",
        12,
        "0.95",
        5,
    ),
    (
        "rectification",
        "差评整改按期率",
        "rectification_on_time",
        "当月派发并按期整改完成的差评整改单数",
        "rectification_settled",
        "当月派发且已办结或已过整改期限的整改单数",
        "higher",
        7,
        "0.95",
        3,
    ),
    (
        "complaint_response",
        "诉求响应率",
        "complaint_responded_on_time",
        "当月分办并在响应期限内响应的诉求数",
        "complaint_response_due",
        "当月分办且已响应或已过响应期限的诉求数",
        "higher",
        7,
        "0.98",
        3,
    ),
    (
        "complaint_resolution",
        "诉求办结率",
        "complaint_answered_on_time",
        "当月分办并在办理期限内答复的诉求数",
        "complaint_resolution_due",
        "当月分办且已答复或已过办理期限的诉求数",
        "higher",
        8,
        "0.95",
        3,
    ),
    (
        "complaint_satisfaction",
        "诉求满意率",
        "complaint_satisfied",
        "当月分办、回访“满意”“基本满意”的诉求数",
        "complaint_callback_answered",
        "当月分办且回访有结果的诉求数（联系不上的不计）",
        "higher",
        8,
        "0.90",
        3,
    ),
    (
        "buck_passing",
        "推诿率",
        BUCK_PASSING_MEASURE,
        BUCK_PASSING_TEXT,
        "case_received",
        "当月受理的办件数",
        "lower",
        8,
        "0.01",
        10,
    ),
    (
        "forwarded",
        "明进暗不进率",
        "case_forwarded",
        "当月窗口只收件、转后台办理的办件数",
        "case_received",
        "当月受理的办件数",
        "lower",
        6,
        "0.05",
        10,
    ),
    (
        "overdue",
        "超期未办结件数",
        "case_overdue",
        "当月受理、已过办理期限仍未办结的办件数",
        "",
        "",
        "lower",
        8,
        "0",
        0,
    ),
    (
        "escalations",
        "超期升级至一把手次数",
        "escalation_head",
        "当月因超期升级至本单位一把手的次数",
        "",
        "",
        "lower",
        5,
        "0",
        0,
    ),
]


REVISED_STANDARD = {
    "name": "作风建设考核办法（2026年修订）",
    "note": "按月考核各部门、乡镇（街道）；部门与乡镇（街道）分别排名。"
    "全部指标按比率计算，样本不足的指标记为“数据不足”；"
    "超期按办理期限所在月份计入（期限在哪个月届满，就计入哪个月）。",
}

# Lateness by the month the deadline passed (cases.measures: case_due*).
DUE_TEXT = "办理期限在当月、已办结或已过期限仍未办结的办件数（按期限所在月计）"

# The counts (overdue cases, escalations) are gone: a count punishes volume, and a unit with
# no work at all got full marks on it. Escalations follow lateness, already in the rates.
REVISED_INDICATORS: list[tuple[Any, ...]] = [
    (
        "on_time",
        "按期办结率",
        "case_due_on_time",
        "办理期限在当月、在期限内办结的办件数",
        "case_due",
        DUE_TEXT,
        "higher",
        20,
        "0.95",
        10,
    ),
    *(
        # The first version's rates, with a minimum sample a rate can be judged on: ten
        # cases or ratings, five work orders or complaints (three were too few: one late
        # answer out of three cost a third of the indicator).
        (*row[:9], max(row[9], 10 if row[4].startswith(("case_", "rating_")) else 5))
        for row in DEFAULT_INDICATORS
        if row[0] not in {"on_time", "overdue", "escalations"}
    ),
    (
        "overdue",
        "超期未办结率",
        "case_due_overdue",
        "办理期限在当月、已过期限仍未办结的办件数",
        "case_due",
        DUE_TEXT,
        "lower",
        8,
        "0",
        10,
    ),
]


STANDARD_2027 = {
    "name": "作风建设考核办法（2027年修订）",
    "note": "按月考核各部门、乡镇（街道）；部门与乡镇（街道）分别排名。"
    "全部指标按比率计算，样本不足的指标记为“数据不足”；"
    "超期按办理期限所在月份计入（期限在哪个月届满，就计入哪个月）。"
    "新增督查督办指标：督办任务按期销号率、进度滞后率、进展报送退回率和督办通知超期办复率。",
}

# The 2026 revision's weights (88 in all now) and the supervision indicators (12). The core
# case and rating rates keep their weights (62): a unit is ranked only when indicators with
# data carry at least `SCORECARD_MIN_VALID_WEIGHT` (60 %) of its weight, and most units have no
# supervision task due in a given month, so taking weight from those rates would leave busy
# units without supervision work unranked. The 12 come from the indicators with the smallest
# samples (即办件, work orders, complaints).
WEIGHTS_2027 = {
    "on_time": 20,
    "immediate": 6,
    "first_time": 8,
    "satisfaction": 12,
    "rectification": 5,
    "complaint_response": 5,
    "complaint_resolution": 5,
    "complaint_satisfaction": 5,
    "buck_passing": 8,
    "forwarded": 6,
    "overdue": 8,
}

# Five tasks, reports or notices before a rate is judged, as for work orders and complaints.
SUPERVISION_INDICATORS: list[tuple[Any, ...]] = [
    (
        "supervision_on_time",
        "督办任务按期销号率",
        "supervision_tasks_on_time",
        "完成时限在当月、在时限内经第二人审核销号的本单位牵头末级督办任务数",
        "supervision_tasks_due",
        "完成时限在当月的本单位牵头末级督办任务数（按时限所在月计）",
        "higher",
        5,
        "0.95",
        5,
    ),
    (
        "supervision_lagging",
        "督办任务进度滞后率",
        "supervision_tasks_lagging",
        "完成时限在当月、经核实进度落后于时间进度超过设定幅度的本单位牵头末级督办任务数",
        "supervision_tasks_due",
        "完成时限在当月的本单位牵头末级督办任务数（按时限所在月计）",
        "lower",
        2,
        "0.10",
        5,
    ),
    (
        "supervision_returned",
        "督办进展报送退回率",
        "supervision_reports_returned",
        "当月报送、经督查室审核退回的督办任务进展报送数",
        "supervision_reports",
        "当月报送的督办任务进展报送数",
        "lower",
        2,
        "0.10",
        5,
    ),
    (
        "followup_overdue",
        "督办通知超期办复率",
        "followup_notice_overdue",
        "办复期限在当月、未在期限内办复的督办通知数",
        "followup_notice_due",
        "办复期限在当月的督办通知数（按期限届满之日所在月计）",
        "lower",
        3,
        "0",
        5,
    ),
]

INDICATORS_2027: list[tuple[Any, ...]] = [
    *((*row[:7], WEIGHTS_2027[row[0]], *row[8:]) for row in REVISED_INDICATORS),
    *SUPERVISION_INDICATORS,
]


# The fourth version (migration 0007, issue 14): problems found by visits, forums and surveys
# enter the score by their outcomes only — solved within their deadline, and the raisers'
# satisfaction at the office's callback — never by counts of visits, forums or photos (design
# §7; the 2024 central rules on the grassroots' burden). Rates with a minimum sample like the
# others: most units have few problems due in a month and are scored on the rest. The 6
# points come from the rates with the smallest samples (work orders, complaints, 即办件,
# 转办); the core case, rating and supervision rates keep theirs.
STANDARD_2027_INVESTIGATION = {
    "name": "作风建设考核办法（2027年第二次修订）",
    "note": STANDARD_2027["note"]
    + "新增调研发现问题指标：问题按期解决率和回访满意率（只计问题是否解决、群众是否满意，"
    "不计走访次数、座谈会次数和照片）。",
}

WEIGHTS_2027_INVESTIGATION = {
    **WEIGHTS_2027,
    "immediate": 5,
    "rectification": 4,
    "complaint_response": 4,
    "complaint_resolution": 4,
    "complaint_satisfaction": 4,
    "forwarded": 5,
}

INVESTIGATION_INDICATORS: list[tuple[Any, ...]] = [
    (
        "problems_on_time",
        "调研发现问题按期解决率",
        "problems.solved_on_time",
        "首次办理期限在当月、责任单位在期限内报告办理结果并经回访满意或核实认可的调研发现问题数",
        "problems.due",
        "首次办理期限在当月的本单位调研发现问题数（走访、座谈会、问卷调查中发现）",
        "higher",
        3,
        "0.90",
        5,
    ),
    (
        "problems_callback",
        "调研问题回访满意率",
        "problems.callback_satisfied",
        "当月督查室回访反映人、评价为满意或基本满意的次数",
        "problems.callbacks",
        "当月督查室就本单位办理的调研发现问题回访反映人并取得评价的次数",
        "higher",
        3,
        "0.90",
        5,
    ),
]

INDICATORS_2027_INVESTIGATION: list[tuple[Any, ...]] = [
    *((*row[:7], WEIGHTS_2027_INVESTIGATION[row[0]], *row[8:]) for row in REVISED_INDICATORS),
    *SUPERVISION_INDICATORS,
    *INVESTIGATION_INDICATORS,
]


def _create(apps: Any, fields: dict[str, Any], rows: list[tuple[Any, ...]]) -> Any:
    Standard = apps.get_model("scorecard", "Standard")
    Indicator = apps.get_model("scorecard", "Indicator")
    standard = Standard.objects.create(**fields)
    for order, row in enumerate(rows, start=1):
        code, name, num, num_text, den, den_text, direction, weight, target, sample = row
        Indicator.objects.create(
            standard=standard,
            code=code,
            name=name,
            numerator_measure=num,
            numerator_text=num_text,
            denominator_measure=den,
            denominator_text=den_text,
            direction=direction,
            weight=Decimal(weight),
            target=Decimal(target),
            min_sample=sample,
            unit_kinds=ALL,
            sort_order=order,
        )
    return standard


def install_current(apps: Any) -> None:
    """A database with no standard gets the current default (the 2027 second revision)."""
    Standard = apps.get_model("scorecard", "Standard")
    if not Standard.objects.exists():
        _create(
            apps,
            {**STANDARD_2027_INVESTIGATION, "effective_from": DEFAULT_STANDARD["effective_from"]},
            INDICATORS_2027_INVESTIGATION,
        )


def _supersede(apps: Any, previous: Any, fields: dict[str, Any], rows: list[Any]) -> None:
    """A new default standard after `previous`, which is never edited: if it scored any month
    (published or draft), the new one takes effect from the month after the last one it
    scored; if it scored nothing, the new one replaces it. A database where the office
    already has a standard starting from then on is left alone."""
    Standard = apps.get_model("scorecard", "Standard")
    last = previous.scorecards.order_by("-month").first()
    if last is None:
        starts = previous.effective_from
        if Standard.objects.filter(effective_from__gt=starts).exists():
            return
        previous.delete()
    else:
        starts = next_month(last.month)
        if Standard.objects.filter(effective_from__gte=starts).exists():
            return
    _create(apps, {**fields, "effective_from": starts}, rows)


def upgrade_2027(apps: Any) -> None:
    """Migration 0006: the 2027 revision after the 2026 one (see `_supersede`); a database
    where the 2027 revision exists is left alone."""
    Standard = apps.get_model("scorecard", "Standard")
    if Standard.objects.filter(name=STANDARD_2027["name"]).exists():
        return
    previous = (
        Standard.objects.filter(name=REVISED_STANDARD["name"]).order_by("-effective_from").first()
    )
    if previous is None:
        install_current(apps)
        return
    _supersede(apps, previous, STANDARD_2027, INDICATORS_2027)


def upgrade_investigation(apps: Any) -> None:
    """Migration 0007: the 2027 second revision after the 2027 one (see `_supersede`); a
    database where it exists, or where the office runs a standard of its own, is left alone."""
    Standard = apps.get_model("scorecard", "Standard")
    if Standard.objects.filter(name=STANDARD_2027_INVESTIGATION["name"]).exists():
        return
    previous = (
        Standard.objects.filter(name=STANDARD_2027["name"]).order_by("-effective_from").first()
    )
    if previous is None:
        install_current(apps)
        return
    _supersede(apps, previous, STANDARD_2027_INVESTIGATION, INDICATORS_2027_INVESTIGATION)


def upgrade(apps: Any) -> None:
    """Migration 0005: the 2026 revision after the first version (see `_supersede`). A
    standard the office set up itself (any other) is left alone."""
    Standard = apps.get_model("scorecard", "Standard")
    first = Standard.objects.filter(
        effective_from=DEFAULT_STANDARD["effective_from"], name=DEFAULT_STANDARD["name"]
    ).first()
    if first is None or Standard.objects.filter(name=REVISED_STANDARD["name"]).exists():
        install_current(apps)
        return
    _supersede(apps, first, REVISED_STANDARD, REVISED_INDICATORS)


def install(apps: Any) -> None:
    """The first version (migration 0003's history; later versions through `upgrade`)."""
    Standard = apps.get_model("scorecard", "Standard")
    if Standard.objects.filter(effective_from=DEFAULT_STANDARD["effective_from"]).exists():
        return
    _create(apps, DEFAULT_STANDARD, DEFAULT_INDICATORS)


def after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """After every `migrate` or `flush`: a database with no standard at all (emptied by a
    test's flush, say) gets the current default back; one with any standard is left alone."""
    from django.apps import apps

    if not apps.get_model("scorecard", "Standard").objects.using(using).exists():
        install_current(apps)


def revise(apps: Any, code: str, why: str, **changes: Any) -> None:
    """Change one default indicator in an existing database (a data migration's step).

    Unused standard: edited in place. Frozen (it scored a published month): a copy with the
    change takes effect from the month after the last month it scored, unless the office has
    already set up a standard of its own from then on, which is left alone."""
    Standard = apps.get_model("scorecard", "Standard")
    standard = Standard.objects.filter(effective_from=DEFAULT_STANDARD["effective_from"]).first()
    if standard is None:
        return
    scored = standard.scorecards.exclude(status="draft").order_by("-month").first()
    if scored is None:
        standard.indicators.filter(code=code).update(**changes)
        return
    starts = next_month(scored.month)
    if Standard.objects.filter(effective_from__gte=starts).exists():
        return
    indicators = list(standard.indicators.all())
    revised = Standard.objects.create(
        name=standard.name,
        effective_from=starts,
        note=f"{standard.note}{starts:%Y年%m月}起修订：{why}",
    )
    for indicator in indicators:
        indicator.pk = None
        indicator.standard = revised
        if indicator.code == code:
            for name, value in changes.items():
                setattr(indicator, name, value)
        indicator.save()


def uninstall(apps: Any) -> None:
    Standard = apps.get_model("scorecard", "Standard")
    Standard.objects.filter(
        effective_from=DEFAULT_STANDARD["effective_from"], scorecards__isnull=True
    ).delete()
