"""Demo ratings (好差评): a year of bulk-loaded ratings and rectifications, then about a dozen
live ones through the actions, in every rectification state and with appeals.

History
-------
About 70 % of the decided historical cases are rated by their applicant a few hours to a
few days after the decision (`data.RATED_SHARE`), through the channel that fits the case: the
hall's rating device just after an immediate matter decided at the window, the applicant's
page for an online case with an account, a phone callback entered by staff, and otherwise the
SMS link. Levels follow a profile per unit (`data.RATING_PROFILES`: the slow unit is rated
clearly worse; every other unit draws one around 85 % good, 8 % 基本满意, 3–5 % bad), and a
case that went wrong (decided late, refused, passed back and forth, materials asked for
twice) is more likely to be rated badly (`data.RATING_BUMPS`), with a comment that says so.

Each bad rating opens its rectification work order, as `evaluations.actions.rate_case` does,
and the order goes verify → rectify or explain → call back → the head approves, with the
clock computed by the same `zuofeng.duty.clock` functions on in-memory rows and the
RECTIFY_* limits from the settings: most close on time, some late (the slow unit's often),
and a late one turned red and escalated on the way, exactly as the sweep would have done it
(escalation rows included). Steps that would fall after the anchor have not happened: those
orders are still open. Where the district configures a default rating
(RATING_DEFAULT_LEVEL), the cases nobody rated get it N days after the decision, as the sweep
would have given it.

Like the cases (demo.cases explains why), the history is written in bulk, ONE audit event
(`demo.load_ratings`) per batch, and is a pure function of (seed, anchor, the cases).

Live
----
About a dozen ratings of the demo accounts' unit (MKT: `staff`, `head`, `window`; the
supervision office's `office`) go through the real actions with `at=` in the recent past, so
that right now there is a rectification in each state (待核实, 整改中, 待回访, 待一把手审核,
已办结, one returned by the head (yellow), one ended by an upheld appeal, one overdue and
escalated) and an appeal pending, one upheld and one rejected. build_demo then runs the clock
sweep once, after the ratings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, F, Max, Q

from cases.models import Case
from demo import data
from demo.bulk import DutyRow, Row, load_batches, write_batch
from demo.cases import (
    OFFICE_CLOSE,
    OFFICE_OPEN,
    Catalogue,
    LiveClock,
    UnitRef,
    _at,
    _minute_of,
    _Workdays,
    cases_rng,
    observe_clock,
    sweep_notifications,
)
from evaluations import actions
from evaluations.actions import RATABLE_STATUSES
from evaluations.models import (
    BAD_LEVELS,
    HALL_TAGS,
    ONLINE_TAGS,
    Appeal,
    Evaluation,
    Level,
    Rectification,
)
from org.models import Staff, Unit
from org.roles import Role
from zuofeng.duty import clock
from zuofeng.duty.models import Escalation, Notification
from zuofeng.duty.registry import DutyKind, registered_duties
from zuofeng.workdays.calendar import add_workdays, local_date

BATCH = 5_000  # decided cases per bulk batch, and per `demo.load_ratings` audit event
LIVE_UNIT = "MKT"  # the unit of the fixed demo accounts `staff`, `head` and `window`


def _config(name: str) -> int:
    return int(settings.ZUOFENG[name])


# --- the decided cases, as read from the database --------------------------------------------


@dataclass(frozen=True)
class DecidedCase:
    """What a rating depends on, of one decided case."""

    pk: int
    number: str
    unit_id: int
    channel: str
    decided_at: dt.datetime
    immediate: bool  # the matter is 即办件: decided on the spot
    applicant_user_id: int | None
    late: bool  # decided after its deadline
    refused: bool  # refused, or not accepted
    buck_passing: bool
    repeat_supplement: bool

    @classmethod
    def history(cls, last_pk: int) -> list[DecidedCase]:
        """The decided cases up to `last_pk` (the bulk-loaded ones), by primary key."""
        rows = (
            Case.objects.filter(pk__lte=last_pk, status__in=RATABLE_STATUSES)
            # Compared in SQL: converting two more datetimes per row costs a second at 50,000.
            .annotate(
                late=ExpressionWrapper(
                    Q(clock_stopped_at__gt=F("due_at")), output_field=BooleanField()
                )
            )
            .order_by("pk")
            .values_list(
                "pk",
                "number",
                "unit_id",
                "channel",
                "decided_at",
                "matter__promised_limit_days",
                "applicant_user_id",
                "late",
                "decision_reason",
                "buck_passing",
                "one_time_rule_broken",
            )
        )
        return [
            cls(
                pk=pk,
                number=number,
                unit_id=unit_id,
                channel=channel,
                decided_at=decided_at,
                immediate=promised == 0,
                applicant_user_id=user_id,
                late=bool(late),
                refused=bool(reason),
                buck_passing=buck,
                repeat_supplement=repeat,
            )
            for (
                pk,
                number,
                unit_id,
                channel,
                decided_at,
                promised,
                user_id,
                late,
                reason,
                buck,
                repeat,
            ) in rows
            if decided_at is not None
        ]

    def cause(self) -> str:
        """What went wrong, as the applicant would put it first (keys of data's texts)."""
        for name in ("late", "refused", "buck_passing", "repeat_supplement"):
            if getattr(self, name):
                return name
        return "generic"


# --- rows in memory ------------------------------------------------------------------------


class _SimRectification(DutyRow):
    """A rectification in memory (see DutyRow)."""

    model = Rectification


@dataclass
class _Planned:
    """One rating and what hangs off it, before it is written."""

    evaluation: Row
    rectification: _SimRectification | None = None
    escalations: list[Row] | None = None
    notifications: list[Row] | None = None


def _rectification_kind() -> DutyKind:
    return next(kind for kind in registered_duties() if kind.model is Rectification)


# --- the history -----------------------------------------------------------------------------


class RatingHistory:
    """Plans the ratings of the decided cases before `anchor`, and their rectifications."""

    def __init__(self, seed: int, anchor: dt.date, catalogue: Catalogue) -> None:
        self.rng = cases_rng(seed, "ratings")
        self.cutoff = _at(anchor, 0)
        self.units = {unit.pk: unit for unit in catalogue.units.values()}
        self.heads = dict(Unit.objects.values_list("pk", "head_id"))
        self.days = _Workdays(anchor - dt.timedelta(days=400), anchor + dt.timedelta(days=10))
        self.verify_workdays = _config("RECTIFY_VERIFY_WORKDAYS")
        self.finish_workdays = _config("RECTIFY_FINISH_WORKDAYS")
        self.office_after = _config("DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS")
        self.default_level = _config("RATING_DEFAULT_LEVEL")
        self.default_after = dt.timedelta(days=_config("RATING_DEFAULT_AFTER_DAYS"))
        self.kind = _rectification_kind()
        # Every other unit gets a slightly different profile, so rankings have a spread.
        self.profiles = {
            unit.pk: data.RATING_PROFILES.get(unit.code)
            or data.RatingProfile(
                bad=round(self.rng.uniform(0.015, 0.03), 3),
                basic=round(self.rng.uniform(0.06, 0.10), 3),
                very=round(self.rng.uniform(0.55, 0.72), 3),
                rectify_late=round(self.rng.uniform(0.04, 0.12), 3),
            )
            for unit in catalogue.units.values()
        }

    # -- moments ------------------------------------------------------------------------

    def _office_moment(self, day: dt.date, after: dt.datetime) -> dt.datetime:
        """A moment in office hours on `day` (a working day), later than `after`; the next
        working day if `day` is already over by then."""
        rng = self.rng
        moment = _at(day, rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 1), rng.randrange(60))
        if moment > after:
            return moment
        if local_date(after) == day and _minute_of(after) < OFFICE_CLOSE - 10:
            return after + dt.timedelta(minutes=rng.randint(3, 40), seconds=rng.randrange(60))
        later = self.days.add(max(day, local_date(after)), 1)
        return _at(later, rng.randint(OFFICE_OPEN, OFFICE_OPEN + 120), rng.randrange(60))

    def _evening_or_day(self, decided: dt.datetime, days: int) -> dt.datetime:
        """When a rater gets round to the SMS link or the page: `days` natural days after the
        decision, any time from morning to late evening, after the decision."""
        rng = self.rng
        day = local_date(decided) + dt.timedelta(days=days)
        moment = _at(day, rng.randint(7 * 60 + 30, 22 * 60 + 30), rng.randrange(60))
        if moment <= decided + dt.timedelta(minutes=5):
            moment = decided + dt.timedelta(minutes=rng.randint(10, 240), seconds=rng.randrange(60))
        return moment

    # -- one rating ---------------------------------------------------------------------

    def _channel(self, case: DecidedCase, unit: UnitRef) -> tuple[str, dt.datetime, int | None]:
        """(source, moment, rated_by) of the applicant's rating."""
        rng = self.rng
        decided = case.decided_at
        if (
            case.channel == Case.Channel.WINDOW
            and case.immediate
            and unit.window is not None
            and rng.random() < 0.6
        ):
            # Decided at the counter: the applicant presses the device's button on the spot.
            moment = decided + dt.timedelta(minutes=rng.randint(1, 10), seconds=rng.randrange(60))
            return Evaluation.Source.HALL_DEVICE, moment, unit.window
        if case.channel == Case.Channel.WINDOW and unit.window is not None and rng.random() < 0.3:
            # Back at the window to collect the licence or certificate (领证), and rated there.
            day = self.days.add(local_date(decided), rng.choice((0, 1, 1, 2, 3, 5)))
            moment = self._office_moment(day, decided)
            return Evaluation.Source.HALL_DEVICE, moment, unit.window
        if case.channel == Case.Channel.ONLINE and case.applicant_user_id and rng.random() < 0.7:
            days = rng.choice((0, 0, 1, 1, 2, 3, 5))
            return (
                Evaluation.Source.APPLICANT_PAGE,
                self._evening_or_day(decided, days),
                case.applicant_user_id,
            )
        if case.channel == Case.Channel.PHONE and unit.staff and rng.random() < 0.5:
            day = self.days.add(local_date(decided), rng.randint(1, 3))
            moment = self._office_moment(day, decided)
            return Evaluation.Source.PHONE, moment, rng.choice(unit.staff)
        days = rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 9))
        return Evaluation.Source.SMS_LINK, self._evening_or_day(decided, days), None

    def _level(self, case: DecidedCase) -> int:
        rng = self.rng
        profile = self.profiles[case.unit_id]
        bad = profile.bad + sum(
            bump for name, bump in data.RATING_BUMPS.items() if getattr(case, name, False)
        )
        draw = rng.random()
        if draw < bad:
            return Level.DISSATISFIED if rng.random() < 0.6 else Level.VERY_DISSATISFIED
        if draw < bad + profile.basic:
            return Level.BASIC
        return Level.VERY_SATISFIED if rng.random() < profile.very else Level.SATISFIED

    def _comment(self, case: DecidedCase, level: int) -> str:
        rng = self.rng
        online = case.channel == Case.Channel.ONLINE
        if level in BAD_LEVELS:
            if rng.random() >= 0.85:
                return ""
            cause = case.cause()
            if cause == "generic" and online and rng.random() < 0.5:
                cause = "online"
            return rng.choice(data.RATING_COMMENTS_BAD[cause])
        if level == Level.BASIC:
            if rng.random() >= 0.4:
                return ""
            pool = data.RATING_COMMENTS_BASIC
            if online and rng.random() < 0.5:
                pool = data.RATING_COMMENTS_BASIC_ONLINE
            return rng.choice(pool)
        if rng.random() >= 0.22:
            return ""
        pool = data.RATING_COMMENTS_GOOD
        if online and rng.random() < 0.6:
            pool = data.RATING_COMMENTS_GOOD_ONLINE
        return rng.choice(pool)

    def plan(self, case: DecidedCase, pk: int) -> _Planned | None:
        """The rating of `case` with primary key `pk`, or None if it has none by the anchor."""
        rng = self.rng
        unit = self.units.get(case.unit_id)
        if unit is None:
            return None
        if rng.random() >= data.RATED_SHARE:
            return self._default_rating(case, pk)
        source, moment, rated_by = self._channel(case, unit)
        level = self._level(case)
        comment = self._comment(case, level)
        pool = ONLINE_TAGS if case.channel == Case.Channel.ONLINE else HALL_TAGS
        count = rng.choice((1, 1, 2) if level in BAD_LEVELS else (0, 1, 1, 2, 3))
        tags = sorted(rng.sample(pool, count), key=pool.index)
        allow_publication = bool(comment) and rng.random() < 0.4
        anonymous = rng.random() < 0.12
        if moment >= self.cutoff:
            return None  # not rated yet when the history ends
        evaluation = Row(
            id=pk,
            case_id=case.pk,
            unit_id=case.unit_id,
            level=int(level),
            tags=tags,
            comment=comment,
            anonymous=anonymous,
            allow_publication=allow_publication,
            source=source,
            is_default=False,
            created_at=moment,
            rated_by_id=rated_by,
        )
        return _Planned(evaluation)

    def _default_rating(self, case: DecidedCase, pk: int) -> _Planned | None:
        """The district's default level for a case nobody rated, if it configures one."""
        if not self.default_level:
            return None
        moment = case.decided_at + self.default_after
        if moment >= self.cutoff:
            return None
        return _Planned(
            Row(
                id=pk,
                case_id=case.pk,
                unit_id=case.unit_id,
                level=self.default_level,
                tags=[],
                source=Evaluation.Source.DEFAULT,
                is_default=True,
                created_at=moment,
            )
        )

    # -- the rectification a bad rating opens --------------------------------------------

    def _workdays_from(self, first: dt.date, last: dt.date) -> list[dt.date]:
        days = [self.days.add(first, 0)]
        while days[-1] < last:
            days.append(self.days.add(days[-1], 1))
        return [day for day in days if day <= last] or [last]

    def rectify(self, planned: _Planned, case: DecidedCase, pk: int) -> None:
        """Open the work order of a bad rating and take it as far as it got by the anchor."""
        rng = self.rng
        evaluation = planned.evaluation
        opened = evaluation.created_at
        profile = self.profiles[case.unit_id]
        order = _SimRectification(
            id=pk,
            number=f"ZG{local_date(opened):%Y%m%d}{evaluation.id:06d}",
            evaluation_id=evaluation.id,
            unit_id=case.unit_id,
            status=Rectification.Status.VERIFYING,
            opened_at=opened,
        )
        clock.start_clock(order, at=opened, limit_workdays=self.finish_workdays)
        assert order.due_at is not None
        order.verify_due_at = min(add_workdays(opened, self.verify_workdays), order.due_at)

        # Which days the steps fall on: the close on time, or a few working days late.
        open_day = local_date(opened)
        due_day = local_date(order.due_at)
        if rng.random() < profile.rectify_late:
            close_day = self.days.add(due_day, rng.randint(1, profile.rectify_late_max_workdays))
        else:
            low = min(2, self.finish_workdays)
            close_day = self.days.add(open_day, rng.randint(low, self.finish_workdays))
        if rng.random() < 0.88:
            verify_day = self.days.add(open_day, rng.randint(0, self.verify_workdays))
        else:  # verified after the verify deadline (shown on the order, not scored)
            verify_day = self.days.add(open_day, self.verify_workdays + rng.randint(1, 3))
        verify_day = min(verify_day, close_day)
        between = self._workdays_from(verify_day, close_day)
        rectify_day, callback_day = sorted(rng.choice(between) for _ in range(2))

        cause = case.cause()
        if cause == "refused":
            outcome = rng.choice(("explained", "explained", "explained", "immediate"))
        else:
            outcome = rng.choice(("immediate", "immediate", "by_deadline", "explained"))
        answer = rng.choices(Rectification.CallbackAnswer.values, weights=(45, 30, 10, 15))[0]
        re_rating = None
        if answer != Rectification.CallbackAnswer.UNREACHABLE and rng.random() < 0.5:
            re_rating = {
                Rectification.CallbackAnswer.SATISFIED: rng.choice((4, 5)),
                Rectification.CallbackAnswer.BASIC: 3,
                Rectification.CallbackAnswer.DISSATISFIED: 2,
            }[answer]

        escalations: list[tuple[int, dt.datetime]] = []
        moment = opened
        for step, day in (
            ("verify", verify_day),
            ("rectify", rectify_day),
            ("callback", callback_day),
            ("approve", close_day),
        ):
            moment = self._office_moment(day, moment)
            if moment >= self.cutoff:
                break
            escalations += observe_clock(order, moment, self.office_after, self.days.add)
            if step == "verify":
                order.status = Rectification.Status.RECTIFYING
                order.verified_at = moment
                findings = data.RECTIFY_FINDINGS.get(cause, data.RECTIFY_FINDINGS["generic"])
                order.finding = rng.choice(findings)
            elif step == "rectify":
                order.status = Rectification.Status.CALLBACK
                order.outcome = outcome
                order.measures = rng.choice(data.RECTIFY_MEASURES[outcome])
                order.rectified_at = moment
            elif step == "callback":
                order.status = Rectification.Status.APPROVAL
                order.callback_answer = answer
                order.callback_note = data.CALLBACK_NOTES[answer]
                order.callback_at = moment
                order.re_rating = re_rating
            else:
                order.status = Rectification.Status.CLOSED
                order.approved_by_id = self.heads.get(case.unit_id)
                order.closed_at = moment
                clock.stop_clock(order, at=moment)
        if order.status != Rectification.Status.CLOSED:
            escalations += observe_clock(order, self.cutoff, self.office_after, self.days.add)

        planned.rectification = order
        planned.escalations = [
            Row(
                duty_type=self.kind.object_type,
                duty_id=str(order.id),
                duty_label=order.number,
                unit_id=order.unit_id,
                level=level,
                created_at=when,
                due_at=order.due_at,
            )
            for level, when in escalations
        ]
        planned.notifications = self._notifications(order, escalations)

    def _notifications(
        self, order: _SimRectification, escalations: list[tuple[int, dt.datetime]]
    ) -> list[Row]:
        """What the sweep would have sent for an order still open at the anchor (a closed
        one's messages are long read, as with the cases)."""
        if order.status in Rectification.FINISHED_STATUSES:
            return []
        return sweep_notifications(
            label=f"{Rectification._meta.verbose_name} {order.number}",
            link=self.kind.link(order.id),
            unit_id=order.unit_id,
            warning_level=order.warning_level,
            due_at=order.due_at,
            started_at=order.opened_at,
            escalations=[(level, when, order.unit_id) for level, when in escalations],
            cutoff=self.cutoff,
        )

    # -- batches ------------------------------------------------------------------------

    def batches(
        self, cases: list[DecidedCase], first_pk: int, first_order_pk: int
    ) -> Iterator[list[_Planned]]:
        pk, order_pk = first_pk, first_order_pk
        for start in range(0, len(cases), BATCH):
            batch = []
            for case in cases[start : start + BATCH]:
                planned = self.plan(case, pk)
                if planned is None:
                    continue
                pk += 1
                evaluation = planned.evaluation
                if evaluation.level in BAD_LEVELS and not evaluation.is_default:
                    self.rectify(planned, case, order_pk)
                    order_pk += 1
                batch.append(planned)
            if batch:
                yield batch


def plan_rating_history(
    seed: int, anchor: dt.date, cases: list[DecidedCase], catalogue: Catalogue
) -> list[_Planned]:
    """The rows `load_rating_history` writes into empty tables, without writing them."""
    history = RatingHistory(seed, anchor, catalogue)
    return [planned for batch in history.batches(cases, 1, 1) for planned in batch]


def _write(batch: list[_Planned]) -> dict[str, int]:
    evaluations = [planned.evaluation for planned in batch]
    orders = [planned.rectification for planned in batch if planned.rectification is not None]
    escalations = [row for planned in batch for row in planned.escalations or []]
    notifications = [row for planned in batch for row in planned.notifications or []]
    first, last = evaluations[0], evaluations[-1]
    return write_batch(
        {
            "evaluations": (Evaluation, evaluations),
            "rectifications": (Rectification, orders),
            "rectification_escalations": (Escalation, escalations),
            "rectification_notifications": (Notification, notifications),
        },
        action="demo.load_ratings",
        object_type=Evaluation._meta.label_lower,
        object_id=f"{first.id}-{last.id}",
        object_label=f"演示历史评价 {first.id} 至 {last.id}",
        reason="演示数据：按好差评规则批量载入历史评价及差评整改（每批一条审计记录）",
    )


def load_rating_history(
    seed: int, anchor: dt.date, last_case_pk: int, catalogue: Catalogue
) -> dict[str, int]:
    """Bulk-load the ratings of the decided cases up to `last_case_pk`; returns row counts.
    Call inside a transaction."""
    first_pk = (Evaluation.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    first_order_pk = (Rectification.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    history = RatingHistory(seed, anchor, catalogue)
    # The work order's number contains the rating's primary key.
    return load_batches(
        (
            _write(batch)
            for batch in history.batches(
                DecidedCase.history(last_case_pk), first_pk, first_order_pk
            )
        ),
        sequences=[Evaluation, Rectification],
    )


# --- live ratings: through the real actions --------------------------------------------------


@dataclass(frozen=True)
class LiveRating:
    """One rating of the live unit and the steps taken on it, each at (working days before
    today, minute past midnight)."""

    name: str
    level: int
    at: tuple[int, int]
    comment: str = ""
    publish: bool = False
    source: str = Evaluation.Source.SMS_LINK
    steps: tuple[tuple[str, int, int], ...] = ()
    refused: bool = False  # rate a refused or not accepted case, if there is one


LIVE_RATINGS: tuple[LiveRating, ...] = (
    LiveRating(
        "praise",
        Level.VERY_SATISFIED,
        (-1, 19 * 60 + 20),
        "营业执照当天就拿到了，窗口同志还提醒我后续要办的税务手续，非常贴心",
        publish=True,
    ),
    LiveRating("at the counter", Level.SATISFIED, (0, 9 * 60 + 58), source="hall_device"),
    LiveRating(
        "so-so", Level.BASIC, (-2, 20 * 60 + 40), "办好了，就是中午排队的人太多，等了一个多小时"
    ),
    LiveRating(
        "to verify",
        Level.DISSATISFIED,
        (0, 8 * 60 + 40),
        "材料在网上说明里没写全，到了窗口才让回去开证明，白跑一趟",
    ),
    LiveRating(
        "rectifying",
        Level.VERY_DISSATISFIED,
        (-3, 21 * 60 + 5),
        "窗口工作人员态度很差，问两句就不耐烦",
        steps=(("verify", -2, 10 * 60),),
    ),
    LiveRating(
        "to call back",
        Level.DISSATISFIED,
        (-6, 18 * 60 + 30),
        "说好五个工作日办完，拖到第八天才通知我，中间问了两次都说在审",
        publish=True,
        steps=(("verify", -5, 9 * 60 + 40), ("rectify", -3, 15 * 60)),
    ),
    LiveRating(
        "to approve",
        Level.DISSATISFIED,
        (-8, 12 * 60 + 15),
        "第一次说材料齐了，过两天又打电话让补，不能一次说清楚吗",
        steps=(
            ("verify", -7, 10 * 60 + 30),
            ("rectify", -5, 16 * 60),
            ("callback", -2, 11 * 60),
        ),
    ),
    LiveRating(
        "closed",
        Level.VERY_DISSATISFIED,
        (-14, 20 * 60),
        "不予许可的理由就一句话，问依据也说不明白",
        refused=True,
        steps=(
            ("verify", -13, 9 * 60 + 20),
            ("rectify", -11, 14 * 60 + 30),
            ("callback", -9, 10 * 60),
            ("approve", -8, 16 * 60 + 45),
        ),
    ),
    LiveRating(
        "returned",
        Level.DISSATISFIED,
        (-7, 19 * 60),
        "电话打了一上午都没人接，最后还是自己跑过去问的",
        steps=(
            ("verify", -6, 9 * 60 + 10),
            ("rectify", -4, 11 * 60 + 20),
            ("callback", -3, 15 * 60 + 40),
            ("return", -1, 17 * 60 + 10),
        ),
    ),
    LiveRating(
        "appeal upheld",
        Level.VERY_DISSATISFIED,
        (-9, 22 * 60 + 10),
        "小区门口停车收费太贵了，管理也乱，强烈不满",
        steps=(("verify", -8, 9 * 60 + 5), ("appeal", -8, 10 * 60), ("uphold", -6, 15 * 60)),
    ),
    LiveRating(
        "appeal rejected, overdue",
        Level.DISSATISFIED,
        (-19, 17 * 60 + 50),
        "说好几个工作日办完，结果拖了快两个星期，也没人告诉进度",
        steps=(
            ("verify", -18, 10 * 60),
            ("appeal", -17, 9 * 60 + 30),
            ("reject", -15, 16 * 60),
        ),
    ),
    LiveRating(
        "appeal pending",
        Level.VERY_DISSATISFIED,
        (-4, 21 * 60 + 30),
        "你们这些人就知道混日子，什么事都办不成",
        steps=(("verify", -3, 9 * 60 + 30), ("appeal", -2, 14 * 60)),
    ),
)
# Texts of the steps the live unit's staff, head and the office take.
LIVE_TEXTS: dict[str, str] = {
    "verify": "经调取窗口录音录像并与当班人员谈话，评价反映的情况基本属实",
    "verify appeal upheld": "经核实，评价内容反映的是小区停车收费问题，与本办件无关",
    "verify appeal pending": "经调取录音录像，窗口人员按规定一次性告知，评价内容与事实不符",
    "rectify": "已当面向评价人致歉，对当班人员批评教育，并将该事项材料清单补充进办事指南",
    "rectify to approve": "已修订一次性告知书，补正材料由科长审核后一次告知，本周起执行",
    "rectify closed": "已向评价人说明不予许可的法律依据及复议、诉讼途径，评价人表示理解",
    "callback": "评价人对整改结果表示满意",
    "callback returned": "评价人表示仍不满意：只说了道歉，没说以后怎么改",
    "return": "整改措施过于笼统，未说明对当事人的处理和防止再次发生的办法，请补充后重新报送",
    "appeal upheld": "评价内容反映的是小区停车收费问题，与本办件无关，评价人来电表示误评",
    "evidence upheld": "办件受理记录；评价人来电录音（2 分 13 秒）",
    "appeal rejected, overdue": "申请人补正材料迟缓导致超期，责任不在我局",
    "evidence rejected, overdue": "补正通知书送达记录",
    "appeal pending": "评价人在评价中使用侮辱性语言，且所述情况与事实不符",
    "evidence pending": "窗口录音录像截图、当日叫号记录",
    "uphold": "经查，评价内容与办件无关，属误评，申诉成立，该评价不计入统计，整改终止",
    "reject": "经查，补正通知发出前该件已超过承诺时限，申诉不成立，请抓紧完成整改",
}


class _LiveRatings(LiveClock):
    def __init__(self, seed: int, now: dt.datetime) -> None:
        super().__init__(now)
        self.rng: random.Random = cases_rng(seed, "live-ratings")
        self.made = 0
        self.appeals = 0

    def _user(self, username: str, unit: Unit, role: str) -> User | None:
        """The fixed demo account if it is there, else any member of `unit` with `role`."""
        members = Staff.objects.filter(unit=unit, user__groups__name=role).order_by(
            "user__username"
        )
        fixed = members.filter(user__username=username).first() or members.first()
        return fixed.user if fixed else None

    def build(self) -> dict[str, int]:
        unit = Unit.objects.filter(code=LIVE_UNIT).select_related("head").first()
        office_unit = Unit.objects.filter(kind=Unit.Kind.SUPERVISION).first()
        if unit is None or unit.head is None or office_unit is None:
            return {}
        staff = self._user("staff", unit, Role.UNIT_STAFF)
        window = self._user("window", unit, Role.WINDOW) or staff
        office = self._user("office", office_unit, Role.SUPERVISOR)
        if staff is None or office is None:
            return {}
        people = {"staff": staff, "head": unit.head, "office": office, "window": window}
        # The live unit's decided cases nobody has rated, the latest decided first.
        candidates = list(
            Case.objects.filter(
                unit=unit, status__in=RATABLE_STATUSES, evaluation__isnull=True
            ).order_by("-decided_at", "-pk")
        )
        used: set[int] = set()
        plans = sorted(LIVE_RATINGS, key=lambda plan: self.moment(plan.at))
        for plan in plans:
            at = self.moment(plan.at)
            fitting = [
                case
                for case in candidates
                if case.pk not in used
                and case.decided_at is not None
                and case.decided_at < at - dt.timedelta(minutes=2)
            ]
            if plan.refused:
                fitting = [case for case in fitting if case.decision_reason] or fitting
            if not fitting:
                continue
            case = fitting[0]
            used.add(case.pk)
            self._rate(plan, case, at, people)
        return {"live_ratings": self.made, "appeals": self.appeals}

    def moment(self, at: tuple[int, int]) -> dt.datetime:
        offset, minute = at
        return self.when(self.workday(offset), minute)

    def _rate(self, plan: LiveRating, case: Case, at: dt.datetime, people: dict[str, Any]) -> None:
        pool = actions.tags_for(case)
        tags = sorted(self.rng.sample(pool, self.rng.choice((1, 2))), key=pool.index)
        evaluation = actions.rate_case(
            actor=people["window"] if plan.source == Evaluation.Source.HALL_DEVICE else None,
            case=case,
            level=plan.level,
            source=plan.source,
            tags=tags,
            comment=plan.comment,
            allow_publication=plan.publish,
            at=at,
        )
        self.made += 1
        order = Rectification.objects.filter(evaluation=evaluation).first()
        appeal: Appeal | None = None
        staff, head, office = people["staff"], people["head"], people["office"]
        for step, offset, minute in plan.steps:
            when = self.moment((offset, minute))
            text = LIVE_TEXTS.get(f"{step} {plan.name}") or LIVE_TEXTS.get(step, "")
            assert order is not None, plan.name
            if step == "verify":
                order = actions.verify_rectification(
                    actor=staff, rectification=order, finding=text, at=when
                )
            elif step == "rectify":
                outcome = (
                    Rectification.Outcome.EXPLAINED
                    if plan.name == "closed"
                    else Rectification.Outcome.BY_DEADLINE
                    if plan.name == "to approve"
                    else Rectification.Outcome.IMMEDIATE
                )
                order = actions.rectify(
                    actor=staff, rectification=order, outcome=outcome, measures=text, at=when
                )
            elif step == "callback":
                returned = plan.name == "returned"
                order = actions.record_callback(
                    actor=office,  # the return visit is the office's, never the rated unit's
                    rectification=order,
                    answer=(
                        Rectification.CallbackAnswer.DISSATISFIED
                        if returned
                        else Rectification.CallbackAnswer.SATISFIED
                    ),
                    note=text,
                    re_rating=None if returned else Level.SATISFIED,
                    at=when,
                )
            elif step == "approve":
                order = actions.approve_rectification(actor=head, rectification=order, at=when)
            elif step == "return":
                order = actions.return_rectification(
                    actor=head, rectification=order, reason=text, at=when
                )
            elif step == "appeal":
                appeal = actions.file_appeal(
                    actor=staff,
                    evaluation=evaluation,
                    reason=LIVE_TEXTS[plan.name],
                    evidence=LIVE_TEXTS[f"evidence {plan.name.removeprefix('appeal ')}"],
                    at=when,
                )
                self.appeals += 1
            elif step in ("uphold", "reject"):
                assert appeal is not None, plan.name
                actions.decide_appeal(
                    actor=office, appeal=appeal, uphold=step == "uphold", note=text, at=when
                )
            else:
                raise ValueError(f"unknown live rating step {step!r}")


# --- the step -----------------------------------------------------------------------------


def build_ratings(
    seed: int, anchor: dt.date, *, now: dt.datetime, history_cases: int
) -> dict[str, int]:
    """Rate the first `history_cases` cases (the bulk-loaded history) in bulk, then add the
    live ratings through the actions. Call after build_cases, before the clock sweep, inside
    the build's transaction."""
    if history_cases <= 0:
        return {"ratings": 0}
    last_case_pk = Case.objects.order_by("pk").values_list("pk", flat=True)[history_cases - 1]
    totals = load_rating_history(seed, anchor, last_case_pk, Catalogue.from_db())
    live = _LiveRatings(seed, now).build()
    return {
        "ratings": totals.get("evaluations", 0) + live.get("live_ratings", 0),
        "history_ratings": totals.get("evaluations", 0),
        **{key: value for key, value in totals.items() if key != "evaluations"},
        **live,
    }
