"""Build the fictional demo district 示范区: units, people and the service catalogue.

The build is a sequence of steps (`build_units`, `build_people`, `build_matters`, then
`build_cases` in demo.cases and `build_ratings` in demo.ratings, then one clock sweep; later
issues add complaints). Each step first *plans*
its rows with a pure function of the seed (`plan_units`, `plan_people`, `plan_matters`) and
then creates them through the apps' actions, so every demo row has its audit event exactly
like a row entered by hand. The one exception is the year of historical cases, bulk-loaded
with one audit event per batch (and so is the year of their ratings): demo.cases explains
why.

Each step draws from its own RNG, seeded by (seed, step name): adding a step or changing how
one step draws does not reshuffle what the other steps generate.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog.actions import create_matter
from catalog.models import Matter
from complaints.models import Complaint
from demo import data
from demo.cases import DEFAULT_CASES, build_cases, sweep_clocks
from demo.complaints import build_complaints, complaint_count
from demo.data import UnitSpec
from demo.federation import build_city
from demo.forums import build_forums
from demo.ratings import build_ratings
from demo.reports import build_report
from demo.scorecard import build_scorecards
from demo.supervision import build_supervision
from demo.surveys import build_surveys
from demo.visits import build_visits
from org.actions import add_person, create_unit, set_unit_head
from org.models import Unit
from org.roles import ADMIN_ROLES, Role
from zuofeng.workdays.calendar import local_date

DEMO_PASSWORD = "zuofeng-demo"
DEFAULT_SEED = 1

# The accounts printed to users (by `demo_accounts`), with the role they demonstrate.
# Their usernames are fixed so that they can be typed from memory; the MKT accounts
# belong to 区市场监督管理局.
ROLE_ACCOUNTS: tuple[tuple[str, Role], ...] = (
    ("admin", Role.ADMIN),
    ("security", Role.SECURITY_ADMIN),
    ("auditor", Role.AUDIT_ADMIN),
    ("office", Role.SUPERVISOR),
    ("discipline", Role.DISCIPLINE),
    ("head", Role.UNIT_HEAD),
    ("staff", Role.UNIT_STAFF),
    ("window", Role.WINDOW),
    ("resident", Role.APPLICANT),
)
# (unit code, slot) -> fixed username; every other account is u<unit code><n>.
_FIXED_USERNAMES: dict[tuple[str, str], str] = {
    ("MKT", "head"): "head",
    ("MKT", "staff"): "staff",
    ("MKT", "window"): "window",
    ("DCS", "staff"): "office",
    ("JJW", "staff"): "discipline",
}
APPLICANT_COUNT = 5


class DistrictNotEmpty(Exception):
    """The database already holds units; the demo must not mix with real (or older) data."""


def district_is_empty() -> bool:
    return not Unit.objects.exists()


def _rng(seed: int, step: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so it is stable across processes
    # and Python versions (unlike hash()).
    return random.Random(f"zuofeng-demo:{seed}:{step}")


def all_unit_specs() -> list[UnitSpec]:
    """Every unit of the demo district, in display order."""
    townships = [
        UnitSpec(
            code,
            f"{stem}镇人民政府",
            f"{stem}镇",
            Unit.Kind.TOWNSHIP,
            in_hall=True,
            matters=data.TOWNSHIP_MATTERS,
            materials=data.TOWNSHIP_MATERIALS,
            laws=data.TOWNSHIP_LAWS,
        )
        for code, stem in data.TOWNSHIPS
    ]
    streets = [
        UnitSpec(
            code,
            f"{stem}街道办事处",
            f"{stem}街道",
            Unit.Kind.STREET,
            in_hall=True,
            matters=data.STREET_MATTERS,
            materials=data.STREET_MATERIALS,
            laws=data.STREET_LAWS,
        )
        for code, stem in data.STREETS
    ]
    return [
        *data.DEPARTMENTS,
        *townships,
        *streets,
        data.SERVICE_HALL,
        data.SUPERVISION,
        data.DISCIPLINE,
    ]


# --- units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    phone: str
    address: str
    sort_order: int


def plan_units(seed: int) -> list[UnitPlan]:
    rng = _rng(seed, "units")
    plans = []
    for index, spec in enumerate(all_unit_specs(), start=1):
        if spec.kind == Unit.Kind.SERVICE_HALL:
            address = f"{data.DISTRICT}市民中心一至三楼"
        elif spec.kind in (Unit.Kind.TOWNSHIP, Unit.Kind.STREET):
            address = (
                f"{data.DISTRICT}{spec.short_name}{rng.choice(data.ROADS)}{rng.randint(1, 99)}号"
            )
        else:
            address = f"{data.DISTRICT}{rng.choice(data.ROADS)}{rng.randint(1, 299)}号"
        plans.append(
            UnitPlan(
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                parent=spec.parent,
                phone=f"6{index:03d}{rng.randrange(1000, 10000)}",
                address=address,
                sort_order=index * 10,
            )
        )
    return plans


def build_units(seed: int) -> dict[str, Unit]:
    """Create the units; returns them by code."""
    units: dict[str, Unit] = {}
    for plan in plan_units(seed):
        # Parents come earlier in the list than their children.
        units[plan.code] = create_unit(
            actor=None,
            code=plan.code,
            name=plan.name,
            short_name=plan.short_name,
            kind=plan.kind,
            parent=units[plan.parent] if plan.parent else None,
            phone=plan.phone,
            address=plan.address,
            sort_order=plan.sort_order,
        )
    return units


# --- people --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPlan:
    """One account; `unit` is a unit code, None for the admin and applicants."""

    username: str
    full_name: str
    roles: tuple[str, ...]
    unit: str | None
    title: str = ""
    phone: str = ""
    is_head: bool = False


def _person_name(rng: random.Random, used: set[str]) -> str:
    """A random, unique-within-the-demo Chinese name (surname + one or two characters)."""
    while True:
        given_length = 2 if rng.random() < 0.7 else 1
        given = "".join(rng.sample(data.GIVEN_NAME_CHARS, given_length))
        name = rng.choice(data.SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def _head_title(spec: UnitSpec) -> str:
    for suffix, title in data.HEAD_TITLES:
        if spec.name.endswith(suffix):
            return title
    return "负责人"


def _main_role(kind: str) -> Role:
    if kind == Unit.Kind.SUPERVISION:
        return Role.SUPERVISOR
    if kind == Unit.Kind.DISCIPLINE:
        return Role.DISCIPLINE
    return Role.UNIT_STAFF


def plan_people(seed: int) -> list[PersonPlan]:
    """Every unit: a head, its staff (supervisors / discipline inspectors in those two
    offices), a window clerk where the unit has a hall window; then the admin and applicants."""
    rng = _rng(seed, "people")
    used_names: set[str] = set()
    phones = (f"1390000{n:04d}" for n in range(1, 10000))
    plans: list[PersonPlan] = []

    for spec in all_unit_specs():
        role = _main_role(spec.kind)
        if spec.kind == Unit.Kind.SUPERVISION:
            staff_count = 3
        elif spec.kind == Unit.Kind.DISCIPLINE:
            staff_count = 2
        else:
            staff_count = rng.randint(2, 4)
        slots = [
            "head",
            "staff",
            *["more"] * (staff_count - 1),
            *(["window"] if spec.in_hall else []),
        ]
        for number, slot in enumerate(slots, start=1):
            if slot == "head":
                roles, title = (role,), _head_title(spec)
            elif slot == "window":
                roles, title = (Role.WINDOW,), data.WINDOW_TITLE
            else:
                roles, title = (role,), rng.choice(data.STAFF_TITLES[spec.kind])
            plans.append(
                PersonPlan(
                    # Fixed names still use up their number, so the others do not shift.
                    username=_FIXED_USERNAMES.get((spec.code, slot))
                    or f"u{spec.code.lower()}{number}",
                    full_name=_person_name(rng, used_names),
                    roles=roles,
                    unit=spec.code,
                    title=title,
                    phone=next(phones),
                    is_head=slot == "head",
                )
            )

    # 三员分立: the system, security and audit administrators are three people, and none is a
    # superuser (a superuser holds every permission, which is what the separation forbids).
    for username, role in (
        ("admin", Role.ADMIN),
        ("security", Role.SECURITY_ADMIN),
        ("auditor", Role.AUDIT_ADMIN),
    ):
        plans.append(
            PersonPlan(
                username=username,
                full_name=_person_name(rng, used_names),
                roles=(role,),
                unit=None,
            )
        )
    for n in range(1, APPLICANT_COUNT + 1):
        plans.append(
            PersonPlan(
                username="resident" if n == 1 else f"resident{n}",
                full_name=_person_name(rng, used_names),
                roles=(Role.APPLICANT,),
                unit=None,
            )
        )
    return plans


@dataclass
class DemoPeople:
    """The accounts later steps need, by unit code: each unit's head, its other staff (the
    supervisors and discipline inspectors in those two offices) and its window clerk."""

    heads: dict[str, User] = field(default_factory=dict)
    staff: dict[str, list[User]] = field(default_factory=dict)
    windows: dict[str, User] = field(default_factory=dict)
    admin: User | None = None
    # The system, security and audit administrators (admin among them).
    administrators: list[User] = field(default_factory=list)
    applicants: list[User] = field(default_factory=list)

    @property
    def supervisors(self) -> list[User]:
        return self.staff.get(data.SUPERVISION.code, [])

    @property
    def discipline(self) -> list[User]:
        return self.staff.get(data.DISCIPLINE.code, [])

    def count(self) -> int:
        return (
            len(self.heads)
            + sum(len(users) for users in self.staff.values())
            + len(self.windows)
            + len(self.administrators)
            + len(self.applicants)
        )


def build_people(seed: int, units: dict[str, Unit]) -> DemoPeople:
    # Hashing is deliberately slow; one hash shared by every demo account keeps the build fast.
    password_hash = make_password(DEMO_PASSWORD)
    people = DemoPeople()
    for plan in plan_people(seed):
        user = add_person(
            actor=None,
            username=plan.username,
            full_name=plan.full_name,
            roles=list(plan.roles),
            unit=units[plan.unit] if plan.unit else None,
            title=plan.title,
            phone=plan.phone,
            password_hash=password_hash,
        )
        if plan.is_head and plan.unit is not None:
            units[plan.unit] = set_unit_head(actor=None, unit=units[plan.unit], head=user)
            people.heads[plan.unit] = user
        elif Role.WINDOW in plan.roles:
            people.windows[plan.unit or ""] = user
        elif plan.unit is not None:
            people.staff.setdefault(plan.unit, []).append(user)
        elif set(plan.roles) & set(ADMIN_ROLES):
            people.administrators.append(user)
            if plan.username == "admin":
                people.admin = user
        else:
            people.applicants.append(user)
    return people


# --- matters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialPlan:
    name: str
    originals: int
    copies: int
    notes: str = ""


@dataclass(frozen=True)
class MatterPlan:
    code: str
    unit: str
    name: str
    kind: str
    legal_basis: str
    steps: str
    fee: str
    statutory_limit_days: int
    promised_limit_days: int
    online: bool
    window_authority: str
    materials: tuple[MaterialPlan, ...]


# First match wins: a 补贴 that is 审批 is still a benefit.
_KIND_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "补贴",
            "补助",
            "救助",
            "津贴",
            "抚恤",
            "扶助",
            "资助",
            "保险金",
            "养老金",
            "报销",
            "最低生活保障",
            "供养",
            "援助",
        ),
        Matter.Kind.BENEFIT,
    ),
    (("许可", "核发", "审批", "核准", "审查", "审核", "初审"), Matter.Kind.LICENSING),
    (("登记", "认定", "注册", "证明", "认证", "补领", "补发", "换领"), Matter.Kind.CONFIRMATION),
    (("备案", "处理", "评定", "查验", "检定"), Matter.Kind.OTHER),
)

_STEPS: dict[str, tuple[str, ...]] = {
    Matter.Kind.LICENSING: ("受理", "审查", "现场核查", "决定", "制证", "送达"),
    Matter.Kind.BENEFIT: ("申请", "受理", "审核", "公示", "审批", "发放"),
    Matter.Kind.CONFIRMATION: ("受理", "审核", "登记", "发证"),
    Matter.Kind.OTHER: ("受理", "审查", "决定", "送达"),
    Matter.Kind.PUBLIC_SERVICE: ("受理", "办理", "办结"),
}


def chinese_number(n: int) -> str:
    """1..99 as written in article numbers: 3 -> 三, 10 -> 十, 30 -> 三十, 42 -> 四十二."""
    digits = data.CHINESE_DIGITS
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _matter_kind(name: str) -> str:
    for keywords, kind in _KIND_KEYWORDS:
        if any(word in name for word in keywords):
            return kind
    return Matter.Kind.PUBLIC_SERVICE


def _bigrams(text: str) -> set[str]:
    text = text.replace("中华人民共和国", "")
    return {text[i : i + 2] for i in range(len(text) - 1)} - data.GENERIC_BIGRAMS


def _governing_law(spec: UnitSpec, name: str) -> str:
    """The unit's law that best fits the matter: an explicit hint, else the law sharing the
    most two-character words with the matter's name, else the unit's main (first) law."""
    for keyword, law in data.LAW_HINTS:
        if keyword in name and law in spec.laws:
            return law
    words = _bigrams(name)
    best = max(spec.laws, key=lambda law: len(words & _bigrams(law)))
    return best if words & _bigrams(best) else spec.laws[0]


def _legal_basis(rng: random.Random, spec: UnitSpec, name: str, kind: str) -> str:
    law = _governing_law(spec, name)
    citations = [f"{law}第{chinese_number(rng.randint(2, 60))}条"]
    if kind == Matter.Kind.LICENSING and law != data.LICENSING_LAW and rng.random() < 0.5:
        citations.append(f"{data.LICENSING_LAW}第{chinese_number(rng.randint(29, 50))}条")
    return "；".join(citations)


def _steps(rng: random.Random, name: str, kind: str, immediate: bool, authority: str) -> str:
    if "初审" in name:
        steps: tuple[str, ...] = ("申请", "受理", "初审", "报送区级部门审批", "告知结果")
    elif immediate:
        steps = rng.choice((("受理", "审核", "当场办结"), ("申请", "受理", "即时办结")))
    else:
        steps = _STEPS[kind]
        if kind == Matter.Kind.LICENSING and rng.random() < 0.5:
            steps = tuple(step for step in steps if step != "现场核查")
    if authority == Matter.WindowAuthority.RECEIVE_ONLY and steps[0] in ("受理", "申请"):
        steps = ("窗口收件", "转业务科室", *steps[1:])
    return "\n".join(steps)


def _materials(rng: random.Random, spec: UnitSpec, name: str) -> tuple[MaterialPlan, ...]:
    count = rng.choices((1, 2, 3, 4, 5, 6), weights=(1, 3, 4, 4, 2, 1))[0]
    pool = [m for m in (*spec.materials, *data.COMMON_MATERIALS) if m not in name]
    chosen = [f"{name}申请表", *rng.sample(pool, k=min(count - 1, len(pool)))]
    plans = []
    for material in chosen:
        originals, copies = rng.choice(((1, 0), (1, 0), (1, 1), (0, 1)))
        notes = rng.choice(data.MATERIAL_NOTES) if rng.random() < 0.15 else ""
        plans.append(MaterialPlan(material, originals, copies, notes))
    return tuple(plans)


def _window_authority(rng: random.Random, spec: UnitSpec, name: str, first: bool) -> str:
    authority = _drawn_window_authority(rng, spec, name, first)
    if spec.code == data.RECEIVE_ONLY_UNIT and authority == Matter.WindowAuthority.DECIDE:
        # The planted 明进暗不进 unit: listed in the hall, but its window may only receive.
        # Overridden after the draw, so the other units' matters stay as they were.
        return Matter.WindowAuthority.RECEIVE_ONLY
    return authority


def _drawn_window_authority(rng: random.Random, spec: UnitSpec, name: str, first: bool) -> str:
    if not spec.in_hall:
        return Matter.WindowAuthority.NOT_IN_HALL
    if "初审" in name:
        return Matter.WindowAuthority.RECEIVE_ONLY
    if first:
        # A unit with a window decides at least one matter there, so its window clerk has work.
        return Matter.WindowAuthority.DECIDE
    return rng.choices(
        (
            Matter.WindowAuthority.DECIDE,
            Matter.WindowAuthority.RECEIVE_ONLY,
            Matter.WindowAuthority.NOT_IN_HALL,
        ),
        weights=(75, 15, 10),
    )[0]


def plan_matters(seed: int) -> list[MatterPlan]:
    rng = _rng(seed, "matters")
    plans = []
    for spec in all_unit_specs():
        names = list(spec.matters)
        # Townships and streets share a pool; each offers its own subset, in the pool's order.
        if spec.kind == Unit.Kind.TOWNSHIP:
            names = sorted(rng.sample(names, 6), key=names.index)
        elif spec.kind == Unit.Kind.STREET:
            names = sorted(rng.sample(names, 4), key=names.index)
        for position, name in enumerate(names):
            kind = _matter_kind(name)
            immediate = rng.random() < 0.15 and "初审" not in name
            if immediate:
                statutory = rng.choice((0, 1, 3, 5, 10, 20))
                promised = 0
            else:
                statutory = (
                    20 if kind == Matter.Kind.LICENSING else rng.choice((3, 5, 7, 10, 15, 20))
                )
                # Promises are usually well under the statutory limit (the point of the reform).
                promised = max(1, round(statutory * rng.choice((0.3, 0.5, 0.5, 0.6, 1.0))))
            authority = _window_authority(rng, spec, name, first=position == 0)
            plans.append(
                MatterPlan(
                    code=f"{spec.code}-{position + 1:04d}",
                    unit=spec.code,
                    name=name,
                    kind=kind,
                    legal_basis=_legal_basis(rng, spec, name, kind),
                    steps=_steps(rng, name, kind, immediate, authority),
                    fee="不收费" if rng.random() < 0.92 else rng.choice(data.FEES),
                    statutory_limit_days=statutory,
                    promised_limit_days=promised,
                    online=rng.random() < 0.6,
                    window_authority=authority,
                    materials=_materials(rng, spec, name),
                )
            )
    return plans


def build_matters(seed: int, units: dict[str, Unit]) -> dict[str, list[Matter]]:
    """Create the catalogue; returns each unit's matters by unit code."""
    matters: dict[str, list[Matter]] = {}
    specs = {spec.code: (index, spec) for index, spec in enumerate(all_unit_specs())}
    for plan in plan_matters(seed):
        unit = units[plan.unit]
        index, spec = specs[plan.unit]
        matter = create_matter(
            actor=None,
            code=plan.code,
            name=plan.name,
            unit=unit,
            kind=plan.kind,
            legal_basis=plan.legal_basis,
            steps=plan.steps,
            fee=plan.fee,
            statutory_limit_days=plan.statutory_limit_days,
            promised_limit_days=plan.promised_limit_days,
            online=plan.online,
            window_authority=plan.window_authority,
            contact_phone=unit.phone,
            **data.matter_service_point(spec, index, unit.address, plan.window_authority),
            materials=[
                {"name": m.name, "originals": m.originals, "copies": m.copies, "notes": m.notes}
                for m in plan.materials
            ],
        )
        matters.setdefault(plan.unit, []).append(matter)
    return matters


# --- the whole build -----------------------------------------------------------------------


def build_demo(
    seed: int = DEFAULT_SEED,
    cases: int = DEFAULT_CASES,
    anchor: dt.date | None = None,
    *,
    city: bool = False,
) -> dict[str, int]:
    """Build the whole demo district in one transaction; returns row counts by kind.

    `cases`: historical cases over the year before `anchor` (default: today), plus about
    twenty live ones; 0 builds no cases (and so no ratings). See demo.cases. About 70 % of
    the decided cases are rated, and about a dozen live ratings go through the actions: see
    demo.ratings. The clock sweep runs once, at the end, so that it sees the ratings'
    rectifications and gives any default rating only to cases the demo left unrated.

    Raises DistrictNotEmpty if any unit exists: the demo is for an empty database only.
    """
    now = timezone.now()
    with transaction.atomic():
        if not district_is_empty():
            raise DistrictNotEmpty("数据库中已有单位数据")
        units = build_units(seed)
        people = build_people(seed, units)
        matters = build_matters(seed, units)
        case_counts = build_cases(seed, cases, anchor, now=now, run_sweep=False)
        rating_counts: dict[str, int] = {"ratings": 0}
        if case_counts.get("history_cases"):
            rating_counts = build_ratings(
                seed,
                anchor or local_date(now),
                now=now,
                history_cases=case_counts["history_cases"],
            )
            rating_counts |= build_complaints(
                seed, anchor or local_date(now), now=now, count=complaint_count(cases)
            )
            rating_counts |= build_supervision(seed, anchor or local_date(now), now=now)
            rating_counts |= build_forums(seed, anchor or local_date(now), now=now)
            rating_counts |= build_visits(seed, anchor or local_date(now), now=now)
            rating_counts |= build_surveys(seed, anchor or local_date(now), now=now)
            # The supervision step files complaints of its own when the demo has no hot spot
            # to reopen a task with: the summary counts every complaint built.
            rating_counts["complaints"] = Complaint.objects.count()
            case_counts["sweep_changes"] = sweep_clocks(now)
            rating_counts |= build_scorecards(anchor or local_date(now), now=now)
            # Last: the report reads everything above, frozen as facts.
            rating_counts["reports"] = 1 if build_report(anchor or local_date(now), now=now) else 0
            if city:
                # The city's view of this district and two fictional neighbours (federation/).
                rating_counts |= build_city(seed, anchor or local_date(now), now=now)
    return {
        "units": len(units),
        "people": people.count(),
        "matters": sum(len(unit_matters) for unit_matters in matters.values()),
        **case_counts,
        **rating_counts,
    }
