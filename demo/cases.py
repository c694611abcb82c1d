"""Demo cases (办件): a year of history for 示范区, then about twenty live cases.

Why the history is bulk-loaded while live behaviour goes through the actions
----------------------------------------------------------------------------
A realistic year is ~50,000 cases. Through `cases.actions` that would be ~300,000 single-row
INSERTs and ~250,000 audit events, each taking the audit chain's lock: minutes on SQLite,
where `make run` must build the demo in well under a minute. So the history is *computed*
with the rules the actions follow: the same duty-clock functions (`zuofeng.duty.clock`) on
in-memory cases, the same working-day calendar, the same 一次性告知 / 推诿 / 明进暗不进 flags,
the same timeline texts. It is then written with `bulk_create` in batches, and each batch is
recorded by ONE audit event (`demo.load_cases`, with the batch's row counts), so the audit
chain still says where every historical row came from. The newest cases instead go through
the real actions (`submit_case`, `accept_case`, ... with `at=` in the recent past), so the
latest activity has per-case audit events exactly like real work, and the clock sweep then
brings every warning level and escalation up to the moment of the build.

Determinism
-----------
The history is a pure function of (seed, anchor, catalogue), and the catalogue is itself
deterministic for the seed. The anchor is a date (default: the local date the build runs):
the history covers the 365 days before it and stops at its midnight; open cases show the
warning levels and escalations they had at that midnight. So the data are deterministic for
a given seed and build date (or `--anchor`). The live cases are placed relative to the
moment of the build and get real random query codes, like any case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import chinese_calendar
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from cases import actions
from cases.actions import QUERY_CODE_ALPHABET
from cases.models import Case, CaseEvent, SupplementRequest, Transfer
from catalog.models import Matter
from demo import data
from demo.bulk import DutyRow, Row, load_batches, write_batch
from org.models import Staff, Unit
from org.roles import Role
from zuofeng.duty import clock
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.registry import DutyKind, registered_duties
from zuofeng.duty.sweep import ESCALATION_AUDIENCE, WARNING_TITLES, sweep
from zuofeng.workdays.calendar import (
    LIBRARY_YEARS,
    LOCAL_TZ,
    add_workdays_to_date,
    is_workday,
    local_date,
)

DEFAULT_CASES = 50_000
HISTORY_DAYS = 365
BATCH = 5_000  # cases per bulk batch, and per `demo.load_cases` audit event
# A planted unit gets at least this share of the volume, so its pattern shows in a small
# demo (tests build 2,000 cases) as clearly as in the full one.
MIN_PLANTED_SHARE = 0.03

FAR_FUTURE = dt.date(9000, 1, 1)
OFFICE_OPEN = 8 * 60 + 30  # minutes after midnight, local time
OFFICE_CLOSE = 17 * 60 + 30
CHANNELS = (
    Case.Channel.WINDOW,
    Case.Channel.ONLINE,
    Case.Channel.PHONE,
    Case.Channel.SELF_SERVICE,
)
# The weekday factor of a working day's volume (Mondays are busiest; a 调休 Saturday is quiet).
WEEKDAY_VOLUME = (1.15, 1.05, 1.0, 1.0, 0.9, 0.8, 0.8)


class _FastRandom(random.Random):
    """random.Random whose randint, randrange and choice take one random() each: as
    deterministic, and several times faster than the originals' rejection sampling (the
    history draws a few million numbers)."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


def cases_rng(seed: int, step: str = "cases") -> random.Random:
    # Same form as demo.builder._rng: a string seed is hashed with SHA-512, stable everywhere.
    return _FastRandom(f"zuofeng-demo:{seed}:{step}")


def _query_code(rng: random.Random) -> str:
    """Eight characters of the actions' alphabet (32 symbols: five bits each)."""
    bits = rng.getrandbits(40)
    alphabet = QUERY_CODE_ALPHABET
    return "".join(alphabet[(bits >> (5 * i)) % len(alphabet)] for i in range(8))


def _at(day: dt.date, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(
        day.year, day.month, day.day, minute // 60, minute % 60, second, tzinfo=LOCAL_TZ
    )


def _minute_of(moment: dt.datetime) -> int:
    local = moment.astimezone(LOCAL_TZ)
    return local.hour * 60 + local.minute


# --- what the cases are about: the catalogue as read from the database ---------------------


@dataclass(frozen=True)
class UnitRef:
    pk: int
    code: str
    name: str
    kind: str
    window: int | None  # the window clerk's user id
    staff: tuple[int, ...]  # user ids of the staff who process cases (not the head)


@dataclass(frozen=True)
class MatterRef:
    pk: int
    code: str
    name: str
    unit: str  # unit code
    promised: int
    online: bool
    authority: str
    legal_basis: str
    materials: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    phone: str
    id_number: str
    user_id: int | None = None


@dataclass(frozen=True)
class Catalogue:
    units: dict[str, UnitRef]
    matters: tuple[MatterRef, ...]
    applicant_users: tuple[tuple[int, str], ...]  # (user id, full name) of demo applicants

    @classmethod
    def from_db(cls) -> Catalogue:
        windows = set(User.objects.filter(groups__name=Role.WINDOW).values_list("pk", flat=True))
        members: dict[int, list[int]] = {}
        for user_id, unit_id in Staff.objects.order_by("user__username").values_list(
            "user_id", "unit_id"
        ):
            members.setdefault(unit_id, []).append(user_id)
        units: dict[str, UnitRef] = {}
        for unit in Unit.objects.active().order_by("sort_order", "code"):
            ids = members.get(unit.pk, [])
            staff = [i for i in ids if i not in windows and i != unit.head_id]
            if not staff:
                staff = [i for i in ids if i not in windows]
            units[unit.code] = UnitRef(
                pk=unit.pk,
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                window=next((i for i in ids if i in windows), None),
                staff=tuple(staff),
            )
        matters = tuple(
            MatterRef(
                pk=matter.pk,
                code=matter.code,
                name=matter.name,
                unit=matter.unit.code,
                promised=matter.promised_limit_days,
                online=matter.online,
                authority=matter.window_authority,
                legal_basis=matter.legal_basis,
                materials=tuple(material.name for material in matter.materials.all()),
                steps=tuple(matter.step_list),
            )
            for matter in Matter.objects.public()
            .select_related("unit")
            .prefetch_related("materials")
            .order_by("code")
            if matter.unit.code in units and units[matter.unit.code].staff
        )
        applicant_users = tuple(
            (user.pk, user.get_full_name() or user.username)
            for user in User.objects.filter(groups__name=Role.APPLICANT).order_by("username")
        )
        return cls(units=units, matters=matters, applicant_users=applicant_users)


# --- fictional applicants ---------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Not a real administrative division: a demo ID can never be someone's real number.
FICTIONAL_REGION = "999999"


def resident_id_number(birth: dt.date, sequence: int) -> str:
    """A well-formed 18-character resident ID (GB 11643 checksum) in region 999999."""
    body = f"{FICTIONAL_REGION}{birth:%Y%m%d}{sequence % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def credit_code(sequence: int) -> str:
    """A well-formed unified social credit code (GB 32100) in region 999999."""
    org_body = f"{sequence % 100_000_000:08d}"
    org_check = 11 - sum(int(c) * w for c, w in zip(org_body, ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = org_body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    body = f"91{FICTIONAL_REGION}{org_code}"
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return body + CREDIT_CODE_CHARS[(31 - total % 31) % 31]


class _Applicants:
    """Residents and enterprises, reused now and then as real ones come back."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.residents: list[Applicant] = []
        self.enterprises: list[Applicant] = []
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()
        self.phones = 10_000  # 13900010000 on: demo staff have 1390000xxxx

    def _phone(self) -> str:
        self.phones += 1
        return f"13900{self.phones:06d}"

    def resident(self) -> Applicant:
        rng = self.rng
        if self.residents and rng.random() < 0.25:
            return rng.choice(self.residents)
        name = rng.choice(data.SURNAMES) + "".join(
            rng.sample(data.GIVEN_NAME_CHARS, 2 if rng.random() < 0.7 else 1)
        )
        while True:
            birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(22_000))
            id_number = resident_id_number(birth, rng.randrange(1000))
            if id_number not in self.used_ids:
                self.used_ids.add(id_number)
                break
        applicant = Applicant(Case.ApplicantKind.RESIDENT, name, self._phone(), id_number)
        self.residents.append(applicant)
        return applicant

    def enterprise(self) -> Applicant:
        rng = self.rng
        if self.enterprises and rng.random() < 0.5:
            return rng.choice(self.enterprises)
        while True:
            trade_name = "".join(rng.sample(data.ENTERPRISE_NAME_CHARS, 2))
            name = f"{data.DISTRICT}{trade_name}{rng.choice(data.ENTERPRISE_TRADES)}有限公司"
            if name not in self.used_names:
                self.used_names.add(name)
                break
        applicant = Applicant(
            Case.ApplicantKind.ENTERPRISE,
            name,
            self._phone(),
            credit_code(len(self.enterprises) + 1),
        )
        self.enterprises.append(applicant)
        return applicant


# --- working days, looked up once for the whole window ---------------------------------------


class _Workdays:
    """The calendar's working days between two dates, as lists: the history asks for a
    working day a few hundred thousand times. Past the range it answers FAR_FUTURE (the
    range ends after the history does); before it, it defers to the calendar."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        self.is_work = [is_workday(day) for day in self.days]
        self.workdays = [day for day, work in zip(self.days, self.is_work, strict=True) if work]
        # For each day: the index in `workdays` of the first working day on or after it.
        self.next_index: list[int] = []
        count = 0
        for work in self.is_work:
            self.next_index.append(count)
            count += work

    def _offset(self, day: dt.date) -> int | None:
        offset = (day - self.first).days
        return offset if 0 <= offset < len(self.days) else None

    def add(self, day: dt.date, count: int) -> dt.date:
        """calendar.add_workdays_to_date, from the lists."""
        offset = self._offset(day)
        if offset is None:
            return FAR_FUTURE if day > self.first else add_workdays_to_date(day, count)
        index = self.next_index[offset]  # the first working day on or after `day`
        if count > 0:
            index += count - 1 + (1 if self.is_work[offset] else 0)
        if index >= len(self.workdays):
            # Past the end of the range: after the history ends, so no one needs the date.
            return FAR_FUTURE
        return self.workdays[index]


def _is_statutory_holiday(day: dt.date) -> bool:
    """A rest day that belongs to a public holiday (no online traffic either), as opposed to
    an ordinary weekend."""
    if day.year in LIBRARY_YEARS:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return bool(on_holiday and name)
    return day.weekday() < 5


# --- rows in memory, and how they are written ------------------------------------------------


class _SimCase(DutyRow):
    """A case in memory (see DutyRow)."""

    model = Case

    @property
    def pk(self) -> int:
        return self.id


def observe_clock(
    duty: Any,
    at: dt.datetime,
    office_after: int,
    add_days: Callable[[dt.date, int], dt.date] = add_workdays_to_date,
) -> list[tuple[int, dt.datetime]]:
    """Set on an in-memory duty the warning and escalation that the sweep (running every
    minute) would have set by `at`; return the escalations it would have made on the way, as
    (level, when). A stopped or paused clock is left as it is."""
    if not duty.clock_running:
        return []
    duty.warning_level = clock.warning_for(duty, at)
    target = clock.escalation_for(duty, at)
    assert duty.due_at is not None
    made = []
    for level in range(duty.escalation_level + 1, target + 1):
        if level == EscalationLevel.OFFICE and office_after > 0:
            when = _at(add_days(local_date(duty.due_at), office_after), 0, 30)
        else:
            when = duty.due_at + dt.timedelta(seconds=30)
        made.append((level, min(when, at)))
    duty.escalation_level = target
    return made


# --- one case's history -------------------------------------------------------------------


class _PastAnchor(Exception):
    """The next step of a case would happen after the history ends: the case stays open."""


@dataclass
class _Rows:
    """A case and the rows that hang off it, before they are written."""

    case: _SimCase
    matter: MatterRef
    unit: UnitRef
    events: list[Row] = field(default_factory=list)
    supplements: list[Row] = field(default_factory=list)
    transfers: list[Row] = field(default_factory=list)
    escalations: list[tuple[int, dt.datetime, int]] = field(default_factory=list)
    previous: UnitRef | None = None  # the unit that had the case before the last transfer


@dataclass(frozen=True)
class _Submission:
    at: dt.datetime
    matter: MatterRef
    channel: str
    applicant: Applicant


class History:
    """Plans the year before `anchor`: which cases, and everything that happened to them."""

    def __init__(self, seed: int, anchor: dt.date, count: int, catalogue: Catalogue) -> None:
        self.rng = cases_rng(seed)
        self.anchor = anchor
        self.count = count
        self.catalogue = catalogue
        self.units = catalogue.units
        self.cutoff = _at(anchor, 0)
        self.first_day = anchor - dt.timedelta(days=HISTORY_DAYS)
        self.days = _Workdays(self.first_day - dt.timedelta(days=10), anchor + dt.timedelta(7))
        self.applicants = _Applicants(cases_rng(seed, "applicants"))
        self.office_after = int(settings.ZUOFENG["DUTY_ESCALATE_OFFICE_AFTER_WORKDAYS"])
        self.acceptance_limit = actions.acceptance_limit()
        self.kind = _case_duty_kind()
        self.departments = [
            unit for unit in self.units.values() if unit.kind == Unit.Kind.DEPARTMENT
        ]
        # Every other unit gets a slightly different profile, so rankings have a spread.
        self.profiles = {
            code: data.CASE_PROFILES.get(code)
            or data.CaseProfile(
                late=round(self.rng.uniform(0.02, 0.07), 3),
                supplement=round(self.rng.uniform(0.08, 0.13), 3),
            )
            for code in self.units
        }

    # -- which cases ----------------------------------------------------------------------

    def _matter_weights(self) -> list[float]:
        rng = self.rng
        weights = []
        for matter in self.catalogue.matters:
            weight = rng.lognormvariate(0, 0.8)
            for keyword, factor in data.MATTER_VOLUME:
                if keyword in matter.name:
                    weight *= factor
                    break
            if self.units[matter.unit].kind in (Unit.Kind.TOWNSHIP, Unit.Kind.STREET):
                weight *= 0.5
            if matter.authority == Matter.WindowAuthority.NOT_IN_HALL:
                weight *= 0.6
            weights.append(weight)
        total = sum(weights)
        for code in data.PLANTED_UNITS:
            own = [i for i, matter in enumerate(self.catalogue.matters) if matter.unit == code]
            share = sum(weights[i] for i in own) / total
            if own and share < MIN_PLANTED_SHARE:
                for i in own:
                    weights[i] *= MIN_PLANTED_SHARE / share
        return weights

    def _day_weights(self, online_share: float) -> list[tuple[dt.date, float, bool]]:
        """(day, weight, counters open) for every day of the window."""
        days = []
        span = HISTORY_DAYS
        for i in range(span):
            day = self.first_day + dt.timedelta(days=i)
            trend = 0.9 + 0.2 * i / span  # a little busier every month
            if is_workday(day):
                days.append((day, WEEKDAY_VOLUME[day.weekday()] * trend, True))
            elif not _is_statutory_holiday(day):
                days.append((day, data.WEEKEND_ONLINE_SHARE * online_share * trend, False))
        return days

    def submissions(self) -> list[_Submission]:
        rng = self.rng
        matters = self.catalogue.matters
        weights = self._matter_weights()
        online = [i for i, matter in enumerate(matters) if matter.online]
        online_weights = [weights[i] for i in online]
        # How often an online-capable matter is applied for online, for ONLINE_SHARE overall.
        online_rate = min(0.85, data.ONLINE_SHARE * sum(weights) / sum(online_weights))
        window, phone, kiosk = data.COUNTER_CHANNELS
        shares = {
            True: (
                window * (1 - online_rate),
                online_rate,
                phone * (1 - online_rate),
                kiosk * (1 - online_rate),
            ),
            False: (window, 0.0, phone, kiosk),
        }
        days = self._day_weights(data.ONLINE_SHARE)
        drawn_days = rng.choices(days, weights=[w for _, w, _ in days], k=self.count)
        all_cumulative = list(accumulate(weights))
        online_cumulative = list(accumulate(online_weights))
        channel_cumulative = {online: list(accumulate(s)) for online, s in shares.items()}
        planned = []
        for day, _, counters_open in drawn_days:
            if counters_open:
                matter = rng.choices(matters, cum_weights=all_cumulative)[0]
                channel = rng.choices(CHANNELS, cum_weights=channel_cumulative[matter.online])[0]
            else:
                matter = matters[rng.choices(online, cum_weights=online_cumulative)[0]]
                channel = Case.Channel.ONLINE
            if channel == Case.Channel.ONLINE:
                minute = rng.randint(7 * 60, 23 * 60 + 30)
            else:
                minute = rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 30)
            enterprise_share = (
                0.75 if any(word in matter.name for word in data.ENTERPRISE_WORDS) else 0.05
            )
            applicant = (
                self.applicants.enterprise()
                if rng.random() < enterprise_share
                else self.applicants.resident()
            )
            planned.append(
                _Submission(_at(day, minute, rng.randrange(60)), matter, channel, applicant)
            )
        # The demo applicants' accounts get a few cases each, under their own names.
        residents = [i for i, s in enumerate(planned) if s.applicant.kind == "resident"]
        for user_id, full_name in self.catalogue.applicant_users:
            me = self.applicants.resident()
            me = Applicant(me.kind, full_name, me.phone, me.id_number, user_id)
            for i in rng.sample(residents, k=min(len(residents), 6)):
                planned[i] = _Submission(planned[i].at, planned[i].matter, planned[i].channel, me)
        planned.sort(key=lambda submission: submission.at)
        return planned

    # -- moments ---------------------------------------------------------------------------

    def _moment(self, after: dt.datetime, low: int, high: int) -> dt.datetime:
        """A moment in office hours, `low`..`high` working days after `after`, later than it."""
        rng = self.rng
        count = rng.randint(low, high) if high > low else low
        start = local_date(after)
        if count == 0:
            day = self.days.add(start, 0)
            earliest = OFFICE_OPEN
            if day == start:
                earliest = max(_minute_of(after) + rng.randint(5, 90), OFFICE_OPEN)
            if earliest < OFFICE_CLOSE:
                return _at(day, rng.randint(earliest, OFFICE_CLOSE - 1), rng.randrange(60))
            count = 1
        day = self.days.add(start, count)
        return _at(day, rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 1), rng.randrange(60))

    def _check(self, at: dt.datetime) -> None:
        if at >= self.cutoff:
            raise _PastAnchor

    def _staff(self, unit: UnitRef) -> int:
        return self.rng.choice(unit.staff)

    def _event(
        self,
        rows: _Rows,
        kind: str,
        at: dt.datetime,
        actor: int | None,
        public: str,
        note: str = "",
    ) -> None:
        rows.events.append(
            Row(
                case_id=rows.case.pk,
                kind=kind,
                at=at,
                actor_id=actor,
                unit_id=rows.unit.pk,
                note=note,
                public_note=public[:300],
            )
        )

    # -- the clock, as the sweep would have seen it -----------------------------------------

    def _observe(self, rows: _Rows, at: dt.datetime) -> None:
        """Set the warning and escalation the sweep (running every minute) would have set by
        `at`, and record the escalations it would have made on the way."""
        case = rows.case
        for level, when in observe_clock(case, at, self.office_after, self.days.add):
            rows.escalations.append((level, when, case.unit_id))

    # -- the steps of a case ----------------------------------------------------------------

    def _transfer(self, rows: _Rows, at: dt.datetime, hop: int) -> None:
        case, rng = rows.case, self.rng
        self._check(at)
        self._observe(rows, at)
        origin = rows.unit
        if hop == 1 and rows.previous is not None and rng.random() < 0.6:
            target = rows.previous  # sent back to the unit that sent it (推诿)
        else:
            partners = [
                self.units[code]
                for code in data.TRANSFER_PARTNERS.get(origin.code, ())
                if code in self.units and code != origin.code
            ] or [unit for unit in self.departments if unit.code != origin.code]
            target = rng.choice(partners)
        previous = {self.units[rows.matter.unit].pk} | {t.from_unit_id for t in rows.transfers}
        is_return = target.pk in previous
        reason = (
            data.RETURN_REASON
            if is_return
            else rng.choice(data.TRANSFER_REASONS).format(unit=target.name)
        )
        transfer = Row(
            case_id=case.pk,
            from_unit_id=origin.pk,
            to_unit_id=target.pk,
            reason=reason,
            at=at,
            actor_id=self._staff(origin),
            is_return=is_return,
        )
        rows.transfers.append(transfer)
        rows.previous = origin
        case.transfer_count += 1
        case.buck_passing = case.buck_passing or is_return or case.transfer_count >= 2
        case.unit_id = target.pk
        case.handler_id = None
        if case.status == Case.Status.SUBMITTED:
            actions.set_acceptance_clock(case, at)  # the receiving unit's own period
        rows.unit = target
        self._event(
            rows,
            CaseEvent.Kind.TRANSFERRED,
            at,
            transfer.actor_id,
            f"转 {target.name} 办理",
            note=reason,
        )

    def _supplements(
        self, rows: _Rows, t: dt.datetime, rounds: int, supply_last: bool
    ) -> dt.datetime:
        case, rng, matter = rows.case, self.rng, rows.matter
        for round_ in range(rounds):
            at = self._moment(t, 0, 1 if round_ == 0 else 2)
            self._check(at)
            counter = case.channel == Case.Channel.WINDOW and rows.unit.window is not None
            actor = rows.unit.window if counter and not case.accepted_at else self._staff(rows.unit)
            self._observe(rows, at)
            is_repeat = case.supplement_count > 0
            case.supplement_count += 1
            case.one_time_rule_broken = case.one_time_rule_broken or is_repeat
            case.status_before_supplement = case.status
            if case.clock_phase == Case.ClockPhase.ACCEPTANCE:
                actions.clear_acceptance_clock(case)  # the notice answers the acceptance duty
            elif case.clock_running:
                clock.pause_clock(case, at=at)
            case.status = Case.Status.SUPPLEMENT
            pool = matter.materials or ("申请表",)
            materials = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3))))
            note = rng.choice(data.SUPPLEMENT_NOTES)
            rows.supplements.append(
                Row(
                    case_id=case.pk,
                    materials=materials,
                    note=note,
                    requested_at=at,
                    requested_by_id=actor,
                    supplied_at=None,
                    is_repeat=is_repeat,
                )
            )
            self._event(
                rows,
                CaseEvent.Kind.SUPPLEMENT_REQUESTED,
                at,
                actor,
                "请补正材料：" + "、".join(materials)[:280],
                note=note,
            )
            t = at
            if round_ == rounds - 1 and not supply_last:
                return t
            supplied = self._moment(at, 1, 6)
            self._check(supplied)
            case.status = case.status_before_supplement or Case.Status.SUBMITTED
            case.status_before_supplement = ""
            if case.clock_paused_at is not None:
                clock.resume_clock(case, at=supplied)
            elif case.status == Case.Status.SUBMITTED:
                actions.set_acceptance_clock(case, supplied)  # complete papers: a new period
            for notice in rows.supplements:
                if notice.supplied_at is None:
                    notice.supplied_at = supplied
                    notice.supplied_materials = list(notice.materials)
            by_counter = case.channel != Case.Channel.ONLINE and rng.random() < 0.7
            self._event(
                rows,
                CaseEvent.Kind.SUPPLIED,
                supplied,
                self._staff(rows.unit) if by_counter else case.applicant_user_id,
                "补正材料已提交",
            )
            t = supplied
        return t

    def _accept(self, rows: _Rows, t: dt.datetime, profile: data.CaseProfile) -> dt.datetime:
        case, rng, matter = rows.case, self.rng, rows.matter
        home = self.units[matter.unit]
        at_counter = (
            case.channel == Case.Channel.WINDOW
            and matter.authority == Matter.WindowAuthority.DECIDE
            and rows.unit is home
            and home.window is not None
            and case.supplement_count == 0
        )
        if at_counter:
            at, actor = t + dt.timedelta(minutes=rng.randint(3, 20)), home.window
        elif case.forwarded_to_back_office and rows.unit is home:
            at, actor = self._moment(t, *profile.back_office_workdays), self._staff(home)
        else:
            at, actor = self._moment(t, 0, 2), self._staff(rows.unit)
        if self._lapsed(case, at):
            return self._deem_accepted(rows)
        self._check(at)
        case.status = Case.Status.ACCEPTED
        case.accepted_at = at
        case.handler_id = actor
        clock.restart_clock(case, at=at, limit_workdays=matter.promised)
        case.clock_phase = Case.ClockPhase.PROCESSING
        due = case.due_at.astimezone(LOCAL_TZ)  # type: ignore[union-attr]
        self._event(
            rows, CaseEvent.Kind.ACCEPTED, at, actor, f"已受理，承诺 {due:%Y年%m月%d日} 前办结"
        )
        return at

    @staticmethod
    def _lapsed(case: _SimCase, at: dt.datetime) -> bool:
        """Whether the acceptance limit ran out before `at` (the sweep deems acceptance)."""
        return (
            case.clock_phase == Case.ClockPhase.ACCEPTANCE
            and case.clock_running
            and case.due_at is not None
            and at > case.due_at
        )

    def _deem_accepted(self, rows: _Rows) -> dt.datetime:
        """What `cases.actions.deem_acceptance` does when the sweep (running every minute)
        finds the acceptance limit run out: accepted from receipt, the promised clock from
        receipt, a system step on the timeline."""
        case = rows.case
        assert case.due_at is not None and case.clock_started_at is not None
        at = case.due_at + dt.timedelta(seconds=30)
        self._check(at)
        self._observe(rows, at)  # the lapse itself: red, and escalated to the head
        received = case.clock_started_at
        case.status = Case.Status.ACCEPTED
        case.accepted_at = received
        case.deemed_accepted = True
        clock.restart_clock(case, at=received, limit_workdays=rows.matter.promised)
        case.clock_phase = Case.ClockPhase.PROCESSING
        case.warning_level = clock.warning_for(case, at)
        due = case.due_at.astimezone(LOCAL_TZ)
        limit = self.acceptance_limit
        self._event(
            rows,
            CaseEvent.Kind.ACCEPTED,
            at,
            None,
            f"收到申请后 {limit} 个工作日内未作出是否受理的决定，依法自收到申请之日起视为受理，"
            f"承诺 {due:%Y年%m月%d日} 前办结",
            note=f"{limit} 个工作日内未受理、未不予受理、未一次性告知补正，依法视为受理",
        )
        return at

    def _refuse_acceptance(self, rows: _Rows, t: dt.datetime, unsupplied: bool) -> dt.datetime:
        case, rng = rows.case, self.rng
        if unsupplied:
            at = self._moment(t, 10, 20)
            reason = data.NOT_ACCEPTED_REASONS[1]
        else:
            at = self._moment(t, 0, 2)
            reason = rng.choice(
                [r for r in data.NOT_ACCEPTED_REASONS if r != data.NOT_ACCEPTED_REASONS[1]]
            )
        self._check(at)
        self._observe(rows, at)
        legal = rows.matter.legal_basis.split("；")[0]
        actor = self._staff(rows.unit)
        actions.clear_acceptance_clock(case)
        case.status = Case.Status.NOT_ACCEPTED
        case.decision_reason, case.decision_legal_basis = reason, legal
        case.decided_at = at
        self._event(
            rows,
            CaseEvent.Kind.NOT_ACCEPTED,
            at,
            actor,
            f"不予受理。理由：{reason[:120]}；依据：{legal[:120]}",
            note=reason,
        )
        return at

    def _decide(
        self, rows: _Rows, t: dt.datetime, profile: data.CaseProfile, late: bool, stuck: bool
    ) -> dt.datetime:
        case, rng, matter = rows.case, self.rng, rows.matter
        assert case.due_at is not None
        due_day = local_date(case.due_at)
        start = local_date(t)
        if stuck:
            day = self.days.add(due_day, rng.randint(15, 60))
        elif late:
            day = self.days.add(due_day, rng.randint(1, profile.late_max_workdays))
        elif due_day <= start:
            day = start
        else:
            span = 0
            while self.days.add(start, span + 1) <= due_day and span < 60:
                span += 1
            # Most cases take a good part of their time; few are done at once.
            day = self.days.add(start, min(span, int(rng.triangular(0, span + 1, span * 0.85))))
        if day > start:
            decided = _at(day, rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 1), rng.randrange(60))
        elif late or stuck:
            decided = self._moment(t, 0, 0)
        else:
            # Due today: done today, if need be just after hours.
            decided = t + dt.timedelta(minutes=rng.randint(3, 30), seconds=rng.randrange(60))
        # Processing steps in between (none for an immediate matter).
        if matter.promised > 0 and len(matter.steps) > 2:
            step_names = matter.steps[1:-1]
            moments = sorted(self._moment(t, 0, 2) for _ in range(rng.choice((0, 1, 1, 2))))
            for moment in moments:
                if t < moment < decided:
                    self._check(moment)
                    name = rng.choice(step_names)
                    self._event(
                        rows,
                        CaseEvent.Kind.STEP,
                        moment,
                        self._staff(rows.unit),
                        f"{name}环节已办理",
                        note=rng.choice(data.STEP_NOTES),
                    )
        self._check(decided)
        self._observe(rows, decided)
        approve = rng.random() >= profile.refused
        actor = self._staff(rows.unit)
        case.status = Case.Status.APPROVED if approve else Case.Status.REFUSED
        case.decided_at = decided
        if approve:
            public = "已办结：准予"
        else:
            case.decision_reason = rng.choice(data.REFUSAL_REASONS)
            case.decision_legal_basis = matter.legal_basis.split("；")[0]
            public = (
                f"已办结：不予许可。理由：{case.decision_reason[:120]}；"
                f"依据：{case.decision_legal_basis[:120]}"
            )
        clock.stop_clock(case, at=decided)
        self._event(
            rows,
            CaseEvent.Kind.APPROVED if approve else CaseEvent.Kind.REFUSED,
            decided,
            actor,
            public,
            note=case.decision_reason,
        )
        return decided

    def _close(self, rows: _Rows, t: dt.datetime) -> None:
        lag = (
            0 if rows.matter.promised == 0 and self.rng.random() < 0.7 else self.rng.randint(1, 10)
        )
        at = self._moment(t, lag, lag)
        self._check(at)
        rows.case.status = Case.Status.CLOSED
        rows.case.closed_at = at
        self._event(rows, CaseEvent.Kind.CLOSED, at, self._staff(rows.unit), "已归档")

    def simulate(self, submission: _Submission, pk: int) -> _Rows:
        rng = self.rng
        matter = submission.matter
        home = self.units[matter.unit]
        profile = self.profiles[matter.unit]
        applicant = submission.applicant
        channel = submission.channel
        at = submission.at
        case = _SimCase(
            id=pk,
            number=f"{local_date(at):%Y%m%d}{pk:06d}",
            query_code=_query_code(rng),
            matter_id=matter.pk,
            unit_id=home.pk,
            channel=channel,
            status=Case.Status.SUBMITTED,
            applicant_kind=applicant.kind,
            applicant_name=applicant.name,
            applicant_phone=applicant.phone,
            applicant_id_number=applicant.id_number,
            applicant_user_id=applicant.user_id,
            submitted_at=at,
            forwarded_to_back_office=(
                channel == Case.Channel.WINDOW
                and matter.authority == Matter.WindowAuthority.RECEIVE_ONLY
            ),
        )
        actions.set_acceptance_clock(case, at)  # accept, refuse or notify within the limit
        rows = _Rows(case, matter, home)
        if channel == Case.Channel.ONLINE:
            submitter = applicant.user_id
        elif channel == Case.Channel.WINDOW and home.window is not None:
            submitter = home.window
        else:
            submitter = self._staff(home)
        self._event(rows, CaseEvent.Kind.SUBMITTED, at, submitter, "申请已提交")
        if case.forwarded_to_back_office:
            self._event(rows, CaseEvent.Kind.FORWARDED, at, submitter, "窗口已收件，转单位后台审批")

        # What will happen to it.
        not_accepted = rng.random() < profile.not_accepted
        supplement = rng.random() < profile.supplement
        rounds = 2 if supplement and rng.random() < profile.repeat_supplement else 1
        supplement_first = supplement and (not_accepted or rng.random() < 0.6)
        draw = rng.random()
        hops = (
            2
            if draw < profile.buck_passing
            else 1
            if draw < profile.buck_passing + profile.transfer
            else 0
        )
        transfer_first = rng.random() < 0.5
        late = rng.random() < profile.late
        stuck = rng.random() < profile.stuck

        t = at
        try:
            if hops and transfer_first and not not_accepted:
                for hop in range(hops):
                    t = self._moment(t, 0, 2)
                    self._transfer(rows, t, hop)
            if supplement_first:
                unsupplied = not_accepted and rng.random() < 0.5
                t = self._supplements(rows, t, rounds, supply_last=not unsupplied)
                if not_accepted:
                    t = self._refuse_acceptance(rows, t, unsupplied)
            elif not_accepted:
                t = self._refuse_acceptance(rows, t, False)
            if not not_accepted:
                t = self._accept(rows, t, profile)
                if hops and not transfer_first:
                    for hop in range(hops):
                        t = self._moment(t, 0, 2)
                        self._transfer(rows, t, hop)
                if supplement and not supplement_first:
                    t = self._supplements(rows, t, rounds, supply_last=True)
                t = self._decide(rows, t, profile, late, stuck)
            self._close(rows, t)
        except _PastAnchor:
            if self._lapsed(rows.case, self.cutoff):
                # Lapsed on the last day before the anchor: the sweep deems it at the build.
                with contextlib.suppress(_PastAnchor):
                    self._deem_accepted(rows)
            self._observe(rows, self.cutoff)
        return rows

    def batches(self, first_pk: int) -> Iterator[list[_Rows]]:
        batch: list[_Rows] = []
        for i, submission in enumerate(self.submissions()):
            batch.append(self.simulate(submission, first_pk + i))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    # -- rows that the sweep would have written for the still-open cases ---------------------

    def notifications(self, rows: _Rows) -> list[Row]:
        case = rows.case
        if case.status not in Case.OPEN_STATUSES:
            return []
        return sweep_notifications(
            label=f"{self.kind.model._meta.verbose_name} {case.number}",
            link=self.kind.link(case.pk),
            unit_id=case.unit_id,
            warning_level=case.warning_level,
            due_at=case.due_at,
            started_at=case.accepted_at,
            escalations=rows.escalations,
            cutoff=self.cutoff,
        )


def sweep_notifications(
    *,
    label: str,
    link: str,
    unit_id: int,
    warning_level: str,
    due_at: dt.datetime | None,
    started_at: dt.datetime | None,
    escalations: Iterable[tuple[int, dt.datetime, int]],
    cutoff: dt.datetime,
) -> list[Row]:
    """The messages the sweep would have sent about a duty still open at the anchor: one for
    its current warning (dated when the sweep would have raised it, not before the clock
    started nor after the anchor) and one per escalation (level, when, unit to tell)."""
    notes = []
    level = WarningLevel(warning_level)
    if level in WARNING_TITLES and due_at is not None:
        due_day = _at(local_date(due_at), 0)
        since = {
            WarningLevel.RED: due_at + dt.timedelta(seconds=30),
            WarningLevel.YELLOW: due_day,
            WarningLevel.BLUE: due_day - dt.timedelta(days=1),
        }[level]
        notes.append(
            Row(
                unit_id=unit_id,
                audience=Notification.Audience.UNIT_STAFF,
                title=f"{label} {WARNING_TITLES[level]}",
                link=link,
                created_at=min(max(since, started_at or since), cutoff),
            )
        )
    for level_value, when, escalated_unit_id in escalations:
        escalation = EscalationLevel(level_value)
        notes.append(
            Row(
                unit_id=escalated_unit_id,
                audience=ESCALATION_AUDIENCE[escalation],
                title=f"超期升级：{label}（{escalation.label}）",
                link=link,
                created_at=when,
            )
        )
    return notes


def _case_duty_kind() -> DutyKind:
    return next(kind for kind in registered_duties() if kind.model is Case)


def _write(history: History, batch: list[_Rows]) -> dict[str, int]:
    cases = [rows.case for rows in batch]
    events = [event for rows in batch for event in rows.events]
    notices = [notice for rows in batch for notice in rows.supplements]
    transfers = [transfer for rows in batch for transfer in rows.transfers]
    escalations = [
        Row(
            duty_type=history.kind.object_type,
            duty_id=str(rows.case.pk),
            duty_label=rows.case.number,
            unit_id=unit_id,
            level=level,
            created_at=when,
            due_at=rows.case.due_at,
        )
        for rows in batch
        for level, when, unit_id in rows.escalations
    ]
    notifications = [note for rows in batch for note in history.notifications(rows)]
    return write_batch(
        {
            "cases": (Case, cases),
            "case_events": (CaseEvent, events),
            "supplement_requests": (SupplementRequest, notices),
            "transfers": (Transfer, transfers),
            "escalations": (Escalation, escalations),
            "notifications": (Notification, notifications),
        },
        action="demo.load_cases",
        object_type=history.kind.object_type,
        object_id=f"{cases[0].pk}-{cases[-1].pk}",
        object_label=f"演示历史办件 {cases[0].number} 至 {cases[-1].number}",
        reason="演示数据：按办件规则批量载入历史办件（每批一条审计记录）",
    )


def load_history(seed: int, anchor: dt.date, count: int, catalogue: Catalogue) -> dict[str, int]:
    """Bulk-load `count` historical cases; returns row counts. Call inside a transaction."""
    first_pk = (Case.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    history = History(seed, anchor, count, catalogue)
    return load_batches(
        (_write(history, batch) for batch in history.batches(first_pk)), sequences=[Case]
    )


def plan_history(
    seed: int, anchor: dt.date, count: int, catalogue: Catalogue, first_pk: int = 1
) -> list[_Rows]:
    """The rows `load_history` writes into an empty table, without writing them (for tests)."""
    history = History(seed, anchor, count, catalogue)
    return [rows for batch in history.batches(first_pk) for rows in batch]


# --- live cases: through the real actions ---------------------------------------------------


class LiveClock:
    """Moments in the recent past, in working days before the moment of the build, for the
    steps that go through the real actions (live cases here, live ratings in demo.ratings)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = local_date(now)

    def workday(self, offset: int) -> dt.date:
        """Today if it is a working day (else the last one before), moved `offset` working
        days (back when negative)."""
        day = self.today
        while not is_workday(day):
            day -= dt.timedelta(days=1)
        return self.shift(day, offset)

    def shift(self, day: dt.date, offset: int) -> dt.date:
        step = dt.timedelta(days=1 if offset > 0 else -1)
        for _ in range(abs(offset)):
            day += step
            while not is_workday(day):
                day += step
        return day

    def when(self, day: dt.date, minute: int) -> dt.datetime:
        """`minute` past midnight of `day`; a moment not yet reached today is moved just
        before now, keeping the order of the day's moments (office hours: `minute` at most
        OFFICE_CLOSE + 59)."""
        moment = _at(day, minute)
        if moment >= self.now - dt.timedelta(minutes=1):
            moment = self.now - dt.timedelta(seconds=OFFICE_CLOSE + 60 - minute)
        return moment


class _Live(LiveClock):
    """About twenty recent cases, made by the actions with `at=` in the recent past, so that
    right now there are cases in every state and every warning level (none, blue, yellow,
    red, escalated to the head and to the office), in the fixed demo accounts' unit (MKT:
    log in as `staff`, `window` or `head`) and in each planted unit."""

    def __init__(self, seed: int, catalogue: Catalogue, now: dt.datetime) -> None:
        super().__init__(now)
        self.rng = cases_rng(seed, "live")
        self.applicants = _Applicants(cases_rng(seed, "live-applicants"))
        self.catalogue = catalogue
        ids = {user_id for unit in catalogue.units.values() for user_id in unit.staff}
        ids |= {unit.window for unit in catalogue.units.values() if unit.window}
        ids |= {user_id for user_id, _ in catalogue.applicant_users}
        self.users = User.objects.in_bulk(ids)
        self.made = 0

    # -- who and what ----------------------------------------------------------------------

    def window(self, unit: str) -> User:
        ref = self.catalogue.units[unit]
        return self.users[ref.window] if ref.window else self.staff(unit)

    def staff(self, unit: str) -> User:
        return self.users[self.catalogue.units[unit].staff[0]]

    def applicant_user(self, n: int) -> User | None:
        users = self.catalogue.applicant_users
        return self.users.get(users[n][0]) if n < len(users) else None

    def matter(
        self,
        unit: str,
        keyword: str = "",
        *,
        longest: bool = False,
        immediate: bool = False,
        authority: str = "",
    ) -> Matter:
        matters = list(Matter.objects.public().filter(unit__code=unit).order_by("code"))
        for wanted in (
            [m for m in matters if keyword in m.name] if keyword else [],
            [m for m in matters if m.is_immediate] if immediate else [],
            [m for m in matters if m.window_authority == authority] if authority else [],
        ):
            if wanted:
                matters = wanted
        if longest:
            return max(matters, key=lambda m: (m.promised_limit_days, m.code))
        return matters[0]

    # -- steps -----------------------------------------------------------------------------

    def submit(
        self,
        unit: str,
        matter: Matter,
        day: dt.date,
        minute: int = 9 * 60,
        channel: str = Case.Channel.WINDOW,
        applicant_user: User | None = None,
    ) -> Case:
        if channel == Case.Channel.ONLINE and not matter.online:
            channel = Case.Channel.WINDOW
        actor = applicant_user if channel == Case.Channel.ONLINE else self.window(unit)
        enterprise = any(word in matter.name for word in data.ENTERPRISE_WORDS)
        who = self.applicants.enterprise() if enterprise else self.applicants.resident()
        if applicant_user is not None:
            who = self.applicants.resident()
            who = Applicant(who.kind, applicant_user.get_full_name(), who.phone, who.id_number)
        self.made += 1
        return actions.submit_case(
            actor=actor,
            matter=matter,
            channel=channel,
            applicant_kind=who.kind,
            applicant_name=who.name,
            applicant_phone=who.phone,
            applicant_id_number=who.id_number,
            applicant_user=applicant_user,
            at=self.when(day, minute),
        )

    def accept(self, unit: str, case: Case, day: dt.date, minute: int) -> Case:
        at_counter = (
            case.channel == Case.Channel.WINDOW
            and case.matter.window_authority == Matter.WindowAuthority.DECIDE
        )
        actor = self.window(unit) if at_counter else self.staff(unit)
        return actions.accept_case(actor=actor, case=case, at=self.when(day, minute))

    def accepted_due(
        self,
        unit: str,
        due_offset: int,
        matter: Matter | None = None,
        channel: str = Case.Channel.WINDOW,
        applicant_user: User | None = None,
    ) -> Case:
        """A case accepted so that its deadline is `due_offset` working days from today."""
        matter = matter or self.matter(unit, longest=True)
        day = self.shift(self.workday(due_offset), -matter.promised_limit_days)
        day = min(day, self.workday(0))
        case = self.submit(unit, matter, day, 9 * 60, channel, applicant_user)
        return self.accept(unit, case, day, 9 * 60 + 15)

    def build(self) -> int:
        w = self.workday
        if "MKT" in self.catalogue.units:
            big = self.matter("MKT", longest=True)
            days = max(2, big.promised_limit_days)
            self.accepted_due("MKT", days)  # no warning yet
            self.accepted_due("MKT", 1)  # blue: one working day left
            self.accepted_due("MKT", 0)  # yellow: due today
            self.accepted_due(
                "MKT", -1, channel=Case.Channel.ONLINE, applicant_user=self.applicant_user(0)
            )
            self.accepted_due("MKT", -4)  # red, escalated to the office
            self.submit("MKT", big, w(0), 8 * 60, Case.Channel.ONLINE, self.applicant_user(1))
            waiting = self.submit("MKT", big, w(-1), 10 * 60)
            actions.request_supplement(
                actor=self.window("MKT"),
                case=waiting,
                materials=[m.name for m in big.materials.all()][:2] or ["申请表"],
                note="请一次性补齐以上材料",
                at=self.when(w(-1), 10 * 60 + 20),
            )
            done = self.accepted_due("MKT", big.promised_limit_days - 3)
            actions.record_step(
                actor=self.staff("MKT"),
                case=done,
                note="材料审查完毕",
                public_note="审查环节已办理",
                at=self.when(w(-2), 10 * 60),
            )
            actions.decide_case(
                actor=self.staff("MKT"), case=done, approve=True, at=self.when(w(-1), 15 * 60)
            )
            actions.close_case(actor=self.staff("MKT"), case=done, at=self.when(w(0), 9 * 60 + 30))
            refused = self.accepted_due("MKT", big.promised_limit_days - 5)
            actions.decide_case(
                actor=self.staff("MKT"),
                case=refused,
                approve=False,
                reason=data.REFUSAL_REASONS[1],
                legal_basis=big.legal_basis.split("；")[0],
                at=self.when(w(-1), 16 * 60),
            )
            rejected = self.submit("MKT", big, w(-2), 14 * 60)
            actions.refuse_acceptance(
                actor=self.staff("MKT"),
                case=rejected,
                reason=data.NOT_ACCEPTED_REASONS[2],
                legal_basis="《中华人民共和国行政许可法》第三十二条",
                at=self.when(w(-2), 15 * 60),
            )
            quick = self.matter("MKT", immediate=True)
            on_the_spot = self.submit("MKT", quick, w(0), 9 * 60 + 40)
            on_the_spot = self.accept("MKT", on_the_spot, w(0), 9 * 60 + 45)
            actions.decide_case(
                actor=self.window("MKT"),
                case=on_the_spot,
                approve=True,
                at=self.when(w(0), 9 * 60 + 55),
            )
        if data.SLOW_UNIT in self.catalogue.units:
            slow = self.accepted_due(data.SLOW_UNIT, -6)
            actions.record_step(
                actor=self.staff(data.SLOW_UNIT),
                case=slow,
                note="等待现场核查安排",
                at=self.when(w(-5), 11 * 60),
            )
        if data.TRANSFER_HEAVY_UNIT in self.catalogue.units and "REG" in self.catalogue.units:
            unit = data.TRANSFER_HEAVY_UNIT
            passed = self.submit(unit, self.matter(unit), w(-6), 9 * 60 + 30)
            passed = self.accept(unit, passed, w(-6), 9 * 60 + 50)
            registry = Unit.objects.get(code="REG")
            actions.transfer_case(
                actor=self.staff(unit),
                case=passed,
                to_unit=registry,
                reason=data.TRANSFER_REASONS[0].format(unit=registry.name),
                at=self.when(w(-4), 10 * 60),
            )
            actions.transfer_case(
                actor=self.staff("REG"),
                case=passed,
                to_unit=Unit.objects.get(code=unit),
                reason=data.RETURN_REASON,
                at=self.when(w(-2), 10 * 60),
            )
        if data.RECEIVE_ONLY_UNIT in self.catalogue.units:
            unit = data.RECEIVE_ONLY_UNIT
            matter = self.matter(unit, authority=Matter.WindowAuthority.RECEIVE_ONLY)
            forwarded = self.submit(unit, matter, w(-3), 10 * 60)
            actions.accept_case(actor=self.staff(unit), case=forwarded, at=self.when(w(0), 9 * 60))
        if data.REPEAT_SUPPLEMENT_UNIT in self.catalogue.units:
            unit = data.REPEAT_SUPPLEMENT_UNIT
            matter = self.matter(unit, "最低生活保障")
            again = self.submit(unit, matter, w(-5), 9 * 60)
            materials = [m.name for m in matter.materials.all()] or ["申请表"]
            for requested, supplied, actor in (
                (-5, -4, self.window(unit)),
                (-3, -2, self.staff(unit)),
            ):
                actions.request_supplement(
                    actor=actor,
                    case=again,
                    materials=[materials[requested % len(materials)]],
                    at=self.when(w(requested), 9 * 60 + 30),
                )
                actions.supply_materials(
                    actor=self.window(unit),
                    case=again,
                    note="申请人已当面提交",
                    at=self.when(w(supplied), 10 * 60),
                )
            actions.accept_case(actor=self.staff(unit), case=again, at=self.when(w(-1), 9 * 60))
        for unit, keyword in (("PSB", "居民身份证换领"), ("TAX", "发票代开")):
            if unit in self.catalogue.units:
                case = self.submit(unit, self.matter(unit, keyword), w(0), 10 * 60)
                case = self.accept(unit, case, w(0), 10 * 60 + 5)
                actions.decide_case(
                    actor=self.window(unit),
                    case=case,
                    approve=True,
                    at=self.when(w(0), 10 * 60 + 20),
                )
        if "REG" in self.catalogue.units:
            case = self.submit(
                "REG",
                self.matter("REG", "转移登记"),
                w(-1),
                20 * 60,
                Case.Channel.ONLINE,
                self.applicant_user(2),
            )
            actions.accept_case(actor=self.staff("REG"), case=case, at=self.when(w(0), 9 * 60 + 10))
        if "HRS" in self.catalogue.units:
            matter = self.matter("HRS", "社会保障卡申领")
            if matter.is_immediate:
                matter = self.matter("HRS", longest=True)
            self.accepted_due("HRS", 1, matter=matter)
        townships = [u.code for u in self.catalogue.units.values() if u.kind == Unit.Kind.TOWNSHIP]
        if townships:
            self.accepted_due(townships[0], 3)
        return self.made


# --- the step -----------------------------------------------------------------------------


def sweep_clocks(now: dt.datetime) -> int:
    """The clock sweep at the moment of the build; returns how many changes it made."""
    swept = sweep(now)
    return sum(sum(counts.values()) for counts in swept.counts.values())


def build_cases(
    seed: int,
    count: int = DEFAULT_CASES,
    anchor: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    run_sweep: bool = True,
) -> dict[str, int]:
    """Bulk-load `count` historical cases ending at `anchor` (default: today), add the live
    cases through the actions, and sweep the clocks. Call inside the build's transaction.

    `run_sweep=False` leaves the sweep to the caller: build_demo sweeps once after the ratings,
    because the sweep also gives unrated cases their default rating (where configured), which
    must not happen before the demo's own ratings are in."""
    if count <= 0:
        return {"cases": 0}
    now = now or timezone.now()
    anchor = anchor or local_date(now)
    if anchor > local_date(now):
        raise ValueError(f"锚定日期 {anchor} 晚于今天：历史办件不能发生在未来")
    catalogue = Catalogue.from_db()
    totals = load_history(seed, anchor, count, catalogue)
    live = _Live(seed, catalogue, now).build()
    counts = {
        "cases": totals["cases"] + live,
        "history_cases": totals["cases"],
        "live_cases": live,
        **{key: value for key, value in totals.items() if key != "cases"},
    }
    if run_sweep:
        counts["sweep_changes"] = sweep_clocks(now)
    return counts
