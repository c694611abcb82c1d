"""Demo complaints (监督举报): a year of history for 示范区, a few dozen live complaints, and
a 12345 hotline export to import.

History
-------
About 5,000 complaints (one for every ten historical cases) over the 365 days before the
anchor, from every channel, in every category of design §1 (`data_complaints`), written the
way residents and enterprises write: short and long, some with typos or dialect words, some
in traditional characters. About 60 % give a name and a (fictional, 1380000xxxx) phone,
sealed with `complaints.identity.seal` into their own table; the rest are anonymous. Some
name a cadre of the unit, a few its head (routed to the supervision office), and integrity
complaints go to discipline inspection: `complaints.routing.route` decides, as in `triage`.
A few hot spots (the same problem reported by many people within weeks) are grouped into
ComplaintCluster rows by `complaints.similarity`, in time order, as `file_complaint` and the
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

Live
----
About thirty complaints go through `complaints.actions` with `at=` in the recent past, so
that right now there are complaints in every state (待甄别分办, 待响应 (one overdue), 办理中,
已答复待回访, 不满意, 已办结, reopened) in the demo accounts' unit (MKT: `staff`, `head`),
the slow unit, with discipline inspection (`discipline`) and with the office (`office`),
plus a fresh hot spot of near-duplicates.

Hotline
-------
`hotline_rows` plans a 12345 export (GBK CSV, the headers such systems use) and
`write_hotline_sample` writes it; demo/data/hotline_12345_sample.csv is one such file
(`manage.py demo_hotline_file` writes a fresh one dated before today). The build creates the
matching HotlineSource with its column mapping, so the file can be imported as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import zhconv
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max

from complaints import actions
from complaints.classifier import classify_many
from complaints.identity import Identity, seal
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintCategory,
    ComplaintCluster,
    ComplaintEvent,
    HotlineSource,
)
from complaints.routing import route
from complaints.similarity import ClusterIndex, signatures
from demo import data
from demo import data_complaints as phrases
from demo.bulk import Row, insert_rows, load_batches, write_batch
from demo.cases import (
    OFFICE_CLOSE,
    OFFICE_OPEN,
    LiveClock,
    _at,
    _minute_of,
    _Workdays,
    cases_rng,
    observe_clock,
    resident_id_number,
)
from org.models import Staff, Unit
from zuofeng.audit.chain import record
from zuofeng.duty import clock
from zuofeng.duty.models import Duty, Escalation
from zuofeng.workdays.calendar import add_workdays, local_date

COMPLAINTS_PER_CASE = 0.1  # 50,000 historical cases → 5,000 complaints
MIN_COMPLAINTS = 400  # a small demo (tests) still shows every category, channel and state
HISTORY_DAYS = 365
BATCH = 5_000  # complaints per bulk batch, and per `demo.load_complaints` audit event
IDENTIFIED_SHARE = 0.6
HOTLINE_SOURCE = "示范区12345政务服务便民热线"
HOTLINE_SAMPLE = Path(__file__).with_name("data") / "hotline_12345_sample.csv"
HOTLINE_SAMPLE_ROWS = 800
# Our field → the 12345 export's column header (complaints.hotline.FIELDS names the fields).
HOTLINE_COLUMNS: dict[str, str] = {
    "ticket": "工单编号",
    "received_at": "来电时间",
    "text": "诉求内容",
    "unit": "涉及单位",
    "caller_name": "来电人",
    "caller_phone": "来电号码",
    "caller_id_number": "证件号码",
    "place": "事发地址",
    "subject_name": "被反映人",
    "channel_detail": "来电渠道",
}
# Columns a 12345 export has that we do not import.
HOTLINE_EXTRA_COLUMNS = ("诉求类型", "工单状态")
STAFF_CHANNELS = frozenset(actions.STAFF_CHANNELS)
OFFICE_HOURS_CHANNELS = frozenset(("letter", "visit", "forum", "survey"))


def complaint_count(cases: int) -> int:
    """How many historical complaints go with `cases` historical cases (0 for none)."""
    return max(MIN_COMPLAINTS, round(cases * COMPLAINTS_PER_CASE)) if cases > 0 else 0


# --- the district, as read from the database ---------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    name: str
    short_name: str
    head: str  # the head's name as people write it ("" without a head)
    staff: tuple[int, ...]  # user ids that handle complaints (the head last)
    cadres: tuple[tuple[str, str], ...]  # (name, title) of the unit's people
    matters: tuple[str, ...]


@dataclass(frozen=True)
class District:
    units: dict[str, UnitInfo]
    office: UnitInfo
    discipline: UnitInfo
    resolve_days: dict[str, int]

    @classmethod
    def from_db(cls) -> District:
        members: dict[int, list[Staff]] = {}
        for staff in Staff.objects.select_related("user").order_by("user__username"):
            members.setdefault(staff.unit_id, []).append(staff)
        matters: dict[int, list[str]] = {}
        from catalog.models import Matter

        for unit_id, name in Matter.objects.public().order_by("code").values_list("unit", "name"):
            matters.setdefault(unit_id, []).append(name)
        units: dict[str, UnitInfo] = {}
        for unit in Unit.objects.active().select_related("head").order_by("sort_order", "code"):
            people = members.get(unit.pk, [])
            staff = [s.user_id for s in people if s.user_id != unit.head_id]
            units[unit.code] = UnitInfo(
                pk=unit.pk,
                code=unit.code,
                name=unit.name,
                short_name=unit.short_name or unit.name,
                head=_written_name(unit.head) if unit.head else "",
                staff=tuple(staff + ([unit.head_id] if unit.head_id else [])),
                cadres=tuple((_written_name(s.user), s.title) for s in people),
                matters=tuple(matters.get(unit.pk, ())),
            )
        office = next(u for u in units.values() if u.code == data.SUPERVISION.code)
        discipline = next(u for u in units.values() if u.code == data.DISCIPLINE.code)
        resolve_days = dict(ComplaintCategory.objects.values_list("code", "resolve_workdays"))
        return cls(units, office, discipline, resolve_days)

    @classmethod
    def from_plans(cls, seed: int) -> District:
        """The district as the builder plans it for `seed`, without a database (names only:
        no primary keys, no resolution limits)."""
        from demo.builder import all_unit_specs, plan_matters, plan_people

        people: dict[str, list[tuple[str, str, bool]]] = {}
        for person in plan_people(seed):
            if person.unit:
                people.setdefault(person.unit, []).append(
                    (person.full_name, person.title, person.is_head)
                )
        matters: dict[str, list[str]] = {}
        for matter in plan_matters(seed):
            matters.setdefault(matter.unit, []).append(matter.name)
        units = {
            spec.code: UnitInfo(
                pk=0,
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                head=next((n for n, _, head in people.get(spec.code, []) if head), ""),
                staff=(),
                cadres=tuple((n, t) for n, t, _ in people.get(spec.code, [])),
                matters=tuple(matters.get(spec.code, ())),
            )
            for spec in all_unit_specs()
        }
        return cls(units, units[data.SUPERVISION.code], units[data.DISCIPLINE.code], {})


def _written_name(user: User) -> str:
    return (user.get_full_name() or user.username).replace(" ", "")


# --- what the complainants write ----------------------------------------------------------


class Writer:
    """Complaint texts and complainants, drawn from data_complaints with one RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones = 0
        self.people = 0

    def _fill(self, template: str, unit: UnitInfo, cadre: str) -> str:
        rng = self.rng
        return template.format(
            unit=unit.short_name,
            place=rng.choice(phrases.PLACES),
            matter=rng.choice(unit.matters) if unit.matters else "这件事",
            cadre=cadre or "工作人员",
            days=rng.choice((3, 5, 7, 10, 15, 20, 30)),
            times=rng.choice(("三", "四", "五", "七", "十几")),
            money=rng.choice(phrases.MONEY),
            trade=rng.choice(phrases.TRADES),
        )

    def cadre(self, unit: UnitInfo, head: bool) -> tuple[str, str]:
        """(how the text refers to the cadre, the subject_name triage records)."""
        rng = self.rng
        if head and unit.head:
            return f"{unit.short_name}的一把手{unit.head}", unit.head
        staff = [(name, title) for name, title in unit.cadres if name != unit.head]
        if not staff:
            return "", ""
        name, title = rng.choice(staff)
        form = rng.choice(phrases.CADRE_FORMS)
        short_title = title[-2:] if title.endswith(("科长", "主任", "局长")) else "干部"
        said = form.format(name=name, surname=name[0], title=short_title)
        return said, name if "{name}" in form else said

    def text(self, category: str, unit: UnitInfo, cadre: str) -> str:
        rng = self.rng
        length = rng.random()
        cores = rng.sample(phrases.CORES[category], 2)
        details = rng.sample(phrases.DETAILS[category], 2)
        feelings = rng.sample(phrases.FEELINGS, 2)
        parts = [self._fill(cores[0], unit, cadre)]
        if length > 0.35:
            parts.insert(0, self._fill(rng.choice(phrases.OPENERS), unit, cadre))
        if length > 0.55:
            parts.append(self._fill(details[0], unit, cadre))
        if length > 0.75:
            parts.append(feelings[0])
        if length > 0.88:  # the long, rambling ones: the story once more, and more feelings
            parts.append(self._fill(details[1], unit, cadre))
            parts.append("说实话" + feelings[1])
            parts.append(self._fill(cores[1], unit, cadre))
        if cadre and not any(cadre in part for part in parts):
            parts.append(rng.choice(phrases.CADRE_MENTIONS).format(cadre=cadre))
        if length > 0.2:
            parts.append(rng.choice(phrases.CLOSERS))
        text = _joined(rng, [part for part in parts if part])
        if rng.random() < 0.12:
            right, wrong = rng.choice(phrases.TYPOS)
            text = text.replace(right, wrong, 1)
        if rng.random() < 0.04:
            variant = rng.choice(tuple(phrases.TRADITIONAL_OPENERS))
            opener = rng.choice(phrases.TRADITIONAL_OPENERS[variant])
            text = opener + zhconv.convert(text, variant)
        return text

    def hotspot_text(self, core: str) -> str:
        rng = self.rng
        return rng.choice(phrases.HOTSPOT_ADDITIONS) + core + rng.choice(phrases.HOTSPOT_ADDITIONS)

    def identity(self, enterprise: bool) -> Identity:
        """A fictional complainant: 1380000xxxx phones, IDs in the fictional region 999999."""
        rng = self.rng
        self.people += 1
        self.phones = (self.phones + 1) % 10_000
        name = rng.choice(data.SURNAMES) + "".join(
            rng.sample(data.GIVEN_NAME_CHARS, 2 if rng.random() < 0.7 else 1)
        )
        id_number = ""
        if rng.random() < 0.4:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
            id_number = resident_id_number(birth, self.people)
        contact = ""
        if enterprise:
            trade = "".join(rng.sample(data.ENTERPRISE_NAME_CHARS, 2))
            contact = f"{data.DISTRICT}{trade}{rng.choice(phrases.TRADES)}" + rng.choice(
                phrases.ENTERPRISE_SUFFIXES
            )
        elif rng.random() < 0.2:
            contact = f"{rng.choice(phrases.PLACES)}{rng.randint(1, 30)}栋{rng.randint(101, 2602)}"
        return Identity(
            name=name, phone=f"1380000{self.phones:04d}", id_number=id_number, contact=contact
        )


def _joined(rng: random.Random, parts: list[str]) -> str:
    """Sentences run together the way people type them: a comma or a full stop between
    two, nothing after one that already ends, sometimes nothing at the very end."""
    text = ""
    for i, part in enumerate(parts):
        text += part
        if part[-1] in "，。！？：；,.!?":
            continue
        last = i == len(parts) - 1
        text += rng.choice(("。", "！", "")) if last else rng.choice(("，", "，", "。", "！"))
    return text


# --- the plan of one complaint ------------------------------------------------------------


@dataclass
class Draft:
    """A complaint before it happens: what, about whom, when, from whom."""

    received_at: dt.datetime
    channel: str
    category: str
    unit: UnitInfo
    text: str
    subject_name: str = ""
    subject_is_head: bool = False
    unit_known: bool = True  # the channel said which unit; else triage works it out
    identity: Identity = field(default_factory=Identity)
    hotspot: bool = False


def _weighted(rng: random.Random, shares: dict[str, float]) -> str:
    keys = list(shares)
    return rng.choices(keys, cum_weights=list(accumulate(shares.values())))[0]


def _unit_weights(district: District, category: str) -> list[tuple[UnitInfo, float]]:
    favoured = phrases.CATEGORY_UNITS.get(category, ())
    weights = []
    for unit in district.units.values():
        if unit.code in (district.office.code, district.discipline.code):
            continue
        weight = 3.0 if unit.code in favoured else 1.0
        if unit.code == data.SLOW_UNIT and category in ("service", "bureaucratism"):
            weight *= 2  # the slow unit is complained about more
        weights.append((unit, weight))
    return weights


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
        self.units_by_category = {
            category: _unit_weights(district, category) for category in phrases.CATEGORY_SHARES
        }
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

    def _moment(self, day: dt.date, channel: str) -> dt.datetime:
        rng = self.rng
        if channel in OFFICE_HOURS_CHANNELS:
            day = self.days.add(day, 0)
            return _at(day, rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 1), rng.randrange(60))
        if channel == "hotline":
            return _at(day, rng.randint(7 * 60, 22 * 60), rng.randrange(60))
        return _at(day, rng.randint(6 * 60, 23 * 60 + 59), rng.randrange(60))

    def _day(self) -> dt.date:
        rng = self.rng
        # A little busier every month, and Mondays bring the weekend's complaints.
        while True:
            offset = rng.randrange(HISTORY_DAYS)
            day = self.first_day + dt.timedelta(days=offset)
            weight = (0.85 + 0.3 * offset / HISTORY_DAYS) * (1.2 if day.weekday() == 0 else 1.0)
            if rng.random() < weight / 1.4:
                return day

    def _draft(self, category: str, day: dt.date, channel: str | None = None) -> Draft:
        rng, writer = self.rng, self.writer
        channel = channel or _weighted(rng, phrases.CHANNEL_SHARES)
        candidates = self.units_by_category[category]
        unit = rng.choices(
            [u for u, _ in candidates], cum_weights=list(accumulate(w for _, w in candidates))
        )[0]
        said, subject, head = "", "", False
        if category != "other" and rng.random() < 0.2:
            head = rng.random() < 0.15
            said, subject = writer.cadre(unit, head)
            head = head and subject == unit.head
        text = writer.text(category, unit, said)
        enterprise = category == "bureaucratism" and rng.random() < 0.5
        identified = rng.random() < (0.35 if category == "integrity" else IDENTIFIED_SHARE + 0.02)
        return Draft(
            received_at=self._moment(day, channel),
            channel=channel,
            category=category,
            unit=unit,
            text=text,
            subject_name=subject,
            subject_is_head=head,
            unit_known=channel not in ("web", "open311") or rng.random() < 0.8,
            identity=writer.identity(enterprise) if identified else Identity(),
        )

    def drafts(self) -> list[Draft]:
        rng = self.rng
        hotspot_total = sum(spot[3] for spot in phrases.HOTSPOTS)
        regular = max(0, self.count - hotspot_total)
        drafts = [
            self._draft(_weighted(rng, phrases.CATEGORY_SHARES), self._day())
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
                draft = self._draft(category, day, channel)
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

    def simulate(self, draft: Draft, pk: int, cluster_id: int | None) -> _Planned:
        rng, district = self.rng, self.district
        office = district.office
        received = draft.received_at
        code_bits = rng.getrandbits(128).to_bytes(16, "big")
        complaint = _SimComplaint(
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
        planned = _Planned(complaint)
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

    def _observe(self, planned: _Planned, at: dt.datetime) -> None:
        for level, when in observe_clock(planned.complaint, at, self.office_after, self.days.add):
            planned.escalate(level, when)

    def _triage(self, planned: _Planned, draft: Draft) -> None:
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

    def _handle(self, planned: _Planned, draft: Draft) -> None:
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

    def batches(self, first_pk: int, first_cluster_pk: int) -> Iterator[list[_Planned]]:
        drafts = self.drafts()
        texts = [draft.text for draft in drafts]
        predictions = classify_many(texts)
        sigs = signatures(texts)
        clusters = _Clusters(first_cluster_pk)
        planned: list[_Planned] = []
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


class _SimComplaint(Row):
    clock_running = Duty.clock_running

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(_complaint_defaults())
        self.__dict__.update(values)


@lru_cache(maxsize=1)
def _complaint_defaults() -> dict[str, Any]:
    return {f.attname: f.get_default() for f in Complaint._meta.concrete_fields}


@dataclass
class _Planned:
    complaint: _SimComplaint
    events: list[Row] = field(default_factory=list)
    escalations: dict[int, dt.datetime] = field(default_factory=dict)
    identity: Row | None = None

    def event(
        self, kind: str, at: dt.datetime, actor: int | None, *, note: str = "", public: str = ""
    ) -> None:
        self.events.append(
            Row(
                complaint_id=self.complaint.id,
                kind=kind,
                at=at,
                actor_id=actor,
                note=note,
                public_note=public[:500],
            )
        )

    def escalate(self, level: int, when: dt.datetime) -> None:
        # One escalation per level per duty (the sweep's unique constraint), even when the
        # clock restarts for the answer or a reopen.
        self.escalations.setdefault(level, when)


class _Clusters:
    """Near-duplicate groups, formed in time order as _join_cluster forms them."""

    def __init__(self, first_pk: int) -> None:
        self.index = ClusterIndex()
        self.next_pk = first_pk
        self.rows: list[Row] = []
        self.members: dict[int, int] = {}  # complaint pk → cluster pk

    def join(self, pk: int, unit_id: int | None, at: dt.datetime, signature: bytes) -> int | None:
        match = self.index.match(unit_id, at, signature)
        cluster_id = None
        if match is not None:
            if match.cluster_id is None:
                row = Row(
                    id=self.next_pk,
                    unit_id=unit_id,
                    first_id=match.complaint_id,
                    size=1,
                    last_at=match.received_at,
                )
                self.next_pk += 1
                self.rows.append(row)
                self.members[match.complaint_id] = row.id
                match.cluster_id = row.id
            cluster_id = match.cluster_id
            self.members[pk] = cluster_id
            row = self.rows[cluster_id - self.rows[0].id]
            row.size += 1
            row.last_at = at
        self.index.add(unit_id, pk, cluster_id, at, signature)
        return cluster_id

    def finish(self, planned: list[_Planned], first_pk: int) -> None:
        """Give the first member of each group (which joined before there was a group) its
        cluster."""
        for pk, cluster_id in self.members.items():
            planned[pk - first_pk].complaint.cluster_id = cluster_id


# --- writing -------------------------------------------------------------------------------


def _write(batch: list[_Planned]) -> dict[str, int]:
    complaints = [one.complaint for one in batch]
    events = [event for one in batch for event in one.events]
    identities = [one.identity for one in batch if one.identity is not None]
    escalations = [
        Row(
            duty_type=Complaint._meta.label_lower,
            duty_id=str(one.complaint.id),
            duty_label=one.complaint.number,
            unit_id=one.complaint.handling_unit_id,
            level=level,
            created_at=when,
            due_at=one.complaint.due_at,
        )
        for one in batch
        for level, when in one.escalations.items()
    ]
    first, last = complaints[0], complaints[-1]
    return write_batch(
        {
            "complaints": (Complaint, complaints),
            "complaint_events": (ComplaintEvent, events),
            "complainant_identities": (ComplainantIdentity, identities),
            "complaint_escalations": (Escalation, escalations),
        },
        action="demo.load_complaints",
        object_type=Complaint._meta.label_lower,
        object_id=f"{first.id}-{last.id}",
        object_label=f"演示历史举报 {first.number} 至 {last.number}",
        reason="演示数据：按举报办理规则批量载入历史举报（每批一条审计记录）",
    )


def load_history(seed: int, anchor: dt.date, count: int, district: District) -> dict[str, int]:
    """Bulk-load `count` historical complaints (and their groups); returns row counts."""
    first_pk = (Complaint.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    first_cluster = (ComplaintCluster.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    planner = Planner(seed, anchor, count, district)
    batches = list(planner.batches(first_pk, first_cluster))
    # Groups first: the complaints point at them (and they at their first complaint, which
    # the database checks at commit).
    insert_rows(ComplaintCluster, planner.clusters)
    totals = load_batches(map(_write, batches), sequences=[Complaint, ComplaintCluster])
    totals["complaint_clusters"] = len(planner.clusters)
    return totals


def plan_history(seed: int, anchor: dt.date, count: int, district: District) -> list[_Planned]:
    """The rows `load_history` writes into empty tables, without writing them (for tests)."""
    planner = Planner(seed, anchor, count, district)
    return [one for batch in planner.batches(1, 1) for one in batch]


# --- live complaints: through the real actions ----------------------------------------------


@dataclass(frozen=True)
class LiveComplaint:
    """One live complaint: filed at (working days before today, minute past midnight), then
    its steps, each (step, working days before today, minute)."""

    name: str
    unit: str
    category: str
    channel: str
    filed: tuple[int, int]
    steps: tuple[tuple[str, int, int], ...] = ()
    cadre: bool = False
    head: bool = False
    anonymous: bool = False
    unit_unknown: bool = False


def _answered(days: int) -> tuple[tuple[str, int, int], ...]:
    """Triage, response and answer, ending `days` working days ago."""
    return (
        ("triage", -days - 4, 9 * 60 + 20),
        ("respond", -days - 4, 14 * 60),
        ("answer", -days, 15 * 60 + 30),
    )


LIVE_COMPLAINTS: tuple[LiveComplaint, ...] = (
    LiveComplaint("web, to triage", "MKT", "service", "web", (0, 7 * 60 + 40)),
    LiveComplaint(
        "open311, unit unknown", "URB", "other", "open311", (-1, 22 * 60), unit_unknown=True
    ),
    LiveComplaint("hotline, to triage", "MKT", "mindset", "hotline", (0, 8 * 60 + 45), cadre=True),
    LiveComplaint(
        "letter, to triage", "HOU", "bureaucratism", "letter", (0, 9 * 60), anonymous=True
    ),
    LiveComplaint("routed", "MKT", "service", "web", (-1, 20 * 60), (("triage", 0, 8 * 60 + 50),)),
    LiveComplaint(
        "routed, overdue", "MKT", "service", "hotline", (-5, 10 * 60), (("triage", -4, 9 * 60),)
    ),
    LiveComplaint(
        "slow unit, overdue", "HOU", "service", "hotline", (-8, 16 * 60), (("triage", -7, 9 * 60),)
    ),
    LiveComplaint(
        "handling",
        "MKT",
        "service",
        "visit",
        (-3, 10 * 60),
        (("triage", -3, 11 * 60), ("respond", -2, 9 * 60 + 30)),
        cadre=True,
    ),
    LiveComplaint(
        "handling, late answer",
        "HOU",
        "mindset",
        "web",
        (-14, 21 * 60),
        (("triage", -13, 9 * 60), ("respond", -11, 16 * 60)),
    ),
    LiveComplaint(
        "integrity, routed",
        "URB",
        "integrity",
        "web",
        (-1, 23 * 60),
        (("triage", 0, 9 * 60 + 10),),
        cadre=True,
        anonymous=True,
    ),
    LiveComplaint(
        "integrity, handling",
        "MKT",
        "integrity",
        "letter",
        (-6, 9 * 60),
        (("triage", -6, 10 * 60), ("respond", -5, 10 * 60)),
        cadre=True,
    ),
    LiveComplaint(
        "about the head",
        "MKT",
        "bureaucratism",
        "hotline",
        (-4, 15 * 60),
        (("triage", -3, 9 * 60), ("respond", -3, 15 * 60)),
        head=True,
    ),
    LiveComplaint("answered", "MKT", "service", "web", (-7, 19 * 60), _answered(1)),
    LiveComplaint("answered, survey", "QSZ", "formalism", "survey", (-8, 10 * 60), _answered(2)),
    LiveComplaint(
        "dissatisfied",
        "MKT",
        "service",
        "hotline",
        (-10, 11 * 60),
        (*_answered(4), ("callback:dissatisfied", -2, 10 * 60)),
    ),
    LiveComplaint(
        "closed, satisfied",
        "MKT",
        "service",
        "web",
        (-12, 8 * 60),
        (*_answered(6), ("callback:satisfied", -4, 10 * 60)),
    ),
    LiveComplaint(
        "closed, basic, forum",
        "LXZ",
        "disconnect",
        "forum",
        (-12, 14 * 60),
        (*_answered(6), ("callback:basic", -3, 15 * 60)),
    ),
    LiveComplaint(
        "closed, unreachable",
        "WAT",
        "other",
        "hotline",
        (-11, 9 * 60),
        (*_answered(5), ("callback:unreachable", -2, 16 * 60)),
    ),
    LiveComplaint(
        "closed by the office",
        "TRA",
        "service",
        "open311",
        (-20, 18 * 60),
        (*_answered(12), ("callback:dissatisfied", -10, 10 * 60), ("close", -1, 11 * 60)),
    ),
    LiveComplaint(
        "reopened, handling",
        "MKT",
        "service",
        "web",
        (-16, 20 * 60),
        (*_answered(9), ("callback:dissatisfied", -7, 10 * 60), ("reopen", -5, 21 * 60)),
    ),
    LiveComplaint(
        "reopened, closed",
        "HRS",
        "service",
        "hotline",
        (-22, 10 * 60),
        (
            *_answered(15),
            ("callback:dissatisfied", -13, 10 * 60),
            ("reopen", -12, 20 * 60),
            ("answer", -6, 11 * 60),
            ("callback:basic", -4, 15 * 60),
        ),
    ),
)
# A fresh hot spot: the same problem from several people in the last days (still in triage).
LIVE_HOTSPOT = (
    "MKT",
    "service",
    "市场监管局窗口这周办食品经营许可证要排三个小时队，叫号机坏了也没人管，工作人员说等系统恢复",
    5,
)


class _LiveComplaints(LiveClock):
    def __init__(self, seed: int, district: District, now: dt.datetime) -> None:
        super().__init__(now)
        self.rng = cases_rng(seed, "live-complaints")
        self.writer = Writer(cases_rng(seed, "live-complaint-texts"))
        self.writer.phones = 9_000  # a different run of fake numbers from the history's start
        self.district = district
        ids = {pk for unit in district.units.values() for pk in unit.staff}
        self.users = User.objects.in_bulk(ids)
        self.units = Unit.objects.in_bulk([u.pk for u in district.units.values()])
        self.made = 0

    def moment(self, at: tuple[int, int]) -> dt.datetime:
        offset, minute = at
        return self.when(self.workday(offset), minute)

    def _user(self, unit: UnitInfo, fixed: str) -> User:
        users = [self.users[pk] for pk in unit.staff]
        return next((u for u in users if u.username == fixed), users[0])

    def build(self) -> int:
        office = self._user(self.district.office, "office")
        for plan in LIVE_COMPLAINTS:
            if plan.unit in self.district.units:
                self._one(plan, office)
        code, _category, core, size = LIVE_HOTSPOT
        unit = self.district.units.get(code)
        if unit is not None:
            for n in range(size):
                identity = self.writer.identity(False) if n % 2 else Identity()
                actions.file_complaint(
                    actor=None,
                    channel="web",
                    text=self.writer.hotspot_text(core),
                    unit=self.units[unit.pk],
                    identity=identity,
                    at=self.moment((-(n % 3), 8 * 60 + 37 * n)),
                )
                self.made += 1
        return self.made

    def _one(self, plan: LiveComplaint, office: User) -> None:
        unit = self.district.units[plan.unit]
        said, subject = self.writer.cadre(unit, plan.head) if plan.cadre or plan.head else ("", "")
        identity = Identity() if plan.anonymous else self.writer.identity(False)
        staff_channel = plan.channel in STAFF_CHANNELS
        complaint, _code = actions.file_complaint(
            actor=office if staff_channel else None,
            channel=plan.channel,
            text=self.writer.text(plan.category, unit, said),
            unit=None if plan.unit_unknown else self.units[unit.pk],
            subject_name=subject,
            identity=identity,
            at=self.moment(plan.filed),
        )
        self.made += 1
        handler: User | None = None
        for step, offset, minute in plan.steps:
            at = self.moment((offset, minute))
            if step == "triage":
                complaint = actions.triage(
                    actor=office,
                    complaint=complaint,
                    category=plan.category,
                    unit=self.units[unit.pk],
                    at=at,
                )
                handling = next(
                    u for u in self.district.units.values() if u.pk == complaint.handling_unit_id
                )
                handler = self._user(
                    handling,
                    {"MKT": "staff", "DCS": "office", "JJW": "discipline"}.get(handling.code, ""),
                )
            elif step == "respond":
                assert handler is not None
                complaint = actions.respond(
                    actor=handler,
                    complaint=complaint,
                    note=self.rng.choice(phrases.RESPONSE_NOTES),
                    at=at,
                )
            elif step == "answer":
                assert handler is not None
                complaint = actions.answer(
                    actor=handler,
                    complaint=complaint,
                    text=self.rng.choice(phrases.ANSWERS[plan.category]),
                    at=at,
                )
            elif step.startswith("callback:"):
                result = step.removeprefix("callback:")
                complaint = actions.record_callback(
                    actor=office,
                    complaint=complaint,
                    result=result,
                    note=phrases.CALLBACK_NOTES[result],
                    at=at,
                )
            elif step == "reopen":
                complaint = actions.reopen(
                    complaint=complaint, reason=self.rng.choice(phrases.REOPEN_REASONS), at=at
                )
            elif step == "close":
                complaint = actions.close(
                    actor=office,
                    complaint=complaint,
                    reason=self.rng.choice(phrases.CLOSE_REASONS),
                    at=at,
                )
            else:
                raise ValueError(f"unknown live complaint step {step!r}")


# --- the 12345 hotline export ---------------------------------------------------------------


def hotline_rows(
    seed: int, anchor: dt.date, count: int = HOTLINE_SAMPLE_ROWS
) -> list[dict[str, str]]:
    """A 12345 export of the `count` calls of the two weeks before `anchor`, by header.

    Two rows are deliberately bad, as real exports have them: one with no text, and one
    ticket exported twice. Pure function of (seed, anchor); needs no database."""
    rng = cases_rng(seed, "hotline-file")
    planner = Planner.__new__(Planner)
    planner.rng = rng
    planner.writer = Writer(cases_rng(seed, "hotline-file-texts"))
    planner.writer.phones = 5_000
    district = District.from_plans(seed)
    planner.district = district
    planner.units_by_category = {
        category: _unit_weights(district, category) for category in phrases.CATEGORY_SHARES
    }
    planner.days = _Workdays(anchor - dt.timedelta(days=20), anchor + dt.timedelta(days=5))
    rows: list[dict[str, str]] = []
    kinds = {"other": ("咨询", "求助", "建议")}
    for n in range(count):
        category = _weighted(rng, phrases.CATEGORY_SHARES)
        day = anchor - dt.timedelta(days=rng.randint(1, 14))
        draft = planner._draft(category, day, "hotline")
        who = draft.identity
        row = {
            HOTLINE_COLUMNS["ticket"]: f"GD{day:%Y%m%d}{60_000 + n:05d}",
            HOTLINE_COLUMNS["received_at"]: f"{draft.received_at:%Y-%m-%d %H:%M:%S}",
            HOTLINE_COLUMNS["caller_name"]: who.name or "匿名",
            HOTLINE_COLUMNS["caller_phone"]: who.phone,
            HOTLINE_COLUMNS["caller_id_number"]: who.id_number,
            "诉求类型": rng.choice(kinds.get(category, ("投诉", "投诉", "举报"))),
            HOTLINE_COLUMNS["channel_detail"]: rng.choice(("电话", "电话", "电话", "微信", "网站")),
            HOTLINE_COLUMNS["text"]: draft.text,
            HOTLINE_COLUMNS["unit"]: draft.unit.name,
            HOTLINE_COLUMNS["place"]: rng.choice(phrases.PLACES) if rng.random() < 0.6 else "",
            HOTLINE_COLUMNS["subject_name"]: draft.subject_name,
            "工单状态": "待派单",
        }
        rows.append(row)
    rows.sort(key=lambda row: row[HOTLINE_COLUMNS["received_at"]])
    if len(rows) >= 10:
        rows[len(rows) // 3][HOTLINE_COLUMNS["text"]] = ""
        rows.insert(len(rows) // 2, dict(rows[len(rows) // 2 - 1]))
    return rows


HOTLINE_HEADERS = (
    HOTLINE_COLUMNS["ticket"],
    HOTLINE_COLUMNS["received_at"],
    "诉求类型",
    HOTLINE_COLUMNS["channel_detail"],
    HOTLINE_COLUMNS["caller_name"],
    HOTLINE_COLUMNS["caller_phone"],
    HOTLINE_COLUMNS["caller_id_number"],
    HOTLINE_COLUMNS["text"],
    HOTLINE_COLUMNS["unit"],
    HOTLINE_COLUMNS["place"],
    HOTLINE_COLUMNS["subject_name"],
    "工单状态",
)


def hotline_csv(rows: list[dict[str, str]]) -> bytes:
    """The rows as the 12345 system exports them: GBK, CRLF, every field quoted."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=HOTLINE_HEADERS, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    # GBK has every character of the simplified texts; the traditional ones it lacks
    # (a few HK forms) become "?" the way such exports mangle them.
    return out.getvalue().encode("gbk", errors="replace")


def write_hotline_sample(
    path: Path, seed: int, anchor: dt.date, count: int = HOTLINE_SAMPLE_ROWS
) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = hotline_rows(seed, anchor, count)
    path.write_bytes(hotline_csv(rows))
    return len(rows)


def create_hotline_source() -> HotlineSource:
    """The 12345 source of the sample file, with its saved column mapping."""
    source = HotlineSource.objects.create(name=HOTLINE_SOURCE, column_map=dict(HOTLINE_COLUMNS))
    record(
        actor=None,
        action="demo.create_hotline_source",
        obj=source,
        after={"name": source.name, "column_map": source.column_map},
        reason="演示数据：12345 热线导出文件的列对应关系",
    )
    return source


# --- the step -----------------------------------------------------------------------------


def build_complaints(seed: int, anchor: dt.date, *, now: dt.datetime, count: int) -> dict[str, int]:
    """Bulk-load `count` historical complaints before `anchor`, add the live ones through the
    actions and the hotline source. Call inside the build's transaction, before the sweep."""
    if count <= 0:
        return {"complaints": 0}
    district = District.from_db()
    totals = load_history(seed, anchor, count, district)
    live = _LiveComplaints(seed, district, now).build()
    create_hotline_source()
    return {
        "complaints": totals.get("complaints", 0) + live,
        "history_complaints": totals.get("complaints", 0),
        "live_complaints": live,
        **{key: value for key, value in totals.items() if key != "complaints"},
    }
