"""The demo's ratings: a year of bulk-loaded ratings and rectifications with a worse-rated
slow unit, then live ratings through the actions in every rectification state, with appeals.

One build of 2,000 historical cases is shared by the class (rolled back afterwards), with
the clock frozen at a fixed moment, as in test_demo_cases.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Count, F

from cases.models import Case
from demo import data
from demo.cases import Catalogue
from demo.ratings import BATCH, LIVE_RATINGS, LIVE_UNIT, DecidedCase, plan_rating_history
from demo.tests.conftest import ANCHOR, COUNT, CUTOFF, NOW, SEED
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
from evaluations.stats import monthly_results
from org.models import Unit
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty import clock
from zuofeng.duty.models import Escalation, EscalationLevel, WarningLevel
from zuofeng.workdays.calendar import add_workdays, local_date

LIVE = len(LIVE_RATINGS)


def live_ratings() -> Any:
    """The ratings made through rate_case (each audited); the rest are the bulk history."""
    audited = AuditEvent.objects.filter(action="evaluations.rate_case").values("object_id")
    return Evaluation.objects.filter(pk__in=[int(row["object_id"]) for row in audited])


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def decided_history() -> Any:
    return Case.objects.filter(pk__lte=COUNT, status__in=RATABLE_STATUSES)


@pytest.mark.django_db
@pytest.mark.usefixtures("built")
class TestDemoRatings:
    def test_the_build_reports_its_ratings(self, built: str) -> None:
        assert f"评价 {Evaluation.objects.count()} 条" in built

    def test_most_decided_cases_are_rated_once_after_their_decision(self) -> None:
        decided = decided_history().count()
        rated = Evaluation.objects.filter(case__pk__lte=COUNT).count()
        assert 0.62 <= rate(rated, decided) <= 0.75
        # One rating per case (一事一评), only of decided cases, after the decision.
        assert not Evaluation.objects.values("case").annotate(n=Count("pk")).filter(n__gt=1)
        assert not Evaluation.objects.exclude(case__status__in=RATABLE_STATUSES).exists()
        assert not Evaluation.objects.filter(created_at__lte=F("case__decided_at")).exists()
        assert not Evaluation.objects.filter(created_at__gt=NOW).exists()
        # The rating answers for the unit that decided the case.
        assert not Evaluation.objects.exclude(unit=F("case__unit")).exists()
        # The history stops at the anchor, like the cases' history.
        history = Evaluation.objects.exclude(pk__in=live_ratings().values("pk"))
        assert not history.filter(created_at__gte=CUTOFF).exists()

    def test_levels_tags_comments_and_channels_are_realistic(self) -> None:
        ratings = Evaluation.objects.filter(case__pk__lte=COUNT)
        total = ratings.count()
        levels = Counter(ratings.values_list("level", flat=True))
        good = levels[Level.VERY_SATISFIED] + levels[Level.SATISFIED]
        bad = sum(levels[level] for level in BAD_LEVELS)
        assert 0.80 <= rate(good, total) <= 0.92
        assert 0.05 <= rate(levels[Level.BASIC], total) <= 0.12
        assert 0.03 <= rate(bad, total) <= 0.09
        assert levels[Level.VERY_SATISFIED] > levels[Level.SATISFIED]
        sources = Counter(ratings.values_list("source", flat=True))
        assert sources[Evaluation.Source.SMS_LINK] > total / 2
        assert sources[Evaluation.Source.HALL_DEVICE] and sources[Evaluation.Source.PHONE]
        assert not sources[Evaluation.Source.DEFAULT]  # off by default
        rows = ratings.values_list(
            "case__channel", "tags", "comment", "allow_publication", "anonymous", "level"
        )
        with_comment = published = anonymous = bad_with_comment = 0
        for channel, tags, comment, allow, anon, level in rows:
            allowed = ONLINE_TAGS if channel == Case.Channel.ONLINE else HALL_TAGS
            assert set(tags) <= set(allowed), (channel, tags)
            assert len(tags) == len(set(tags))
            assert not allow or comment  # only a comment can be published
            with_comment += bool(comment)
            published += allow
            anonymous += anon
            bad_with_comment += bool(comment) and level in BAD_LEVELS
        assert 0.15 <= rate(with_comment, total) <= 0.45
        assert published and anonymous
        assert bad_with_comment >= 0.7 * bad

    def test_the_slow_unit_is_rated_worst(self) -> None:
        year_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for back in range(1, 13):
            month = (ANCHOR.month - back - 1) % 12 + 1
            year = ANCHOR.year - (1 if month >= ANCHOR.month else 0)
            for result in monthly_results(year, month, now=NOW):
                totals = year_totals[result.unit.code]
                totals[0] += result.ratings
                totals[1] += result.very_satisfied + result.satisfied
                totals[2] += result.rectifications
                totals[3] += result.rectified_on_time
        # Over the year, among units with a fair sample: clearly the worst.
        satisfaction = {
            code: rate(good, n) for code, (n, good, _, _) in year_totals.items() if n >= 30
        }
        ranked = sorted(satisfaction, key=satisfaction.get)
        assert ranked[0] == data.SLOW_UNIT
        assert satisfaction[data.SLOW_UNIT] < satisfaction[ranked[1]] - 0.05
        # Its rectifications are late more often than the district's.
        slow = year_totals[data.SLOW_UNIT]
        district = [sum(t[i] for t in year_totals.values()) for i in range(4)]
        assert rate(slow[3], slow[2]) < rate(district[3], district[2]) - 0.1
        # In the last full month, as published: the lowest rate of the units with five
        # ratings or more (a 2,000-case demo gives the slow unit a handful a month).
        month = monthly_results(2025, 5, now=NOW)
        published = {r.unit.code: r.satisfaction_rate for r in month if r.ratings >= 5}
        assert min(published, key=published.get) == data.SLOW_UNIT

    def test_every_bad_rating_opens_one_consistent_rectification(self) -> None:
        bad = Evaluation.objects.filter(level__in=BAD_LEVELS, is_default=False)
        assert Rectification.objects.count() == bad.count()
        assert not bad.filter(rectification__isnull=True).exists()
        verify_days = int(settings.ZUOFENG["RECTIFY_VERIFY_WORKDAYS"])
        finish_days = int(settings.ZUOFENG["RECTIFY_FINISH_WORKDAYS"])
        heads = dict(Unit.objects.values_list("pk", "head_id"))
        for order in Rectification.objects.select_related("evaluation"):
            evaluation = order.evaluation
            opened = order.opened_at
            assert opened == evaluation.created_at, order
            assert order.unit_id == evaluation.unit_id, order
            assert order.number == f"ZG{local_date(opened):%Y%m%d}{evaluation.pk:06d}"
            assert order.clock_started_at == opened and order.limit_workdays == finish_days
            assert order.due_at == add_workdays(opened, finish_days), order
            assert order.verify_due_at == min(add_workdays(opened, verify_days), order.due_at)
            moments = [
                m
                for m in (
                    opened,
                    order.verified_at,
                    order.rectified_at,
                    order.callback_at,
                    order.closed_at,
                )
                if m is not None
            ]
            assert moments == sorted(moments), order
            assert max(moments) <= NOW
            filled = {
                Rectification.Status.VERIFYING: 0,
                Rectification.Status.RECTIFYING: 1,
                Rectification.Status.CALLBACK: 2,
                Rectification.Status.APPROVAL: 3,
                Rectification.Status.CLOSED: 4,
            }
            if order.status in filled and not order.returned_for_quality:
                assert len(moments) - 1 == filled[order.status], order
            if order.status == Rectification.Status.CLOSED:
                assert order.clock_stopped_at == order.closed_at, order
                assert order.approved_by_id == heads[order.unit_id], order
                assert order.outcome and order.measures and order.finding and order.callback_answer
                if order.closed_at > order.due_at:
                    assert order.warning_level == WarningLevel.RED, order
                    assert order.escalation_level >= EscalationLevel.HEAD, order
            else:
                assert order.closed_at is None and order.approved_by_id is None, order
            if order.callback_answer == Rectification.CallbackAnswer.UNREACHABLE:
                assert order.re_rating is None

    def test_most_rectifications_close_on_time_the_slow_units_often_late(self) -> None:
        closed = Rectification.objects.filter(status=Rectification.Status.CLOSED)
        late = closed.filter(closed_at__gt=F("due_at"))
        assert 0.04 <= rate(late.count(), closed.count()) <= 0.3
        slow = closed.filter(unit__code=data.SLOW_UNIT)
        assert rate(late.filter(unit__code=data.SLOW_UNIT).count(), slow.count()) >= 0.25

    def test_every_escalation_of_a_rectification_is_recorded(self) -> None:
        recorded = Counter(
            int(duty_id)
            for duty_id in Escalation.objects.filter(
                duty_type="evaluations.rectification"
            ).values_list("duty_id", flat=True)
        )
        levels = dict(Rectification.objects.values_list("pk", "escalation_level"))
        assert recorded == Counter({pk: level for pk, level in levels.items() if level})
        assert recorded  # some were late

    def test_the_sweep_ran_after_the_ratings(self) -> None:
        """Every running clock shows what the sweep computes now: it ran last."""
        running = Rectification.objects.filter(
            clock_started_at__isnull=False, clock_stopped_at__isnull=True
        )
        assert running.exists()
        for order in running:
            assert order.warning_level == clock.warning_for(order, NOW), order
            assert order.escalation_level == clock.escalation_for(order, NOW), order

    def test_every_rectification_state_exists_in_the_demo_accounts_unit(self) -> None:
        market = Rectification.objects.filter(unit__code=LIVE_UNIT)
        assert set(market.values_list("status", flat=True)) == set(Rectification.Status.values)
        returned = market.get(returned_for_quality=True)
        assert returned.status == Rectification.Status.RECTIFYING
        assert returned.warning_level in (WarningLevel.YELLOW, WarningLevel.RED)
        assert market.filter(
            status__in=[Rectification.Status.RECTIFYING],
            warning_level=WarningLevel.RED,
            escalation_level=EscalationLevel.OFFICE,
        ).exists()
        assert set(Rectification.objects.values_list("warning_level", flat=True)) >= {
            WarningLevel.NONE,
            WarningLevel.YELLOW,
            WarningLevel.RED,
        }

    def test_appeals_in_each_state(self) -> None:
        appeals = {appeal.status: appeal for appeal in Appeal.objects.select_related("evaluation")}
        assert set(appeals) == set(Appeal.Status.values)
        assert Appeal.objects.count() == 3
        upheld = appeals[Appeal.Status.UPHELD]
        assert upheld.evaluation.excluded and upheld.decided_at and upheld.decided_by_id
        order = upheld.evaluation.rectification
        assert order.status == Rectification.Status.WITHDRAWN
        assert order.clock_stopped_at == upheld.decided_at
        rejected = appeals[Appeal.Status.REJECTED]
        assert not rejected.evaluation.excluded
        assert rejected.evaluation.rectification.is_open
        pending = appeals[Appeal.Status.PENDING]
        assert pending.decided_at is None and not pending.evaluation.excluded
        for appeal in appeals.values():
            assert appeal.unit.code == LIVE_UNIT
            assert appeal.filed_at > appeal.evaluation.created_at
            assert appeal.decided_at is None or appeal.decided_at > appeal.filed_at

    def test_live_ratings_went_through_the_audited_actions(self) -> None:
        live = live_ratings()
        assert live.count() == LIVE
        assert set(live.values_list("unit__code", flat=True)) == {LIVE_UNIT}
        for action in (
            "evaluations.open_rectification",
            "evaluations.verify_rectification",
            "evaluations.rectify",
            "evaluations.record_callback",
            "evaluations.approve_rectification",
            "evaluations.return_rectification",
            "evaluations.withdraw_rectification",
            "evaluations.file_appeal",
            "evaluations.decide_appeal",
            "evaluations.exclude_evaluation",
        ):
            assert AuditEvent.objects.filter(action=action).exists(), action
        assert live.filter(source=Evaluation.Source.HALL_DEVICE, rated_by__username="window")

    def test_history_is_audited_one_event_per_batch_and_the_chain_verifies(self) -> None:
        loads = list(AuditEvent.objects.filter(action="demo.load_ratings").order_by("pk"))
        decided = decided_history().count()
        assert len(loads) == -(-decided // BATCH)
        live = AuditEvent.objects.filter(action="evaluations.rate_case").count()
        assert sum(event.after["evaluations"] for event in loads) == Evaluation.objects.count() - (
            live
        )
        assert sum(event.after["rectifications"] for event in loads) == (
            Rectification.objects.count()
            - AuditEvent.objects.filter(action="evaluations.open_rectification").count()
        )
        # The ratings come after the cases in the chain, and the sweep after both.
        cases_done = AuditEvent.objects.filter(action="demo.load_cases").latest("pk").pk
        assert loads[0].pk > cases_done
        assert verify_chain() is None

    def test_history_is_deterministic_for_seed_and_anchor(self) -> None:
        catalogue = Catalogue.from_db()
        cases = DecidedCase.history(COUNT)

        def planned(seed: int, anchor: dt.date) -> list[tuple[Any, ...]]:
            return [
                (
                    p.evaluation.id,
                    p.evaluation.case_id,
                    p.evaluation.level,
                    p.evaluation.created_at,
                    p.evaluation.source,
                    p.rectification.status if p.rectification else None,
                    p.rectification.closed_at if p.rectification else None,
                )
                for p in plan_rating_history(seed, anchor, cases, catalogue)
            ]

        first = planned(SEED, ANCHOR)
        assert first == planned(SEED, ANCHOR)
        stored = Evaluation.objects.filter(pk__lte=len(first)).order_by("pk")
        orders = dict(Rectification.objects.values_list("evaluation_id", "closed_at"))
        assert [
            (e.pk, e.case_id, e.level, e.created_at, e.source, orders.get(e.pk)) for e in stored
        ] == [(row[0], row[1], row[2], row[3], row[4], row[6]) for row in first]
        assert planned(SEED + 1, ANCHOR)[:50] != first[:50]

    def test_a_configured_default_rating_goes_to_unrated_cases(self) -> None:
        catalogue = Catalogue.from_db()
        cases = DecidedCase.history(COUNT)
        plain = plan_rating_history(SEED, ANCHOR, cases, catalogue)
        zuofeng = {**settings.ZUOFENG, "RATING_DEFAULT_LEVEL": 3, "RATING_DEFAULT_AFTER_DAYS": 7}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "ZUOFENG", zuofeng)
            planned = plan_rating_history(SEED, ANCHOR, cases, catalogue)
        defaults = [p for p in planned if p.evaluation.is_default]
        assert len(planned) > len(plain) and len(defaults) == len(planned) - len(plain)
        decided = {case.pk: case.decided_at for case in cases}
        for p in defaults:
            assert p.evaluation.level == Level.BASIC and p.rectification is None
            assert p.evaluation.source == Evaluation.Source.DEFAULT
            assert p.evaluation.created_at == decided[p.evaluation.case_id] + dt.timedelta(days=7)
            assert p.evaluation.created_at < CUTOFF
