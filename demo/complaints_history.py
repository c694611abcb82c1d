"""The bulk-loaded year of demo complaints (监督举报).

About 5,000 complaints (one for every ten historical cases) over the 365 days before the
anchor, from every channel, in every category of design §1 (`data_complaints`), written the
way residents and enterprises write: short and long, some with typos or dialect words, some
in traditional characters. About 60 % give a name and a (fictional, 1380000xxxx) phone,
sealed with `complaints.identity.seal` into their own table; the rest are anonymous. Some
name a cadre of the unit, a few its head (routed to the supervision office), and integrity
complaints go to discipline inspection: `complaints.handling.routing.route` decides, as in `triage`.
A few hot spots (the same problem reported by many people within weeks) are grouped into
ComplaintCluster rows by `complaints.intake.similarity`, in time order, as `file_complaint` and the
hotline import group them.

Each complaint then goes triage → respond → answer → callback (满意 / 基本满意 / 不满意 /
联系不上), and a dissatisfied complainant reopens it once or the office closes it, with the
clock computed by `zuofeng.duty.clock` on in-memory rows exactly as the actions do. The
classifier's suggestion is computed for every text (`classify_many`); triage confirms the
category the complainant actually meant, so where the model was wrong the row shows a
correction. The slow unit of the cases demo (data.SLOW_UNIT) responds and answers late
much more often and satisfies fewer complainants, so the three rates differ between units.
Steps that would fall after the anchor have not happened: those complaints are still open,
and the clock sweep at the end of the build gives them their warnings and escalations.

Like the cases (demo.cases explains why), the history is bulk-loaded, ONE audit event
(`demo.load_complaints`) per batch, and is a pure function of (seed, anchor, the district).

Split from the live complaints and the hotline sample because this part alone is
planned in memory and written in bulk (demo.bulk); the drafts come from
demo.complaints_text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Max

from complaints import actions
from complaints.classifier import classify_many
from complaints.handling.routing import route
from complaints.identity import seal
from complaints.intake.similarity import signatures
from complaints.models import Complaint, ComplaintCluster, ComplaintEvent
from demo import data
from demo import data_complaints as phrases
from demo.bulk import Row, load_batches
from demo.cases import (
    OFFICE_CLOSE,
    OFFICE_OPEN,
    _at,
    _minute_of,
    _Workdays,
    cases_rng,
    observe_clock,
)
from demo.complaints_rows import Clusters, Planned, SimComplaint, write_planned
from demo.complaints_text import STAFF_CHANNELS, District, Draft, Drafter, Writer, weighted
from org.models import Unit
from zuofeng.bulk import insert_rows
from zuofeng.duty import clock
from zuofeng.workdays.calendar import add_workdays, local_date

COMPLAINTS_PER_CASE = 0.1  # 50,000 historical cases → 5,000 complaints
MIN_COMPLAINTS = 400  # a small demo (tests) still shows every category, channel and state
HISTORY_DAYS = 365
BATCH = 5_000  # complaints per bulk batch, and per `demo.load_complaints` audit event


def complaint_count(cases: int) -> int:
    """How many historical complaints go with `cases` historical cases (0 for none)."""
    return max(MIN_COMPLAINTS, round(cases * COMPLAINTS_PER_CASE)) if cases > 0 else 0


class Planner:
    """Plans the year before `anchor`: which complaints, and everything that happened."""

    def __init__(self, seed: int, anchor: dt.date, count: int, district: District) -> None:
        self.rng = cases_rng(seed, "complaints")
        self.writer = Writer(cases_rng(seed, "complaint-texts"))
        self.anchor = anchor
        self.count = count
        self.district = district
        self.cutoff = _at(anchor, 0)
        self.first_day = anchor - dt.timedelta(days=HISTORY_DAYS)
        self.days = _Workdays(self.first_day - dt.timedelta(days=10), anchor + dt.timedelta(40))
        self.office_after = int(settings.ZUOFENG["DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS"])
        self.respond_days = int(settings.ZUOFENG["COMPLAINT_RESPOND_WORKDAYS"])
        self.drafter = Drafter(self.rng, self.writer, district, self.days)
        # Each handling unit: (late response, late answer, dissatisfied callbacks); the slow
        # unit is planted, every other gets a slightly different profile.
        self.profiles: dict[int, tuple[float, float, float]] = {
            unit.pk: (0.45, 0.40, 0.30)
            if unit.code == data.SLOW_UNIT
            else (
                round(self.rng.uniform(0.02, 0.12), 3),
                round(self.rng.uniform(0.04, 0.14), 3),
                round(self.rng.uniform(0.06, 0.14), 3),
            )
            for unit in district.units.values()
        }
        self._routes: dict[tuple[str, int, bool], int] = {}
        self._unit_objects = Unit.objects.in_bulk([u.pk for u in district.units.values()])

    # -- which complaints ------------------------------------------------------------------

    def _day(self) -> dt.date:
        rng = self.rng
        # A little busier every month, and Mondays bring the weekend's complaints.
        while True:
            offset = rng.randrange(HISTORY_DAYS)
            day = self.first_day + dt.timedelta(days=offset)
            weight = (0.85 + 0.3 * offset / HISTORY_DAYS) * (1.2 if day.weekday() == 0 else 1.0)
            if rng.random() < weight / 1.4:
                return day

    def drafts(self) -> list[Draft]:
        rng = self.rng
        hotspot_total = sum(spot[3] for spot in phrases.HOTSPOTS)
        regular = max(0, self.count - hotspot_total)
        drafts = [
            self.drafter.draft(weighted(rng, phrases.CATEGORY_SHARES), self._day())
            for _ in range(regular)
        ]
        for number, (code, category, core, size, spread) in enumerate(phrases.HOTSPOTS):
            unit = self.district.units.get(code)
            if unit is None:
                continue
            # The first hot spot is current (the office sees it now); the others are spread.
            latest = 2 if number == 0 else rng.randint(spread + 5, HISTORY_DAYS - 1)
            start = self.anchor - dt.timedelta(days=latest + spread)
            start = max(start, self.first_day)
            for _ in range(size):
                day = start + dt.timedelta(days=int(rng.triangular(0, spread, spread * 0.3)))
                channel = rng.choice(("hotline", "hotline", "web", "web", "open311", "visit"))
                draft = self.drafter.draft(category, day, channel)
                draft.unit, draft.unit_known, draft.hotspot = unit, True, True
                draft.subject_name, draft.subject_is_head = "", False
                draft.text = self.writer.hotspot_text(core)
                drafts.append(draft)
        drafts = [d for d in drafts if d.received_at < self.cutoff]
        drafts.sort(key=lambda d: d.received_at)
        return drafts

    # -- routing and moments ---------------------------------------------------------------

    def handling_unit(self, draft: Draft) -> int:
        key = (draft.category, draft.unit.pk, draft.subject_is_head)
        if key not in self._routes:
            unit = route(
                category=draft.category,
                unit=self._unit_objects[draft.unit.pk],
                subject_is_head=draft.subject_is_head,
            )
            assert unit is not None
            self._routes[key] = unit.pk
        return self._routes[key]

    def _office_moment(self, after: dt.datetime, low: int, high: int) -> dt.datetime:
        """A moment in office hours `low`..`high` working days after `after`, later than it."""
        rng = self.rng
        count = rng.randint(low, high)
        start = local_date(after)
        day = self.days.add(start, count)
        earliest = OFFICE_OPEN
        if day == start:
            earliest = _minute_of(after) + rng.randint(5, 60)
            if earliest >= OFFICE_CLOSE - 5:
                day, earliest = self.days.add(start, 1), OFFICE_OPEN
        return _at(day, rng.randint(earliest, OFFICE_CLOSE - 1), rng.randrange(60))

    def _late(self, due: dt.datetime, after: dt.datetime, most: int) -> dt.datetime:
        moment = self._office_moment(due, 1, most)
        return max(moment, after + dt.timedelta(minutes=30))

    def _on_time(self, after: dt.datetime, due: dt.datetime) -> dt.datetime:
        """A moment between `after` and `due` (working hours when there is room)."""
        rng = self.rng
        span = 0
        while self.days.add(local_date(after), span + 1) <= local_date(due) and span < 30:
            span += 1
        moment = self._office_moment(after, 0, min(span, int(rng.triangular(0, span + 1, 1))))
        return min(moment, due - dt.timedelta(minutes=rng.randint(1, 90)))

    # -- one complaint's life --------------------------------------------------------------

    def simulate(self, draft: Draft, pk: int, cluster_id: int | None) -> Planned:
        rng, district = self.rng, self.district
        office = district.office
        received = draft.received_at
        code_bits = rng.getrandbits(128).to_bytes(16, "big")
        complaint = SimComplaint(
            id=pk,
            number=f"JB{local_date(received):%Y%m%d}{pk:06d}",
            receipt_hash=hashlib.sha256(code_bits.hex().encode()).hexdigest(),
            token=rng.getrandbits(128).to_bytes(16, "big").hex(),
            channel=draft.channel,
            text=draft.text,
            place="",
            unit_id=draft.unit.pk if draft.unit_known else None,
            subject_name=draft.subject_name,
            subject_is_head=draft.subject_is_head,
            status=Complaint.Status.TRIAGE,
            received_at=received,
            cluster_id=cluster_id,
        )
        planned = Planned(complaint)
        filer = rng.choice(office.staff) if draft.channel in STAFF_CHANNELS else None
        planned.event(
            ComplaintEvent.Kind.FILED,
            received,
            filer,
            public=f"已收到您的举报（{Complaint.Channel(draft.channel).label}），正在甄别分办。",
        )
        try:
            self._triage(planned, draft)
            self._handle(planned, draft)
        except _PastAnchor:
            pass
        return planned

    def _check(self, at: dt.datetime) -> None:
        if at >= self.cutoff:
            raise _PastAnchor

    def _observe(self, planned: Planned, at: dt.datetime) -> None:
        for level, when in observe_clock(planned.complaint, at, self.office_after, self.days.add):
            planned.escalate(level, when)

    def _triage(self, planned: Planned, draft: Draft) -> None:
        rng, complaint = self.rng, planned.complaint
        at = self._office_moment(draft.received_at, 0, 1 if rng.random() < 0.8 else 2)
        self._check(at)
        handling = self.handling_unit(draft)
        complaint.unit_id = draft.unit.pk
        complaint.category_id = draft.category
        complaint.handling_unit_id = handling
        complaint.triaged_at = at
        complaint.triaged_by_id = rng.choice(self.district.office.staff)
        complaint.status = Complaint.Status.ROUTED
        clock.start_clock(complaint, at=at, limit_workdays=self.respond_days)
        complaint.respond_due_at = complaint.due_at
        complaint.resolve_due_at = add_workdays(at, self.district.resolve_days[draft.category])
        corrected = draft.category != complaint.suggested_category_id
        name = self._handler_name(handling)
        planned.event(
            ComplaintEvent.Kind.TRIAGED,
            at,
            complaint.triaged_by_id,
            note=phrases.TRIAGE_NOTES["correct" if corrected else "confirm"],
            public=f"已转交{name}办理。",
        )

    def _handler_name(self, pk: int) -> str:
        return next(u.name for u in self.district.units.values() if u.pk == pk)

    def _staff_of(self, pk: int) -> int:
        unit = next(u for u in self.district.units.values() if u.pk == pk)
        return self.rng.choice(unit.staff[:-1] or unit.staff)

    def _handle(self, planned: Planned, draft: Draft) -> None:
        rng, complaint = self.rng, planned.complaint
        late_response, late_answer, unhappy = self.profiles[complaint.handling_unit_id]
        staff = self._staff_of(complaint.handling_unit_id)
        due = complaint.respond_due_at
        if rng.random() < (0.02 if draft.unit.code != data.SLOW_UNIT else 0.06):
            # Left lying for weeks, escalated on the way.
            at = self._late(due, complaint.triaged_at, rng.randint(6, 25))
        elif rng.random() < late_response:
            at = self._late(due, complaint.triaged_at, 4)
        else:
            at = self._on_time(complaint.triaged_at, due)
        self._check(at)
        self._observe(planned, at)
        complaint.responded_at = at
        complaint.status = Complaint.Status.HANDLING
        clock.restart_clock(
            complaint,
            at=complaint.triaged_at,
            limit_workdays=self.district.resolve_days[draft.category],
        )
        planned.event(
            ComplaintEvent.Kind.RESPONDED,
            at,
            staff,
            note=rng.choice(phrases.RESPONSE_NOTES),
            public="承办单位已受理您的举报，正在调查处理。",
        )
        for round_ in range(2):
            due = complaint.due_at
            late = rng.random() < late_answer
            at = self._late(due, at, 8) if late else self._on_time(at, due)
            self._check(at)
            self._observe(planned, at)
            clock.stop_clock(complaint, at=at)
            text = rng.choice(phrases.ANSWERS[draft.category])
            complaint.answer = text
            complaint.answered_at = at
            complaint.first_answered_at = complaint.first_answered_at or at
            complaint.status = Complaint.Status.ANSWERED
            planned.event(ComplaintEvent.Kind.ANSWERED, at, staff, public=text)

            at = self._office_moment(at, 1, 4)
            self._check(at)
            result = self._callback(unhappy)
            public = actions.apply_callback(complaint, result, at)
            reopenable = complaint.status == Complaint.Status.DISSATISFIED
            planned.event(
                ComplaintEvent.Kind.CALLBACK,
                at,
                rng.choice(self.district.office.staff),
                note=phrases.CALLBACK_NOTES[result],
                public=public,
            )
            if not reopenable:
                return
            if round_ == 1 or rng.random() >= 0.5:
                # Dissatisfied and did not ask again: the office closes it after a while.
                at = self._office_moment(at, 6, 12)
                self._check(at)
                reason = rng.choice(phrases.CLOSE_REASONS)
                complaint.status = Complaint.Status.CLOSED
                complaint.closed_at = at
                planned.event(
                    ComplaintEvent.Kind.CLOSED,
                    at,
                    rng.choice(self.district.office.staff),
                    note=reason,
                    public="督查室已办结该举报。",
                )
                return
            at = at + dt.timedelta(days=rng.randint(1, 6), minutes=rng.randint(10, 600))
            self._check(at)
            reason = rng.choice(phrases.REOPEN_REASONS)
            complaint.reopen_count += 1
            complaint.status = Complaint.Status.HANDLING
            complaint.callback = ""
            complaint.callback_at = None
            complaint.answered_at = None
            clock.restart_clock(
                complaint, at=at, limit_workdays=self.district.resolve_days[draft.category]
            )
            planned.event(
                ComplaintEvent.Kind.REOPENED, at, None, note=reason, public="已按您的要求重新办理。"
            )

    def _callback(self, unhappy: float) -> str:
        draw = self.rng.random()
        if draw < 0.07:
            return Complaint.Callback.UNREACHABLE
        if draw < 0.07 + unhappy:
            return Complaint.Callback.DISSATISFIED
        if draw < 0.07 + unhappy + 0.25:
            return Complaint.Callback.BASIC
        return Complaint.Callback.SATISFIED

    # -- the whole year ------------------------------------------------------------------

    def batches(self, first_pk: int, first_cluster_pk: int) -> Iterator[list[Planned]]:
        drafts = self.drafts()
        texts = [draft.text for draft in drafts]
        predictions = classify_many(texts)
        sigs = signatures(texts)
        clusters = Clusters(first_cluster_pk)
        planned: list[Planned] = []
        for i, (draft, prediction, signature) in enumerate(
            zip(drafts, predictions, sigs, strict=True)
        ):
            pk = first_pk + i
            unit_id = draft.unit.pk if draft.unit_known else None
            cluster_id = clusters.join(pk, unit_id, draft.received_at, signature)
            one = self.simulate(draft, pk, cluster_id)
            one.complaint.signature = signature
            one.complaint.suggested_category_id = prediction.category
            one.complaint.confidence = round(float(prediction.confidence), 4)
            one.complaint.category_words = list(prediction.words)[:8]
            if one.complaint.category_id is not None:
                corrected = one.complaint.category_id != prediction.category
                for event in one.events:
                    if event.kind == ComplaintEvent.Kind.TRIAGED:
                        event.note = phrases.TRIAGE_NOTES["correct" if corrected else "confirm"]
            if draft.channel == "hotline":
                one.complaint.hotline_ticket = f"GD{local_date(draft.received_at):%Y%m%d}{pk:05d}"
            if not draft.identity.is_empty:
                one.identity = Row(complaint_id=pk, user_id=None, sealed=seal(draft.identity))
            planned.append(one)
        clusters.finish(planned, first_pk)
        self.clusters = clusters.rows
        for start in range(0, len(planned), BATCH):
            yield planned[start : start + BATCH]


class _PastAnchor(Exception):
    """The next step would happen after the history ends: the complaint stays open."""


def load_history(seed: int, anchor: dt.date, count: int, district: District) -> dict[str, int]:
    """Bulk-load `count` historical complaints (and their groups); returns row counts."""
    first_pk = (Complaint.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    first_cluster = (ComplaintCluster.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    planner = Planner(seed, anchor, count, district)
    batches = list(planner.batches(first_pk, first_cluster))
    # Groups first: the complaints point at them (and they at their first complaint, which
    # the database checks at commit).
    insert_rows(ComplaintCluster, planner.clusters)
    totals = load_batches(map(write_planned, batches), sequences=[Complaint, ComplaintCluster])
    totals["complaint_clusters"] = len(planner.clusters)
    return totals


def plan_history(seed: int, anchor: dt.date, count: int, district: District) -> list[Planned]:
    """The rows `load_history` writes into empty tables, without writing them (for tests)."""
    planner = Planner(seed, anchor, count, district)
    return [one for batch in planner.batches(1, 1) for one in batch]
