"""Who complains about whom, in what words, and when: the parts of a demo complaint that
do not depend on what happens to it afterwards.

Shared by the bulk-loaded year (demo.complaints_history), the live complaints
(demo.complaints_live) and the 12345 export sample (demo.hotline_sample), so that all three
write the same kind of complaint: the district as complainants see it (`District`), the
texts and complainants drawn from data_complaints (`Writer`), and one complaint's draft
(`Drafter`: channel, unit, cadre, time of day, identity). Pure functions of their RNGs;
only `District.from_db` reads the database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate

import zhconv
from django.contrib.auth.models import User

from complaints import actions
from complaints.identity import Identity
from complaints.models import ComplaintCategory
from demo import data
from demo import data_complaints as phrases
from demo.cases import OFFICE_CLOSE, OFFICE_OPEN, _at, _Workdays, resident_id_number
from org.models import Staff, Unit

IDENTIFIED_SHARE = 0.6
STAFF_CHANNELS = frozenset(actions.STAFF_CHANNELS)
OFFICE_HOURS_CHANNELS = frozenset(("letter", "visit", "forum", "survey"))


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


def weighted(rng: random.Random, shares: dict[str, float]) -> str:
    keys = list(shares)
    return rng.choices(keys, cum_weights=list(accumulate(shares.values())))[0]


def unit_weights(district: District, category: str) -> list[tuple[UnitInfo, float]]:
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


class Drafter:
    """Drafts complaints with one RNG: the category's likely units, the channel's hours."""

    def __init__(
        self, rng: random.Random, writer: Writer, district: District, days: _Workdays
    ) -> None:
        self.rng = rng
        self.writer = writer
        self.district = district
        self.days = days
        self.units_by_category = {
            category: unit_weights(district, category) for category in phrases.CATEGORY_SHARES
        }

    def moment(self, day: dt.date, channel: str) -> dt.datetime:
        rng = self.rng
        if channel in OFFICE_HOURS_CHANNELS:
            day = self.days.add(day, 0)
            return _at(day, rng.randint(OFFICE_OPEN, OFFICE_CLOSE - 1), rng.randrange(60))
        if channel == "hotline":
            return _at(day, rng.randint(7 * 60, 22 * 60), rng.randrange(60))
        return _at(day, rng.randint(6 * 60, 23 * 60 + 59), rng.randrange(60))

    def draft(self, category: str, day: dt.date, channel: str | None = None) -> Draft:
        rng, writer = self.rng, self.writer
        channel = channel or weighted(rng, phrases.CHANNEL_SHARES)
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
            received_at=self.moment(day, channel),
            channel=channel,
            category=category,
            unit=unit,
            text=text,
            subject_name=subject,
            subject_is_head=head,
            unit_known=channel not in ("web", "open311") or rng.random() < 0.8,
            identity=writer.identity(enterprise) if identified else Identity(),
        )
